import { createHash, randomBytes } from "node:crypto";

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
