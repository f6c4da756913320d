import { describe, expect, it } from "vitest";
import { LATENCY_BUCKET_BOUNDS_MS, SpanKind, type RequestHistogramPoint } from "@switchyard/contracts";
import { cumulativeDelta, RollupAccumulator, rollupSpans } from "./aggregate";
import { bucketIndex, emptyBuckets, percentileFromBuckets } from "./histogram";
import { foldRed } from "./queries";

function buckets(entries: Record<number, number>): number[] {
  const out = emptyBuckets();
  for (const [index, count] of Object.entries(entries)) out[Number(index)] = count;
  return out;
}

describe("percentileFromBuckets", () => {
  it("interpolates linearly inside the bucket that holds the rank", () => {
    // 100 requests in (10, 25] ms: p50 sits halfway, p99 near the top.
    const h = buckets({ 4: 100 });
    expect(percentileFromBuckets(h, 0.5)).toBeCloseTo(17.5);
    expect(percentileFromBuckets(h, 0.99)).toBeCloseTo(24.85);
  });

  it("starts the first bucket at zero and crosses buckets by cumulative rank", () => {
    const h = buckets({ 0: 50, 6: 50 }); // 50 in [0, 1], 50 in (50, 100]
    expect(percentileFromBuckets(h, 0.25)).toBeCloseTo(0.5);
    expect(percentileFromBuckets(h, 0.5)).toBeCloseTo(1);
    expect(percentileFromBuckets(h, 0.75)).toBeCloseTo(75);
  });

  it("reports the last bound for ranks in the overflow bucket and null when empty", () => {
    expect(percentileFromBuckets(buckets({ 14: 3 }), 0.99)).toBe(30_000);
    expect(percentileFromBuckets(emptyBuckets(), 0.5)).toBeNull();
  });

  it("puts a duration in the first bucket whose bound is at or above it", () => {
    expect(bucketIndex(0)).toBe(0);
    expect(bucketIndex(1)).toBe(0);
    expect(bucketIndex(1.01)).toBe(1);
    expect(bucketIndex(30_000)).toBe(LATENCY_BUCKET_BOUNDS_MS.length - 1);
    expect(bucketIndex(30_001)).toBe(LATENCY_BUCKET_BOUNDS_MS.length);
  });
});

describe("cumulativeDelta", () => {
  const point = (over: Partial<RequestHistogramPoint>): RequestHistogramPoint => ({
    seriesKey: "s",
    temporality: "cumulative",
    service: "orders",
    route: "r",
    version: "v1",
    statusClass: "2xx",
    startUs: 1_000,
    timeUs: 2_000,
    count: 10,
    sumMs: 100,
    buckets: buckets({ 3: 10 }),
    ...over,
  });

  it("takes a first point whole, then only the increase", () => {
    const first = cumulativeDelta(point({}), undefined);
    expect(first.delta?.count).toBe(10);
    const second = cumulativeDelta(
      point({ timeUs: 3_000, count: 15, sumMs: 160, buckets: buckets({ 3: 15 }) }),
      first.state,
    );
    expect(second.delta).toEqual({ count: 5, sumMs: 60, buckets: buckets({ 3: 5 }) });
  });

  it("adds nothing for a re-sent or older point", () => {
    const state = cumulativeDelta(
      point({ timeUs: 3_000, count: 15, buckets: buckets({ 3: 15 }) }),
      undefined,
    ).state;
    expect(cumulativeDelta(point({}), state).delta).toBeNull();
    expect(
      cumulativeDelta(point({ timeUs: 3_000, count: 15, buckets: buckets({ 3: 15 }) }), state).delta,
    ).toBeNull();
    expect(cumulativeDelta(point({ startUs: 500 }), state).delta).toBeNull();
  });

  it("treats a new start time or a count that went down as a reset", () => {
    const state = cumulativeDelta(point({}), undefined).state;
    expect(
      cumulativeDelta(point({ startUs: 5_000, timeUs: 6_000, count: 3, buckets: buckets({ 3: 3 }) }), state)
        .delta?.count,
    ).toBe(3);
    expect(
      cumulativeDelta(point({ timeUs: 9_000, count: 4, buckets: buckets({ 3: 4 }) }), state).delta?.count,
    ).toBe(4);
  });
});

describe("rollups", () => {
  it("rolls up only SERVER spans, by minute and dimensions, counting 5xx and ERROR as errors", () => {
    const span = {
      traceId: "a".repeat(32),
      spanId: "b".repeat(16),
      parentSpanId: null,
      service: "orders",
      name: "GET /orders",
      kind: SpanKind.SERVER,
      startUs: 60_000_000 * 5 + 10,
      durationUs: 20_000,
      status: 0,
      route: "/orders",
      version: null,
      httpStatusCode: 200,
      attributes: {},
    };
    const acc = new RollupAccumulator();
    rollupSpans(
      [
        span,
        { ...span, httpStatusCode: 503 },
        { ...span, status: 2, httpStatusCode: 200 },
        { ...span, kind: SpanKind.CLIENT },
        { ...span, route: null },
      ],
      acc,
    );
    const rows = acc.values();
    expect(rows).toHaveLength(3);
    expect(rows.find((r) => r.route === "/orders" && r.statusClass === "2xx")).toMatchObject({
      minuteMs: 300_000,
      count: 2,
      errors: 1,
      durationSumMs: 40,
      buckets: buckets({ 4: 2 }),
      source: "spans",
    });
    expect(rows.find((r) => r.statusClass === "5xx")?.errors).toBe(1);
    expect(rows.find((r) => r.route === "GET /orders")?.count).toBe(1);
  });

  it("folds rows into steps with rate, error rate and percentiles", () => {
    const from = new Date(0);
    const to = new Date(120_000);
    const points = foldRed(
      [
        { minute: new Date(0), count: 60, errors: 6, buckets: buckets({ 4: 60 }) },
        { minute: new Date(60_000), count: 30, errors: 0, buckets: buckets({ 4: 30 }) },
        { minute: new Date(500_000), count: 1, errors: 1, buckets: buckets({ 4: 1 }) },
      ],
      from,
      to,
      60,
    );
    expect(points).toHaveLength(2);
    expect(points[0]).toMatchObject({ count: 60, errors: 6, rate: 1, errorRate: 0.1 });
    expect(points[1]).toMatchObject({ count: 30, rate: 0.5, errorRate: 0 });
    expect(points[0]!.p50Ms).toBeCloseTo(17.5);
  });
});
