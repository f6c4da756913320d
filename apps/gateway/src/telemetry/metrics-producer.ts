import { ValueType } from "@opentelemetry/api";
import { millisToHrTime } from "@opentelemetry/core";
import { emptyResource } from "@opentelemetry/resources";
import {
  AggregationTemporality,
  DataPointType,
  type CollectionResult,
  type DataPoint,
  type Histogram,
  type MetricProducer,
} from "@opentelemetry/sdk-metrics";
import { DURATION_BOUNDARIES_MS, type RequestMetrics } from "./request-metrics";

export const REQUESTS_METRIC = "switchyard.gateway.requests";
export const DURATION_METRIC = "switchyard.gateway.request.duration";
const STATUS_CLASSES = ["1xx", "1xx", "2xx", "3xx", "4xx", "5xx"];

/**
 * Feeds the gateway's own aggregation into the OpenTelemetry SDK's metric reader, which merges it
 * with the SDK's instruments under the reader's resource and exports it. Cumulative temporality:
 * a failed export loses nothing, the next one carries the totals.
 */
export class RequestMetricsProducer implements MetricProducer {
  constructor(
    private readonly metrics: RequestMetrics,
    private readonly scopeVersion: string,
  ) {}

  async collect(): Promise<CollectionResult> {
    const startTime = millisToHrTime(this.metrics.startedAt);
    const endTime = millisToHrTime(Date.now());
    const counts: DataPoint<number>[] = [];
    const durations: DataPoint<Histogram>[] = [];
    for (const series of this.metrics.allSeries()) {
      series.byStatusClass.forEach((histogram, statusClass) => {
        if (histogram === null) return;
        const attributes = { ...series.attributes, "http.status_class": STATUS_CLASSES[statusClass]! };
        counts.push({ startTime, endTime, attributes, value: histogram.count });
        durations.push({
          startTime,
          endTime,
          attributes,
          value: {
            buckets: { boundaries: [...DURATION_BOUNDARIES_MS], counts: [...histogram.counts] },
            count: histogram.count,
            sum: histogram.sum,
            min: histogram.min,
            max: histogram.max,
          },
        });
      });
    }
    return {
      // The reader keeps its own resource and only takes the scope metrics from producers.
      resourceMetrics: {
        resource: emptyResource(),
        scopeMetrics: [
          {
            scope: { name: "switchyard-gateway", version: this.scopeVersion },
            metrics: [
              {
                descriptor: {
                  name: REQUESTS_METRIC,
                  description: "Requests handled by the gateway",
                  unit: "{request}",
                  valueType: ValueType.INT,
                },
                aggregationTemporality: AggregationTemporality.CUMULATIVE,
                dataPointType: DataPointType.SUM,
                isMonotonic: true,
                dataPoints: counts,
              },
              {
                descriptor: {
                  name: DURATION_METRIC,
                  description: "Time from request received to response completed",
                  unit: "ms",
                  valueType: ValueType.DOUBLE,
                },
                aggregationTemporality: AggregationTemporality.CUMULATIVE,
                dataPointType: DataPointType.HISTOGRAM,
                dataPoints: durations,
              },
            ],
          },
        ],
      },
      errors: [],
    };
  }
}
