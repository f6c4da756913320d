export {
  OtlpDecodeError,
  OtlpBodyTooLargeError,
  otlpFormatOf,
  gunzipBody,
  decodeTraceRequest,
  decodeMetricsRequest,
  type OtlpFormat,
  type DecodedTraceRequest,
  type DecodedMetricsRequest,
} from "./decode";
export {
  normalizeTraces,
  defaultNormalizeOptions,
  type NormalizeOptions,
  type NormalizedTraces,
} from "./normalize-traces";
export {
  normalizeMetrics,
  GATEWAY_DURATION_METRIC,
  HTTP_SERVER_DURATION_METRIC,
  type NormalizedMetrics,
} from "./normalize-metrics";
export { rebucket } from "./rebucket";
export { exportResponse, type PartialSuccess } from "./responses";
export { normalizeExport, batchOfExport, type NormalizedExport, type Signal } from "./normalize-export";
