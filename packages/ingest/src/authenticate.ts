import type { Database } from "@switchyard/db";
import { AGENT_TOKEN_PREFIX, hashToken, INGEST_KEY_PREFIX } from "./ingest-key";

export interface IngestPrincipal {
  organizationId: string;
  kind: "agent" | "ingest_key";
  id: string;
}

export type Authenticate = (token: string) => Promise<IngestPrincipal | null>;

export interface TokenCacheOptions {
  /** How long a lookup (found or not) is reused; a revoked key stops working within this time. */
  ttlMs: number;
  /** Entries kept; the oldest go first. Bounded so random tokens cannot grow it. */
  maxEntries: number;
  /** lastUsedAt is written at most this often per key, off the request path. */
  touchEveryMs: number;
}

const defaultCacheOptions: TokenCacheOptions = { ttlMs: 5_000, maxEntries: 10_000, touchEveryMs: 60_000 };

/**
 * Resolves a bearer token to its organization: an agent token (`sy_agt_`) or an ingest key (`sy_ing_`),
 * by SHA-256 with one indexed lookup, cached for a few seconds because exporters send many batches a second.
 */
export function createAuthenticator(db: Database, options: Partial<TokenCacheOptions> = {}): Authenticate {
  const { ttlMs, maxEntries, touchEveryMs } = { ...defaultCacheOptions, ...options };
  const cache = new Map<string, { principal: IngestPrincipal | null; expiresAt: number }>();
  const touchedAt = new Map<string, number>();

  async function lookup(hash: string, token: string): Promise<IngestPrincipal | null> {
    if (token.startsWith(INGEST_KEY_PREFIX)) {
      const key = await db.ingestKey.findUnique({
        where: { keyHash: hash },
        select: { id: true, organizationId: true, revokedAt: true },
      });
      return key && !key.revokedAt
        ? { organizationId: key.organizationId, kind: "ingest_key", id: key.id }
        : null;
    }
    if (token.startsWith(AGENT_TOKEN_PREFIX)) {
      const agent = await db.agent.findUnique({
        where: { tokenHash: hash },
        select: { id: true, organizationId: true, revokedAt: true },
      });
      return agent && !agent.revokedAt
        ? { organizationId: agent.organizationId, kind: "agent", id: agent.id }
        : null;
    }
    return null;
  }

  function touch(principal: IngestPrincipal, now: number): void {
    if (principal.kind !== "ingest_key") return;
    const last = touchedAt.get(principal.id) ?? 0;
    if (now - last < touchEveryMs) return;
    touchedAt.set(principal.id, now);
    // Bookkeeping only: a failed write must not fail the upload.
    db.ingestKey
      .update({ where: { id: principal.id }, data: { lastUsedAt: new Date(now) } })
      .catch(() => undefined);
  }

  return async (token) => {
    const hash = hashToken(token);
    const now = Date.now();
    const cached = cache.get(hash);
    let principal: IngestPrincipal | null;
    if (cached && cached.expiresAt > now) {
      principal = cached.principal;
    } else {
      principal = await lookup(hash, token);
      cache.delete(hash);
      if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
      cache.set(hash, { principal, expiresAt: now + ttlMs });
    }
    if (principal) touch(principal, now);
    return principal;
  };
}
