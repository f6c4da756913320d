import { type RateLimitPolicy } from "@switchyard/contracts";
import { findHeader } from "../proxy/raw-headers";
import { TokenBucketLimiter } from "./token-bucket";

/** A route's rate limit: how to key a request, its buckets, and the header values it advertises. */
export class RouteLimiter {
  readonly limiter: TokenBucketLimiter;
  /** `RateLimit-Limit` value: the burst a client can spend at once. */
  readonly limitHeader: string;
  /** `RateLimit-Policy` value (draft-ietf-httpapi-ratelimit-headers): quota and window in seconds. */
  readonly policyHeader: string;
  private readonly keyHeader: string | null;

  constructor(readonly policy: RateLimitPolicy) {
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
}

/**
 * Keeps a route's buckets across revisions while its policy is unchanged, so that pushing a new
 * revision (every second, in the worst case) does not hand every client a fresh burst.
 */
export class RouteLimiterRegistry {
  private limiters = new Map<string, RouteLimiter>();

  prepare(routeId: string, policy: RateLimitPolicy, into: Map<string, RouteLimiter>): RouteLimiter {
    const key = `${routeId}\u0000${JSON.stringify(policy)}`;
    const limiter = this.limiters.get(key) ?? into.get(key) ?? new RouteLimiter(policy);
    into.set(key, limiter);
    return limiter;
  }

  commit(next: Map<string, RouteLimiter>): void {
    this.limiters = next;
  }
}
