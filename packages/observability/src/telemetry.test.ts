import { afterEach, describe, expect, it } from "vitest";
import { startTelemetry } from "./telemetry";

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
