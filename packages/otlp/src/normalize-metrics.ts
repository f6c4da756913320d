import { createHash } from "node:crypto";
import type { RequestHistogramPoint, StatusClass } from "@switchyard/contracts";
import type { DecodedHistogramPoint, DecodedMetric, DecodedMetricsRequest } from "./decode";
import { asArray, Rejections, timeProblem, type NormalizeOptions } from "./normalize-traces";
import { rebucket } from "./rebucket";
import {
  attributesToRecord,
  int64ToNumber,
  serviceNameOf,
  stringAttribute,
  unixNanoToMicros,
  type AttributeValue,
} from "./values";

/** The gateway's request histogram (ms, attributes route/service/target.version/http.status_class). */
export const GATEWAY_DURATION_METRIC = "switchyard.gateway.request.duration";
/** The semantic-convention server histogram any SDK's HTTP instrumentation records (seconds). */
export const HTTP_SERVER_DURATION_METRIC = "http.server.request.duration";

const AGGREGATION_TEMPORALITY_DELTA = 1;
const AGGREGATION_TEMPORALITY_CUMULATIVE = 2;

export interface NormalizedMetrics {
  points: RequestHistogramPoint[];
  /** Points of metrics the pipeline does not roll up. */
  ignored: number;
  rejected: number;
  rejectionMessage: string;
}

const STATUS_CLASSES = new Set<StatusClass>(["1xx", "2xx", "3xx", "4xx", "5xx"]);

function statusClassOf(attributes: Record<string, AttributeValue>): StatusClass {
  const declared = attributes["http.status_class"];
  if (typeof declared === "string" && STATUS_CLASSES.has(declared as StatusClass))
    return declared as StatusClass;
  const code = Number(attributes["http.response.status_code"] ?? attributes["http.status_code"]);
  if (Number.isInteger(code) && code >= 100 && code < 600)
    return `${Math.floor(code / 100)}xx` as StatusClass;
  return "unknown";
}

function pointCount(metric: DecodedMetric): number {
  const kinds = [metric.sum, metric.gauge, metric.histogram, metric.exponentialHistogram, metric.summary];
  return kinds.reduce((total, kind) => total + asArray(kind?.dataPoints).length, 0);
}

function sortedEntries(attributes: Record<string, AttributeValue>): Array<[string, AttributeValue]> {
  return Object.entries(attributes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function normalizePoint(
  point: DecodedHistogramPoint,
  context: {
    metricName: string;
    unitScaleToMs: number;
    temporality: "cumulative" | "delta";
    resource: Record<string, AttributeValue>;
    resourceKey: string;
    gateway: boolean;
  },
  options: NormalizeOptions,
  rejections: Rejections,
): RequestHistogramPoint | null {
  if (typeof point !== "object" || point === null) {
    rejections.add("data points that are not objects");
    return null;
  }
  const attributes = attributesToRecord(asArray(point.attributes));
  const timeUs = unixNanoToMicros(point.timeUnixNano);
  const problem = timeProblem(timeUs, options);
  if (problem) {
    rejections.add(`data points ${problem}`);
    return null;
  }
  const startUs = unixNanoToMicros(point.startTimeUnixNano);
  const count = int64ToNumber(point.count);
  const sum = Number(point.sum ?? 0) * context.unitScaleToMs;
  const counts = asArray<Parameters<typeof int64ToNumber>[0]>(point.bucketCounts).map(int64ToNumber);
  const bounds = asArray<number | string>(point.explicitBounds).map((b) => Number(b) * context.unitScaleToMs);
  const invalid =
    !Number.isSafeInteger(count) ||
    count < 0 ||
    !Number.isFinite(sum) ||
    sum < 0 ||
    !Number.isFinite(startUs) ||
    startUs < 0 ||
    counts.some((c) => !Number.isSafeInteger(c) || c < 0) ||
    bounds.some((b) => !Number.isFinite(b)) ||
    (counts.length > 0 && counts.length !== bounds.length + 1) ||
    counts.reduce((a, b) => a + b, 0) !== (counts.length > 0 ? count : 0);
  if (invalid) {
    rejections.add("histogram data points with NaN, negative or inconsistent counts");
    return null;
  }
  const service = context.gateway
    ? (stringAttribute(attributes, "service") ?? serviceNameOf(context.resource))
    : serviceNameOf(context.resource);
  const route =
    (context.gateway ? stringAttribute(attributes, "route") : stringAttribute(attributes, "http.route")) ??
    "";
  const version =
    stringAttribute(attributes, "target.version") ??
    stringAttribute(context.resource, "service.version") ??
    "";
  const seriesKey = createHash("sha256")
    .update(context.resourceKey)
    .update("\0")
    .update(context.metricName)
    .update("\0")
    .update(JSON.stringify(sortedEntries(attributes)))
    .digest("hex")
    .slice(0, 32);
  return {
    seriesKey,
    temporality: context.temporality,
    service,
    route,
    version,
    statusClass: statusClassOf(attributes),
    startUs,
    timeUs,
    count,
    sumMs: sum,
    buckets: counts.length > 0 ? rebucket(bounds, counts) : rebucketOverflow(count),
  };
}

/** A point without buckets still has a count; it lands in the overflow bucket (latency unknown). */
function rebucketOverflow(count: number): number[] {
  return rebucket([], [count]);
}

/**
 * Keeps the request-duration histograms (gateway and semantic-convention) as rollup points; every other
 * metric's points are counted as ignored, so nothing accepted disappears without a trace.
 */
export function normalizeMetrics(
  request: DecodedMetricsRequest,
  options: NormalizeOptions,
): NormalizedMetrics {
  const points: RequestHistogramPoint[] = [];
  const rejections = new Rejections();
  let ignored = 0;
  for (const resourceMetrics of asArray<NonNullable<DecodedMetricsRequest["resourceMetrics"]>[number]>(
    request.resourceMetrics,
  )) {
    const resource = attributesToRecord(asArray(resourceMetrics?.resource?.attributes));
    const resourceKey = JSON.stringify(sortedEntries(resource));
    for (const scopeMetrics of asArray<{ metrics?: DecodedMetric[] | null }>(resourceMetrics?.scopeMetrics)) {
      for (const metric of asArray<DecodedMetric>(scopeMetrics?.metrics)) {
        if (typeof metric !== "object" || metric === null) {
          rejections.add("metrics that are not objects");
          continue;
        }
        const gateway = metric.name === GATEWAY_DURATION_METRIC;
        const semantic = metric.name === HTTP_SERVER_DURATION_METRIC;
        const temporalityCode = metric.histogram?.aggregationTemporality;
        const temporality =
          temporalityCode === AGGREGATION_TEMPORALITY_CUMULATIVE
            ? "cumulative"
            : temporalityCode === AGGREGATION_TEMPORALITY_DELTA
              ? "delta"
              : null;
        if (!(gateway || semantic) || !metric.histogram || !temporality) {
          ignored += pointCount(metric);
          continue;
        }
        const unitScaleToMs = semantic && metric.unit !== "ms" ? 1000 : 1;
        for (const point of asArray<DecodedHistogramPoint>(metric.histogram.dataPoints)) {
          const normalized = normalizePoint(
            point,
            { metricName: metric.name!, unitScaleToMs, temporality, resource, resourceKey, gateway },
            options,
            rejections,
          );
          if (normalized) points.push(normalized);
        }
      }
    }
  }
  return { points, ignored, rejected: rejections.total, rejectionMessage: rejections.message() };
}
