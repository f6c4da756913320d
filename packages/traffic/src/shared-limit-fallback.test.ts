import { describe, expect, it } from "vitest";
import type { SharedRateLimitStatus } from "@switchyard/contracts";
import { RECENT_FALLBACK_MS, sharedLimitFallback } from "./shared-limit-fallback";

const sentAt = new Date("2026-11-21T12:00:00.000Z");
const connected: SharedRateLimitStatus = {
  connection: "connected",
  sharedDecisions: 120,
  localFallbacks: 0,
  lastFallbackAt: null,
  lastError: null,
};

describe("shared rate limit fallback", () => {
  it("is nothing while Redis decides", () => {
    expect(sharedLimitFallback(connected, sentAt)).toBeNull();
  });

  it("names an unreachable Redis with its error", () => {
    expect(
      sharedLimitFallback(
        { ...connected, connection: "unreachable", lastError: "connect ECONNREFUSED 127.0.0.1:6390" },
        sentAt,
      ),
    ).toBe("Redis unreachable (connect ECONNREFUSED 127.0.0.1:6390): limits with its own buckets");
  });

  it("names an agent without Redis and one still connecting", () => {
    expect(sharedLimitFallback({ ...connected, connection: "not_configured" }, sentAt)).toMatch(
      /no Redis in its bootstrap/,
    );
    expect(sharedLimitFallback({ ...connected, connection: "connecting" }, sentAt)).toMatch(/not connected/);
  });

  it("counts a recent fallback of a connected but slow Redis, and forgets an old one", () => {
    const at = (msBefore: number) => new Date(sentAt.getTime() - msBefore).toISOString();
    const slow = { ...connected, localFallbacks: 4, lastError: "Command timed out" };
    expect(sharedLimitFallback({ ...slow, lastFallbackAt: at(3_000) }, sentAt)).toBe(
      "Redis slow or failing (Command timed out): some decisions taken with its own buckets",
    );
    expect(sharedLimitFallback({ ...slow, lastFallbackAt: at(RECENT_FALLBACK_MS + 1) }, sentAt)).toBeNull();
  });
});
