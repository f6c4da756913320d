import { z } from "zod";

/**
 * Telemetry as the ingest hands it to the worker: OTLP spans and metric points after decoding, validation
 * and normalisation (`@switchyard/otlp`). Times are microseconds since the Unix epoch, which Postgres
 * timestamps hold exactly and which stay exact in a JavaScript number until the year 2255.
 */

/** Upper bounds (ms) of the latency buckets every rollup uses: the gateway's histogram bounds. */
export const LATENCY_BUCKET_BOUNDS_MS = [
  1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000,
] as const;
/** One count per bound plus the overflow bucket above the last bound. */
export const LATENCY_BUCKET_COUNT = LATENCY_BUCKET_BOUNDS_MS.length + 1;

/**
 * The `service.name` every gateway agent reports under. Its instances (`service.instance.id`, the agent id)
 * are drawn as separate gateway nodes on the service map, so two gateways in front of the same services show
 * as two.
 */
export const GATEWAY_SERVICE_NAME = "switchyard-gateway";
/** The agent id in a service-map name `switchyard-gateway/<agent id>`, or null for any other name. */
export function gatewayInstanceOf(mapName: string): string | null {
  const prefix = `${GATEWAY_SERVICE_NAME}/`;
  return mapName.startsWith(prefix) ? mapName.slice(prefix.length) : null;
}

/** OTLP span kinds as their protobuf numbers. */
export const SpanKind = {
  UNSPECIFIED: 0,
  INTERNAL: 1,
  SERVER: 2,
  CLIENT: 3,
  PRODUCER: 4,
  CONSUMER: 5,
} as const;

/** OTLP status codes as their protobuf numbers. */
export const SpanStatus = { UNSET: 0, OK: 1, ERROR: 2 } as const;

/**
 * A SERVER span attribute (boolean `true`) for requests held open on purpose: long polls such as the agents'
 * config watch, streams. Their duration is how long nobody had anything to say, not how slow the service
 * was, so they stay in traces but are left out of the service's rate, errors and latency (the rollups).
 */
export const LONG_POLL_SPAN_ATTRIBUTE = "switchyard.long_poll";

/**
 * The route an HTTP SERVER span without `http.route` rolls up under: a request no route of the service
 * matched (a 404 from the framework's router, a probe of an unknown path). The semantic conventions name
 * such a span by its method alone ("GET"), which would read as a route. Parenthesised, so it can be
 * neither a route template (they start with "/") nor a gateway route id (letters, digits, '-', '_'); the
 * gateway's own metrics label the requests it routed nowhere "none", and that stays as it is.
 */
export const UNMATCHED_ROUTE = "(no route)";

const hexId = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`));
const attributeValue = z.union([z.string(), z.number(), z.boolean()]);

export const normalizedSpanSchema = z.object({
  traceId: hexId(16),
  spanId: hexId(8),
  parentSpanId: hexId(8).nullable(),
  service: z.string().min(1),
  name: z.string(),
  kind: z.number().int().min(0).max(5),
  startUs: z.number().int().nonnegative(),
  durationUs: z.number().int().nonnegative(),
  status: z.number().int().min(0).max(2),
  /** `http.route` (or the gateway's `route`) when the span carries one. */
  route: z.string().nullable(),
  /** `target.version` / `service.version`, when known. */
  version: z.string().nullable(),
  httpStatusCode: z.number().int().nullable(),
  attributes: z.record(z.string(), attributeValue),
});
export type NormalizedSpan = z.infer<typeof normalizedSpanSchema>;

export const statusClassSchema = z.enum(["1xx", "2xx", "3xx", "4xx", "5xx", "unknown"]);
export type StatusClass = z.infer<typeof statusClassSchema>;

/**
 * One request-duration histogram point (the gateway's `switchyard.gateway.request.duration` or the
 * semantic-convention `http.server.request.duration`), re-bucketed to LATENCY_BUCKET_BOUNDS_MS.
 */
export const requestHistogramPointSchema = z.object({
  /** Identifies the series: resource, metric and attributes. Start time is kept apart to detect resets. */
  seriesKey: z.string().min(1),
  temporality: z.enum(["cumulative", "delta"]),
  service: z.string().min(1),
  route: z.string(),
  version: z.string(),
  statusClass: statusClassSchema,
  startUs: z.number().int().nonnegative(),
  timeUs: z.number().int().nonnegative(),
  count: z.number().int().nonnegative(),
  sumMs: z.number().nonnegative(),
  buckets: z.array(z.number().int().nonnegative()).length(LATENCY_BUCKET_COUNT),
});
export type RequestHistogramPoint = z.infer<typeof requestHistogramPointSchema>;

export const telemetryIngestPayloadSchema = z.discriminatedUnion("signal", [
  z.object({
    signal: z.literal("traces"),
    organizationId: z.string().min(1),
    /** sha256 of organization + signal + body; also the BullMQ job id, so a retried upload is one job. */
    batchId: z.string().regex(/^[0-9a-f]{64}$/),
    receivedAtMs: z.number().int().nonnegative(),
    spans: z.array(normalizedSpanSchema),
    rejected: z.number().int().nonnegative(),
  }),
  z.object({
    signal: z.literal("metrics"),
    organizationId: z.string().min(1),
    batchId: z.string().regex(/^[0-9a-f]{64}$/),
    receivedAtMs: z.number().int().nonnegative(),
    points: z.array(requestHistogramPointSchema),
    /** Points of metrics the pipeline does not roll up: accepted and counted, not stored. */
    ignored: z.number().int().nonnegative(),
    rejected: z.number().int().nonnegative(),
  }),
]);
export type TelemetryIngestPayload = z.infer<typeof telemetryIngestPayloadSchema>;

/**
 * An accepted OTLP export as the ingest queues it: the (gzip-inflated) body, which the worker normalises
 * again with the ingest's clock (`receivedAtMs`), so both ends reach the same verdict on every item. A
 * third of the size of the normalised batch as JSON, and decoding it costs the worker less than parsing
 * and validating that JSON (packages/telemetry-store/PERFORMANCE.md).
 */
export const otlpExportJobSchema = z.object({
  signal: z.enum(["traces", "metrics"]),
  organizationId: z.string().min(1),
  batchId: z.string().regex(/^[0-9a-f]{64}$/),
  receivedAtMs: z.number().int().nonnegative(),
  format: z.enum(["protobuf", "json"]),
  /** Base64. Checked by decoding it, which the worker does anyway: a base64 regex over ~100 KB cost a
   * third of the worker's parse time. */
  body: z.string().min(1),
});
export type OtlpExportJob = z.infer<typeof otlpExportJobSchema>;

/** A `telemetry.ingest` job: an export as queued by the ingest, or an already normalised batch. */
export const telemetryIngestJobSchema = z.union([otlpExportJobSchema, telemetryIngestPayloadSchema]);
export type TelemetryIngestJob = z.infer<typeof telemetryIngestJobSchema>;
