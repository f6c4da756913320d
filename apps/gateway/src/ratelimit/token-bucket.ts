import { type RateLimitPolicy } from "@switchyard/contracts";

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export type RateDecision =
  | { allowed: true; remaining: number; resetSeconds: number }
  | { allowed: false; retryAfterSeconds: number; resetSeconds: number };

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
    this.tokensPerMs = policy.average / policy.periodMs;
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
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return {
        allowed: true,
        remaining: Math.floor(bucket.tokens),
        resetSeconds: this.secondsUntilFull(bucket),
      };
    }
    const retryAfterMs = (1 - bucket.tokens) / this.tokensPerMs;
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)),
      resetSeconds: this.secondsUntilFull(bucket),
    };
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

  private secondsUntilFull(bucket: Bucket): number {
    return Math.ceil((this.capacity - bucket.tokens) / this.tokensPerMs / 1000);
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
