import { afterEach, describe, expect, it } from "vitest";
import { isOtlpIngestPath, startTelemetry } from "./telemetry";

describe("startTelemetry without an endpoint", () => {
  afterEach(() => {
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  });

  it("is a no-op when OTEL_EXPORTER_OTLP_ENDPOINT is unset", async () => {
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    const telemetry = await startTelemetry({ serviceName: "test", serviceVersion: "0.0.0" });
    expect(telemetry.enabled).toBe(false);
    await telemetry.shutdown();
    await telemetry.shutdown();
  });

  it("names the variable when the endpoint is not an http(s) URL", async () => {
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = "collector:4318";
    await expect(startTelemetry({ serviceName: "test", serviceVersion: "0.0.0" })).rejects.toThrow(
      /^OTEL_EXPORTER_OTLP_ENDPOINT: not an HTTP URL/,
    );
  });
});

describe("isOtlpIngestPath", () => {
  it("matches only the OTLP ingest paths, which are never traced", () => {
    expect(isOtlpIngestPath("/v1/traces")).toBe(true);
    expect(isOtlpIngestPath("/v1/metrics?x=1")).toBe(true);
    expect(isOtlpIngestPath("/v1/tracesx")).toBe(false);
    expect(isOtlpIngestPath("/api/agent/v1/watch")).toBe(false);
    expect(isOtlpIngestPath(undefined)).toBe(false);
  });
});
