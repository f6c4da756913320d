import { gunzipSync } from "node:zlib";
import root from "@opentelemetry/otlp-transformer/build/src/generated/root.js";
import type { Int64, KeyValue } from "./values";

/** The payload could not be read; the message says what is wrong and becomes the 400 body. */
export class OtlpDecodeError extends Error {
  override name = "OtlpDecodeError";
}

/** The (decompressed) body is larger than allowed: answered with 413. */
export class OtlpBodyTooLargeError extends Error {
  override name = "OtlpBodyTooLargeError";
}

export type OtlpFormat = "protobuf" | "json";

/** The OTLP content types, or null for any other (answered with 415). Parameters such as charset are ignored. */
export function otlpFormatOf(contentType: string | null): OtlpFormat | null {
  const mediaType = contentType?.split(";")[0]?.trim().toLowerCase();
  if (mediaType === "application/x-protobuf") return "protobuf";
  if (mediaType === "application/json") return "json";
  return null;
}

/** Inflates a gzip body, refusing to produce more than `maxBytes` (a small bomb cannot fill memory). */
export function gunzipBody(body: Uint8Array, maxBytes: number): Buffer {
  try {
    return gunzipSync(body, { maxOutputLength: maxBytes });
  } catch (error) {
    if (error instanceof RangeError || (error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE")
      throw new OtlpBodyTooLargeError(`the decompressed body is larger than ${maxBytes} bytes`);
    throw new OtlpDecodeError(`the body is not valid gzip: ${(error as Error).message}`);
  }
}

export interface DecodedStatus {
  code?: number | null;
  message?: string | null;
}

export interface DecodedSpan {
  traceId?: Uint8Array | string | null;
  spanId?: Uint8Array | string | null;
  parentSpanId?: Uint8Array | string | null;
  name?: string | null;
  kind?: number | null;
  startTimeUnixNano?: Int64;
  endTimeUnixNano?: Int64;
  attributes?: KeyValue[] | null;
  status?: DecodedStatus | null;
}

export interface DecodedResource {
  attributes?: KeyValue[] | null;
}

export interface DecodedTraceRequest {
  resourceSpans?: Array<{
    resource?: DecodedResource | null;
    scopeSpans?: Array<{ spans?: DecodedSpan[] | null }> | null;
  }> | null;
}

export interface DecodedHistogramPoint {
  attributes?: KeyValue[] | null;
  startTimeUnixNano?: Int64;
  timeUnixNano?: Int64;
  count?: Int64;
  sum?: number | string | null;
  bucketCounts?: Int64[] | null;
  explicitBounds?: Array<number | string> | null;
}

export interface DecodedMetric {
  name?: string | null;
  unit?: string | null;
  histogram?: { dataPoints?: DecodedHistogramPoint[] | null; aggregationTemporality?: number | null } | null;
  sum?: { dataPoints?: unknown[] | null } | null;
  gauge?: { dataPoints?: unknown[] | null } | null;
  exponentialHistogram?: { dataPoints?: unknown[] | null } | null;
  summary?: { dataPoints?: unknown[] | null } | null;
}

export interface DecodedMetricsRequest {
  resourceMetrics?: Array<{
    resource?: DecodedResource | null;
    scopeMetrics?: Array<{ metrics?: DecodedMetric[] | null }> | null;
  }> | null;
}

interface Codec<T> {
  decode(bytes: Uint8Array): T;
  encode(message: unknown): { finish(): Uint8Array };
}
interface OtlpRoot {
  opentelemetry: {
    proto: {
      collector: {
        trace: {
          v1: {
            ExportTraceServiceRequest: Codec<DecodedTraceRequest>;
            ExportTraceServiceResponse: Codec<unknown>;
          };
        };
        metrics: {
          v1: {
            ExportMetricsServiceRequest: Codec<DecodedMetricsRequest>;
            ExportMetricsServiceResponse: Codec<unknown>;
          };
        };
      };
    };
  };
}

export const collector = (root as unknown as OtlpRoot).opentelemetry.proto.collector;

function decodeProtobuf<T>(codec: Codec<T>, body: Uint8Array, what: string): T {
  try {
    return codec.decode(body);
  } catch (error) {
    throw new OtlpDecodeError(
      `the body is not a valid ${what} protobuf message: ${(error as Error).message}`,
    );
  }
}

function decodeJson(body: Uint8Array, listField: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8"));
  } catch (error) {
    throw new OtlpDecodeError(`the body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new OtlpDecodeError("the body must be a JSON object");
  const list = (parsed as Record<string, unknown>)[listField];
  if (list !== undefined && list !== null && !Array.isArray(list))
    throw new OtlpDecodeError(`"${listField}" must be an array`);
  return parsed;
}

export function decodeTraceRequest(body: Uint8Array, format: OtlpFormat): DecodedTraceRequest {
  return format === "protobuf"
    ? decodeProtobuf(collector.trace.v1.ExportTraceServiceRequest, body, "ExportTraceServiceRequest")
    : (decodeJson(body, "resourceSpans") as DecodedTraceRequest);
}

export function decodeMetricsRequest(body: Uint8Array, format: OtlpFormat): DecodedMetricsRequest {
  return format === "protobuf"
    ? decodeProtobuf(collector.metrics.v1.ExportMetricsServiceRequest, body, "ExportMetricsServiceRequest")
    : (decodeJson(body, "resourceMetrics") as DecodedMetricsRequest);
}
