import type { NormalizedSpan, RequestHistogramPoint, TelemetryIngestPayload } from "@switchyard/contracts";
import { decodeMetricsRequest, decodeTraceRequest, type OtlpFormat } from "./decode";
import { normalizeMetrics } from "./normalize-metrics";
import { defaultNormalizeOptions, normalizeTraces } from "./normalize-traces";

export type Signal = "traces" | "metrics";

export type NormalizedExport =
  | {
      signal: "traces";
      spans: NormalizedSpan[];
      count: number;
      ignored: 0;
      rejected: number;
      message: string;
    }
  | {
      signal: "metrics";
      points: RequestHistogramPoint[];
      count: number;
      ignored: number;
      rejected: number;
      message: string;
    };

/**
 * Decodes and validates one export body of a signal, judged by the clock `nowMs`: the good items, the
 * count of rejected ones with the reasons' message, and (metrics) the points not rolled up. Deterministic
 * for the same body and clock, so the ingest and the worker reach the same verdict.
 */
export function normalizeExport(
  signal: Signal,
  body: Uint8Array,
  format: OtlpFormat,
  nowMs: number,
): NormalizedExport {
  const options = defaultNormalizeOptions(nowMs);
  if (signal === "traces") {
    const { spans, rejected, rejectionMessage } = normalizeTraces(decodeTraceRequest(body, format), options);
    return { signal, spans, count: spans.length, ignored: 0, rejected, message: rejectionMessage };
  }
  const { points, ignored, rejected, rejectionMessage } = normalizeMetrics(
    decodeMetricsRequest(body, format),
    options,
  );
  return { signal, points, count: points.length, ignored, rejected, message: rejectionMessage };
}

/** The batch a queued export stands for, as the writer takes it. */
export function batchOfExport(job: {
  signal: Signal;
  organizationId: string;
  batchId: string;
  receivedAtMs: number;
  format: OtlpFormat;
  body: string;
}): TelemetryIngestPayload {
  const normalized = normalizeExport(
    job.signal,
    Buffer.from(job.body, "base64"),
    job.format,
    job.receivedAtMs,
  );
  const base = {
    organizationId: job.organizationId,
    batchId: job.batchId,
    receivedAtMs: job.receivedAtMs,
    rejected: normalized.rejected,
  };
  return normalized.signal === "traces"
    ? { ...base, signal: "traces", spans: normalized.spans }
    : { ...base, signal: "metrics", points: normalized.points, ignored: normalized.ignored };
}
