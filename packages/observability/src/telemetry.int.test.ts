import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { metrics, SpanKind, trace } from "@opentelemetry/api";
import { LONG_POLL_SPAN_ATTRIBUTE } from "@switchyard/contracts";
// The exporters' own protobuf definitions, generated from the OTLP .proto files; used here only to decode.
import otlpRoot from "@opentelemetry/otlp-transformer/build/src/generated/root.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTelemetry } from "./telemetry";

interface Decoder {
  decode(body: Uint8Array): unknown;
  toObject(message: unknown, options: { longs: typeof String; defaults: boolean }): unknown;
}
const collector = (
  otlpRoot as unknown as {
    opentelemetry: {
      proto: {
        collector: { trace: { v1: Record<string, Decoder> }; metrics: { v1: Record<string, Decoder> } };
      };
    };
  }
).opentelemetry.proto.collector;

type KeyValue = { key: string; value: { stringValue?: string; boolValue?: boolean } };
type Resource = { attributes: KeyValue[] };
interface TraceRequest {
  resourceSpans: {
    resource: Resource;
    scopeSpans: { spans: { name: string; attributes: KeyValue[] }[] }[];
  }[];
}
interface MetricsRequest {
  resourceMetrics: {
    resource: Resource;
    scopeMetrics: { metrics: { name: string; sum?: { dataPoints: { asDouble?: number }[] } }[] }[];
  }[];
}

function decode<T>(decoder: Decoder, body: Buffer): T {
  return decoder.toObject(decoder.decode(body), { longs: String, defaults: true }) as T;
}

function attribute(attributes: KeyValue[], key: string): string | undefined {
  return attributes.find((a) => a.key === key)?.value.stringValue;
}

describe("startTelemetry with an OTLP/HTTP endpoint", () => {
  const received: { path: string; contentType: string | undefined; body: Buffer }[] = [];
  let server: Server;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        received.push({
          path: req.url ?? "",
          contentType: req.headers["content-type"],
          body: Buffer.concat(chunks),
        });
        res.writeHead(200, { "content-type": "application/x-protobuf" }).end();
      });
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    server.close();
    await once(server, "close");
  });

  it("exports spans (request spans as their target decides) and a metric as protobuf; shutdown is idempotent", async () => {
    const telemetry = await startTelemetry({
      serviceName: "switchyard-test",
      serviceVersion: "1.2.3",
      isLongPoll: (target) => target.startsWith("/watch"),
    });
    expect(telemetry.enabled).toBe(true);
    expect(await startTelemetry({ serviceName: "ignored", serviceVersion: "0" })).toBe(telemetry);

    trace.getTracer("telemetry-test").startActiveSpan("job agents.mark-offline", (span) => {
      span.setAttribute("switchyard.agents_marked", 2);
      span.end();
    });
    // Request spans as a framework starts them: the sampler decides on their target.
    const tracer = trace.getTracer("telemetry-test");
    for (const target of ["/watch?after=1", "/v1/traces", "/orders"]) {
      tracer
        .startSpan(`GET ${target}`, { kind: SpanKind.SERVER, attributes: { "http.target": target } })
        .end();
    }
    metrics.getMeter("telemetry-test").createCounter("switchyard.jobs.completed").add(3, { queue: "agents" });

    await Promise.all([telemetry.shutdown(), telemetry.shutdown()]);

    const traces = received.filter((r) => r.path === "/v1/traces");
    const metricExports = received.filter((r) => r.path === "/v1/metrics");
    expect(traces.length).toBeGreaterThan(0);
    expect(metricExports.length).toBeGreaterThan(0);
    expect(new Set(received.map((r) => r.contentType))).toEqual(new Set(["application/x-protobuf"]));

    const traceRequests = traces.map((t) =>
      decode<TraceRequest>(collector.trace.v1.ExportTraceServiceRequest!, t.body),
    );
    const resourceSpans = traceRequests.flatMap((r) => r.resourceSpans);
    const span = resourceSpans
      .flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans))
      .find((s) => s.name === "job agents.mark-offline");
    expect(span).toBeDefined();
    const requestSpans = resourceSpans
      .flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans))
      .filter((s) => s.name.startsWith("GET "));
    // The OTLP ingest's own requests are never recorded; the long poll is marked, the rest left alone.
    expect(requestSpans.map((s) => s.name).sort()).toEqual(["GET /orders", "GET /watch?after=1"]);
    const longPollMark = (name: string) =>
      requestSpans.find((s) => s.name === name)!.attributes.find((a) => a.key === LONG_POLL_SPAN_ATTRIBUTE)
        ?.value.boolValue;
    expect(longPollMark("GET /watch?after=1")).toBe(true);
    expect(longPollMark("GET /orders")).toBeUndefined();
    expect(attribute(resourceSpans[0]!.resource.attributes, "service.name")).toBe("switchyard-test");
    expect(attribute(resourceSpans[0]!.resource.attributes, "service.version")).toBe("1.2.3");

    const metricRequests = metricExports.map((m) =>
      decode<MetricsRequest>(collector.metrics.v1.ExportMetricsServiceRequest!, m.body),
    );
    const counter = metricRequests
      .flatMap((r) => r.resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics)))
      .find((m) => m.name === "switchyard.jobs.completed");
    expect(counter?.sum?.dataPoints[0]?.asDouble).toBe(3);
    expect(attribute(metricRequests[0]!.resourceMetrics[0]!.resource.attributes, "service.name")).toBe(
      "switchyard-test",
    );
  });
});
