import { collector, type OtlpFormat } from "./decode";

export interface PartialSuccess {
  rejected: number;
  errorMessage: string;
}

/**
 * The OTLP Export*ServiceResponse in the request's format. `partial_success` is only set when something
 * was rejected, as the spec asks.
 */
export function exportResponse(
  signal: "traces" | "metrics",
  format: OtlpFormat,
  partial: PartialSuccess,
): { body: Uint8Array | string; contentType: string } {
  const countField = signal === "traces" ? "rejectedSpans" : "rejectedDataPoints";
  const message =
    partial.rejected > 0
      ? { partialSuccess: { [countField]: partial.rejected, errorMessage: partial.errorMessage } }
      : {};
  if (format === "json") {
    const json =
      partial.rejected > 0
        ? { partialSuccess: { [countField]: String(partial.rejected), errorMessage: partial.errorMessage } }
        : {};
    return { body: JSON.stringify(json), contentType: "application/json" };
  }
  const codec =
    signal === "traces"
      ? collector.trace.v1.ExportTraceServiceResponse
      : collector.metrics.v1.ExportMetricsServiceResponse;
  return { body: codec.encode(message).finish(), contentType: "application/x-protobuf" };
}
