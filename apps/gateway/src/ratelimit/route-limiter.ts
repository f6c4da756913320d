import { type RateLimitPolicy } from "@switchyard/contracts";
import { type Logger } from "../log";
import { findHeader } from "../proxy/raw-headers";
import { type SharedBuckets } from "./shared-buckets";
import { TokenBucketLimiter, type RateDecision } from "./token-bucket";

/**
 * A route's rate limit: how to key a request, its buckets, and the header values it advertises. A
 * shared limit spends from the Redis bucket when Redis can answer, and from this agent's bucket when
 * it cannot (see {@link SharedBuckets}).
 */
export class RouteLimiter {
  readonly limiter: TokenBucketLimiter;
  /** `RateLimit-Limit` value: the burst a client can spend at once. */
  readonly limitHeader: string;
  /** `RateLimit-Policy` value (draft-ietf-httpapi-ratelimit-headers): quota and window in seconds. */
  readonly policyHeader: string;
  private readonly keyHeader: string | null;

  constructor(
    readonly routeId: string,
    readonly policy: RateLimitPolicy,
    /** Set when the policy is shared and this agent has a Redis to share it through. */
    private readonly shared: SharedBuckets | null,
  ) {
    this.limiter = new TokenBucketLimiter(policy);
    this.limitHeader = String(policy.burst);
    this.policyHeader = `${policy.burst};w=${Math.max(1, Math.round((policy.burst / policy.average) * (policy.periodMs / 1000)))}`;
    const key = policy.key;
    this.keyHeader = key.type === "header" ? key.name : key.type === "api_key" ? key.header : null;
  }

  /** A request without the configured header or API key is limited by its client address instead. */
  keyOf(rawHeaders: readonly string[], clientAddress: string): string {
    if (this.keyHeader === null) return clientAddress;
    const value = findHeader(rawHeaders, this.keyHeader);
    return value === undefined || value === "" ? `ip:${clientAddress}` : `key:${value}`;
  }

  /** Whether this request's decision goes to Redis (asynchronously) rather than the local bucket. */
  get asksRedis(): boolean {
    return this.shared !== null && this.shared.ready;
  }

  /** The shared decision, or the local one when Redis fails or times out; never rejects. */
  takeShared(key: string): Promise<RateDecision> {
    const shared = this.shared!;
    return shared.take(`ratelimit:${this.routeId}:${key}`, this.policy).catch((error: Error) => {
      shared.noteFallback(error);
      return this.limiter.take(key, Date.now());
    });
  }

  takeLocal(key: string, now: number): RateDecision {
    if (this.shared !== null) this.shared.noteFallback(null);
    return this.limiter.take(key, now);
  }
}

/**
 * Keeps a route's buckets across revisions while its policy is unchanged, so that pushing a new
 * revision (every second, in the worst case) does not hand every client a fresh burst.
 */
export class RouteLimiterRegistry {
  private limiters = new Map<string, RouteLimiter>();

  constructor(
    /** Null when the bootstrap names no Redis: shared limits are then enforced per agent. */
    readonly shared: SharedBuckets | null = null,
    private readonly log: Logger | null = null,
  ) {}

  prepare(routeId: string, policy: RateLimitPolicy, into: Map<string, RouteLimiter>): RouteLimiter {
    const key = `${routeId}\u0000${JSON.stringify(policy)}`;
    let limiter = this.limiters.get(key) ?? into.get(key);
    if (limiter === undefined) {
      if (policy.shared && this.shared === null) {
        this.log?.("warn", "rate limit is shared but the bootstrap names no redis: limiting per agent", {
          route: routeId,
        });
      }
      limiter = new RouteLimiter(routeId, policy, policy.shared ? this.shared : null);
    }
    into.set(key, limiter);
    return limiter;
  }

  commit(next: Map<string, RouteLimiter>): void {
    this.limiters = next;
  }
}
