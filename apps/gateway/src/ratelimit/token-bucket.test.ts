import { rateLimitSchema } from "@switchyard/contracts";
import { describe, expect, it } from "vitest";
import { TokenBucketLimiter } from "./token-bucket";

describe("TokenBucketLimiter", () => {
  it("allows the burst at once, then refuses with a Retry-After", () => {
    const limiter = new TokenBucketLimiter(rateLimitSchema.parse({ average: 10, burst: 5 }));
    const decisions = Array.from({ length: 6 }, () => limiter.take("c", 0));
    expect(decisions.slice(0, 5).every((d) => d.allowed)).toBe(true);
    expect(decisions[4]).toEqual({ allowed: true, remaining: 0, resetSeconds: 1 });
    expect(decisions[5]).toEqual({ allowed: false, retryAfterSeconds: 1, resetSeconds: 1 });
  });

  it("never refuses a client that stays under the average rate", () => {
    const limiter = new TokenBucketLimiter(rateLimitSchema.parse({ average: 20, burst: 5 }));
    for (let t = 0; t < 60_000; t += 60) expect(limiter.take("steady", t).allowed).toBe(true);
  });

  it("refills in proportion to elapsed time and keeps clients apart", () => {
    const limiter = new TokenBucketLimiter(rateLimitSchema.parse({ average: 1, burst: 1, periodMs: 60_000 }));
    expect(limiter.take("a", 0).allowed).toBe(true);
    const refused = limiter.take("a", 1_000);
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: 59, resetSeconds: 59 });
    expect(limiter.take("b", 1_000).allowed).toBe(true);
    expect(limiter.take("a", 60_000).allowed).toBe(true);
  });

  it("bounds the number of keys it remembers", () => {
    const limiter = new TokenBucketLimiter(rateLimitSchema.parse({ average: 1, burst: 2 }), 100);
    for (let i = 0; i < 1_000; i++) limiter.take(`client-${i}`, i);
    expect(limiter.size).toBeLessThanOrEqual(100);
  });
});
