import { createHash, randomBytes } from "node:crypto";

export const INGEST_KEY_PREFIX = "sy_ing_";
export const AGENT_TOKEN_PREFIX = "sy_agt_";

/**
 * A new organization ingest key. Only its SHA-256 is stored: the key has 256 random bits, so a fast hash
 * is enough and the ingest finds the organization with one indexed lookup.
 */
export function generateIngestKey(): { key: string; hash: string; displayPrefix: string } {
  const key = INGEST_KEY_PREFIX + randomBytes(32).toString("base64url");
  return { key, hash: hashToken(key), displayPrefix: key.slice(0, INGEST_KEY_PREFIX.length + 6) };
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
