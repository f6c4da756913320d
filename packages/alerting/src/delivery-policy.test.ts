import { describe, expect, it } from "vitest";
import { backoffMs, decideDelivery, MAX_ERROR_ATTEMPTS, MAX_RATE_LIMITED_ATTEMPTS } from "./delivery-policy";

const response = (status: number, body = "", retryAfterMs: number | null = null) => ({
  ok: status >= 200 && status < 300,
  status,
  body,
  retryAfterMs,
});

describe("decideDelivery", () => {
  it("is done on a 2xx", () => {
    expect(decideDelivery(response(200, "ok"), 1)).toEqual({ kind: "sent" });
  });

  it("waits exactly Retry-After on a 429", () => {
    expect(decideDelivery(response(429, "rate_limited", 3_000), 1)).toEqual({
      kind: "retry",
      delayMs: 3_000,
      reason: "HTTP 429: rate_limited",
    });
    expect(decideDelivery(response(429, "", 3_000), MAX_RATE_LIMITED_ATTEMPTS).kind).toBe("failed");
  });

  it("backs off on 5xx and network errors, then gives up", () => {
    expect(decideDelivery(response(500, "boom"), 1, () => 0)).toEqual({
      kind: "retry",
      delayMs: 500,
      reason: "HTTP 500: boom",
    });
    expect(decideDelivery(response(0, "connect ECONNREFUSED"), 3, () => 1)).toMatchObject({
      kind: "retry",
      delayMs: 4_000,
      reason: "connect ECONNREFUSED",
    });
    expect(decideDelivery(response(503), MAX_ERROR_ATTEMPTS)).toMatchObject({ kind: "failed" });
  });

  it("fails for good on other 4xx", () => {
    expect(decideDelivery(response(404, "no_service"), 1)).toEqual({
      kind: "failed",
      reason: "HTTP 404: no_service",
    });
    expect(decideDelivery(response(403, "invalid_token"), 1).kind).toBe("failed");
  });
});

describe("backoffMs", () => {
  it("grows exponentially within its jitter band and is capped", () => {
    for (let attempt = 1; attempt <= 6; attempt++) {
      const step = 1000 * 2 ** (attempt - 1);
      expect(backoffMs(attempt, () => 0)).toBe(step / 2);
      expect(backoffMs(attempt, () => 1)).toBe(step);
    }
    expect(backoffMs(30, () => 1)).toBe(300_000);
  });
});
