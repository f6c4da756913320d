import { type RateLimitPolicy } from "@switchyard/contracts";

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export type RateDecision =
  | { allowed: true; remaining: number; resetSeconds: number }
  | { allowed: false; retryAfterSeconds: number; resetSeconds: number };

/** Tokens a bucket of this policy gains per millisecond. */
export function refillPerMs(policy: RateLimitPolicy): number {
  return policy.average / policy.periodMs;
}

/**
 * The decision (and its header values) for a bucket left with `tokens` after a take that was `allowed`
 * or not; the local and the Redis-shared buckets answer alike.
 */
export function rateDecision(allowed: boolean, tokens: number, policy: RateLimitPolicy): RateDecision {
  const perMs = refillPerMs(policy);
  const resetSeconds = Math.ceil((policy.burst - tokens) / perMs / 1000);
  if (allowed) return { allowed: true, remaining: Math.floor(tokens), resetSeconds };
  const retryAfterMs = (1 - tokens) / perMs;
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)), resetSeconds };
}

/**
 * Token buckets per client key: each holds at most `burst` tokens and refills `average` per `periodMs`.
 * Refill is computed lazily from the elapsed time, so there is no timer per bucket. The key map is
 * bounded: full (idle) buckets are swept, and if that is not enough the oldest keys are dropped,
 * which can only ever be lenient to a client, never strict.
 */
export class TokenBucketLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly capacity: number;
  private readonly tokensPerMs: number;
  private lastSweep = 0;

  constructor(
    readonly policy: RateLimitPolicy,
    private readonly maxKeys = 100_000,
  ) {
    this.capacity = policy.burst;
    this.tokensPerMs = refillPerMs(policy);
  }

  take(key: string, now: number): RateDecision {
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      this.makeRoom(now);
      bucket = { tokens: this.capacity, updatedAt: now };
      this.buckets.set(key, bucket);
    } else {
      this.refill(bucket, now);
    }
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    return rateDecision(allowed, bucket.tokens, this.policy);
  }

  get size(): number {
    return this.buckets.size;
  }

  private refill(bucket: Bucket, now: number): void {
    const elapsed = now - bucket.updatedAt;
    if (elapsed > 0) {
      bucket.tokens = Math.min(this.capacity, bucket.tokens + elapsed * this.tokensPerMs);
      bucket.updatedAt = now;
    }
  }

  private makeRoom(now: number): void {
    if (this.buckets.size < this.maxKeys && now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [key, bucket] of this.buckets) {
      this.refill(bucket, now);
      if (bucket.tokens >= this.capacity) this.buckets.delete(key);
    }
    for (const key of this.buckets.keys()) {
      if (this.buckets.size < this.maxKeys) break;
      this.buckets.delete(key);
    }
  }
}
