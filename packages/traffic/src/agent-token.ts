import { createHash, randomBytes } from "node:crypto";
import type { Database } from "@switchyard/db";

const TOKEN_PREFIX = "sy_agt_";

/**
 * A new agent token. Only its SHA-256 is stored: the token is high-entropy, so a fast hash is enough and
 * lets the agent API look tokens up by hash in one indexed query.
 */
export function generateAgentToken(): { token: string; hash: string; displayPrefix: string } {
  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  return { token, hash: hashAgentToken(token), displayPrefix: token.slice(0, TOKEN_PREFIX.length + 6) };
}

export function hashAgentToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** The bearer token of an `Authorization` header, or null when there is none. */
export function bearerToken(authorization: string | null | undefined): string | null {
  const match = authorization?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1] ?? null;
}

/** The agent a token belongs to, or null when the token is unknown or the agent was revoked. */
export async function findAgentByToken(db: Database, token: string) {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const agent = await db.agent.findUnique({
    where: { tokenHash: hashAgentToken(token) },
    select: { id: true, name: true, organizationId: true, groupId: true, revokedAt: true },
  });
  return agent && !agent.revokedAt ? agent : null;
}
