import { type Histogram } from "@opentelemetry/sdk-metrics";
import { describe, expect, it } from "vitest";
import { RequestMetricsProducer, DURATION_METRIC, REQUESTS_METRIC } from "./metrics-producer";
import { DURATION_BOUNDARIES_MS, RequestMetrics } from "./request-metrics";

describe("RequestMetrics", () => {
  it("aggregates by series and status class into cumulative histograms", async () => {
    const metrics = new RequestMetrics();
    const series = metrics.seriesFor("orders", "orders", "v2");
    expect(metrics.seriesFor("orders", "orders", "v2")).toBe(series);
    series.record(200, 0.4);
    series.record(204, 30);
    series.record(503, 1_200);
    series.record(503, 100);
    expect(metrics.totalRequests()).toBe(4);

    const { resourceMetrics } = await new RequestMetricsProducer(metrics, "1.0.0").collect();
    const [counts, durations] = resourceMetrics.scopeMetrics[0]!.metrics;
    expect(counts!.descriptor.name).toBe(REQUESTS_METRIC);
    expect(durations!.descriptor.name).toBe(DURATION_METRIC);
    expect(counts!.dataPoints.map((point) => [point.attributes["http.status_class"], point.value])).toEqual([
      ["2xx", 2],
      ["5xx", 2],
    ]);
    expect(counts!.dataPoints[0]!.attributes).toMatchObject({
      route: "orders",
      service: "orders",
      "target.version": "v2",
    });
    const errors = durations!.dataPoints[1]!.value as Histogram;
    expect(errors.buckets.boundaries).toEqual(DURATION_BOUNDARIES_MS);
    expect(errors.sum).toBe(1_300);
    expect(errors.min).toBe(100);
    expect(errors.max).toBe(1_200);
    // 100 ms lands in the "<= 100" bucket (bounds are inclusive), 1200 ms in "<= 2500".
    expect(errors.buckets.counts[DURATION_BOUNDARIES_MS.indexOf(100)]).toBe(1);
    expect(errors.buckets.counts[DURATION_BOUNDARIES_MS.indexOf(2_500)]).toBe(1);
  });

  it("caps the number of series", () => {
    const metrics = new RequestMetrics(3);
    for (const route of ["a", "b", "c"]) metrics.seriesFor(route, "s", "v");
    const overflow = metrics.seriesFor("d", "s", "v");
    expect(overflow.attributes.route).toBe("_other");
    expect(metrics.seriesFor("e", "s", "v")).toBe(overflow);
    expect([...metrics.allSeries()]).toHaveLength(3);
    overflow.record(200, 1);
    expect([...metrics.allSeries()]).toHaveLength(4);
  });
});
