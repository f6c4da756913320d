import { describe, expect, it } from "vitest";
import { formatSummary, percentile, summarizeLatency, type TrafficSummary } from "./summary";

describe("percentile", () => {
  it("uses the nearest rank", () => {
    const sorted = Array.from({ length: 100 }, (_, index) => index + 1);
    expect(percentile(sorted, 0.5)).toBe(50);
    expect(percentile(sorted, 0.95)).toBe(95);
    expect(percentile(sorted, 0.99)).toBe(99);
    expect(percentile(sorted, 1)).toBe(100);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([], 0.5)).toBe(0);
  });
});

describe("summarizeLatency", () => {
  it("sorts numerically before ranking", () => {
    expect(summarizeLatency(Float64Array.from([10, 2, 33.333, 4]))).toEqual({
      p50: 4,
      p95: 33.33,
      p99: 33.33,
      max: 33.33,
    });
  });
});

describe("formatSummary", () => {
  it("prints every breakdown on its own line", () => {
    const summary: TrafficSummary = {
      target: "http://127.0.0.1:8080",
      seed: 42,
      sent: 10,
      durationMs: 1_000,
      achievedRps: 10,
      byStatus: { "200": 9, "error:ECONNREFUSED": 1 },
      byVersion: { v1: 6, v2: 3 },
      byInstance: { "orders-v1-1": 9 },
      byKind: { "users.get": 10 },
      latencyMs: { p50: 1, p95: 2, p99: 3, max: 4 },
    };
    const text = formatSummary(summary);
    expect(text).toContain("10 requests to http://127.0.0.1:8080 in 1.0 s (10.0 req/s), seed 42");
    expect(text).toContain("status:   200 9 · error:ECONNREFUSED 1");
    expect(text).toContain("version:  v1 6 · v2 3");
    expect(text).toContain("p50 1 ms · p95 2 ms · p99 3 ms · max 4 ms");
  });
});
