import { gzipSync } from "node:zlib";
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { OTLPMetricExporter as JsonMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http";
import { OTLPMetricExporter as ProtoMetricExporter } from "@opentelemetry/exporter-metrics-otlp-proto";
import { OTLPTraceExporter as JsonTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as ProtoTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { updateServiceGraph, type TelemetryQueries } from "@switchyard/telemetry-store";
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
  waitFor,
} from "@switchyard/test-fixtures";
import type { WorkerRuntime } from "../../../worker/src/runtime";
import { startTestWorker } from "../../../worker/src/testing/worker";
import {
  createOrganizationWithKey,
  startIngestServer,
  telemetryQueries,
  type IngestServer,
} from "./testing/ingest-harness";

/**
 * OTLP ingest end to end on a real Postgres and Redis with the real worker runtime: the official
 * OpenTelemetry Node SDK exporters (protobuf and JSON) send with an ingest key; hostile input is answered
 * with the right status and never stored; organizations never see each other's data.
 */

let testDb: TestDatabase;
let redis: TestRedis;
let server: IngestServer;
let worker: WorkerRuntime;
let queries: TelemetryQueries;
let pool: pg.Pool;
let orgA: Awaited<ReturnType<typeof createOrganizationWithKey>>;
let orgB: Awaited<ReturnType<typeof createOrganizationWithKey>>;

beforeAll(async () => {
  testDb = await createTestDatabase();
  redis = createTestRedis();
  orgA = await createOrganizationWithKey(testDb, "org-a");
  orgB = await createOrganizationWithKey(testDb, "org-b");
  server = await startIngestServer(testDb, redis, { limits: { maxBodyBytes: 256 * 1024 }, authTtlMs: 200 });
  worker = await startTestWorker(testDb, redis);
  ({ queries, pool } = telemetryQueries(testDb));
});

afterAll(async () => {
  await worker?.close();
  await server?.close();
  await pool?.end();
  await redis?.cleanup();
  await testDb?.drop();
});

const headersFor = (key: string) => ({ authorization: `Bearer ${key}` });
const lastMinutes = () => ({ from: new Date(Date.now() - 10 * 60_000), to: new Date(Date.now() + 60_000) });

function tracerProvider(service: string, exporter: SpanExporter) {
  return new BasicTracerProvider({
    resource: resourceFromAttributes({ "service.name": service }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
}

function meterProvider(service: string, exporter: PushMetricExporter) {
  return new MeterProvider({
    resource: resourceFromAttributes({ "service.name": service, "service.version": "1.4.0" }),
    readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 })],
  });
}

describe("OpenTelemetry SDK interop", () => {
  it("stores spans sent over protobuf and JSON, finds them by trace id and draws the edge", async () => {
    const checkout = tracerProvider(
      "checkout",
      new ProtoTraceExporter({ url: `${server.url}/v1/traces`, headers: headersFor(orgA.key) }),
    );
    const payments = tracerProvider(
      "payments",
      new JsonTraceExporter({ url: `${server.url}/v1/traces`, headers: headersFor(orgA.key) }),
    );
    const call = checkout.getTracer("interop").startSpan("POST payments", { kind: SpanKind.CLIENT });
    const served = payments
      .getTracer("interop")
      .startSpan(
        "POST /pay",
        { kind: SpanKind.SERVER, attributes: { "http.route": "/pay", "http.response.status_code": 502 } },
        trace.setSpan(ROOT_CONTEXT, call),
      );
    served.setStatus({ code: SpanStatusCode.ERROR });
    served.end();
    call.end();
    await Promise.all([checkout.forceFlush(), payments.forceFlush()]);
    await Promise.all([checkout.shutdown(), payments.shutdown()]);

    const traceId = call.spanContext().traceId;
    const spans = await waitFor(async () => {
      const found = await queries.traceById(orgA.organizationId, traceId);
      return found.length === 2 ? found : undefined;
    });
    expect(spans.map((s) => [s.service, s.kind]).sort()).toEqual([
      ["checkout", SpanKind.CLIENT + 1],
      ["payments", SpanKind.SERVER + 1],
    ]);
    expect(spans.find((s) => s.service === "payments")).toMatchObject({
      parentSpanId: call.spanContext().spanId,
      route: "/pay",
      httpStatusCode: 502,
      status: 2,
    });

    await updateServiceGraph(pool);
    const edges = await queries.serviceGraph({ organizationId: orgA.organizationId, ...lastMinutes() });
    expect(edges).toEqual([
      expect.objectContaining({ client: "checkout", server: "payments", count: 1, errors: 1 }),
    ]);
    expect(await queries.traceById(orgB.organizationId, traceId)).toEqual([]);
    expect(await queries.serviceGraph({ organizationId: orgB.organizationId, ...lastMinutes() })).toEqual([]);
  });

  it("rolls up http.server.request.duration sent over protobuf and JSON, exactly, by route and status", async () => {
    const cases = [
      {
        service: "users",
        exporter: new ProtoMetricExporter({ url: `${server.url}/v1/metrics`, headers: headersFor(orgA.key) }),
      },
      {
        service: "ledger",
        exporter: new JsonMetricExporter({ url: `${server.url}/v1/metrics`, headers: headersFor(orgA.key) }),
      },
    ];
    for (const { service, exporter } of cases) {
      const provider = meterProvider(service, exporter);
      const histogram = provider.getMeter("interop").createHistogram("http.server.request.duration", {
        unit: "s",
        // The semantic conventions' buckets, as the HTTP instrumentations declare them.
        advice: {
          explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5],
        },
      });
      for (let i = 0; i < 37; i++)
        histogram.record(0.02, { "http.route": "/items", "http.response.status_code": 200 });
      for (let i = 0; i < 5; i++)
        histogram.record(0.3, { "http.route": "/items", "http.response.status_code": 503 });
      await provider.forceFlush();
      // A second export of the same cumulative series adds only what is new.
      for (let i = 0; i < 8; i++)
        histogram.record(0.02, { "http.route": "/items", "http.response.status_code": 200 });
      await provider.forceFlush();
      await provider.shutdown();
    }
    for (const service of ["users", "ledger"]) {
      const red = await waitFor(async () => {
        const [point] = await queries.red({
          organizationId: orgA.organizationId,
          service,
          stepSeconds: 660,
          ...lastMinutes(),
        });
        return point && point.count === 50 ? point : undefined;
      });
      expect(red).toMatchObject({ count: 50, errors: 5, errorRate: 0.1 });
      expect(red.p50Ms).toBeGreaterThan(10);
      expect(red.p50Ms).toBeLessThanOrEqual(25);
      expect(red.p99Ms).toBeGreaterThan(250);
      const version = await queries.red({
        organizationId: orgA.organizationId,
        service,
        version: "1.4.0",
        route: "/items",
        stepSeconds: 660,
        ...lastMinutes(),
      });
      expect(version[0]!.count).toBe(50);
    }
    const [other] = await queries.red({
      organizationId: orgB.organizationId,
      stepSeconds: 660,
      ...lastMinutes(),
    });
    expect(other!.count).toBe(0);
  });
});

const nanos = (ms: number) => `${BigInt(Math.round(ms)) * 1_000_000n}`;

function jsonSpans(spans: Array<Record<string, unknown>>) {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: "edge" } }] },
        scopeSpans: [{ spans }],
      },
    ],
  });
}

function goodSpan(traceId: string, over: Record<string, unknown> = {}) {
  const now = Date.now();
  return {
    traceId,
    spanId: "1111111111111111",
    name: "GET /",
    kind: 2,
    startTimeUnixNano: nanos(now - 50),
    endTimeUnixNano: nanos(now - 40),
    ...over,
  };
}

async function post(path: string, body: BodyInit, headers: Record<string, string>) {
  const response = await fetch(`${server.url}${path}`, { method: "POST", body, headers });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

describe("bad input", () => {
  const json = { "content-type": "application/json" };

  it("answers 401 to a missing, unknown or revoked token", async () => {
    expect((await post("/v1/traces", "{}", json)).status).toBe(401);
    expect((await post("/v1/traces", "{}", { ...json, authorization: "Bearer sy_ing_nope" })).status).toBe(
      401,
    );
    expect((await post("/v1/traces", "{}", { ...json, authorization: "Basic abc" })).status).toBe(401);
    const revoked = await createOrganizationWithKey(testDb, "org-revoked");
    expect((await post("/v1/traces", "{}", { ...json, ...headersFor(revoked.key) })).status).toBe(200);
    await testDb.db.ingestKey.update({ where: { id: revoked.keyId }, data: { revokedAt: new Date() } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await post("/v1/traces", "{}", { ...json, ...headersFor(revoked.key) })).status).toBe(401);
  });

  it("answers 415 to another content type or encoding, 413 to a huge body, 400 to truncated protobuf", async () => {
    const auth = headersFor(orgA.key);
    expect((await post("/v1/traces", "{}", { ...auth, "content-type": "text/plain" })).status).toBe(415);
    expect((await post("/v1/traces", "{}", { ...auth, ...json, "content-encoding": "br" })).status).toBe(415);
    const huge = await post("/v1/traces", "x".repeat(300 * 1024), { ...auth, ...json });
    expect(huge.status).toBe(413);
    const enormous = await post("/v1/traces", "x".repeat(1_200 * 1024), { ...auth, ...json });
    expect(enormous.status).toBe(413);
    const bomb = await post("/v1/traces", gzipSync(Buffer.alloc(64 * 1024 * 1024)), {
      ...auth,
      ...json,
      "content-encoding": "gzip",
    });
    expect(bomb.status).toBe(413);
    const truncated = await post("/v1/traces", new Uint8Array([0x0a, 0x80, 0x01, 0x0a]), {
      ...auth,
      "content-type": "application/x-protobuf",
    });
    expect(truncated.status).toBe(400);
    expect(JSON.parse(truncated.text).message).toMatch(
      /not a valid ExportTraceServiceRequest protobuf message/,
    );
    const broken = await post("/v1/metrics", "{not json", { ...auth, ...json });
    expect(broken.status).toBe(400);
    expect(JSON.parse(broken.text).message).toMatch(/not valid JSON/);
  });

  it("rejects NaN and negative durations and future timestamps with partial success, storing only good spans", async () => {
    const traceId = "abcdefabcdefabcdefabcdefabcdef01";
    const now = Date.now();
    const body = jsonSpans([
      goodSpan(traceId),
      goodSpan(traceId, { spanId: "2222222222222222", endTimeUnixNano: "NaN" }),
      goodSpan(traceId, { spanId: "3333333333333333", endTimeUnixNano: nanos(now - 100) }),
      goodSpan(traceId, {
        spanId: "4444444444444444",
        startTimeUnixNano: nanos(now + 86_400_000),
        endTimeUnixNano: nanos(now + 86_400_001),
      }),
    ]);
    const response = await post("/v1/traces", gzipSync(body), {
      ...headersFor(orgA.key),
      ...json,
      "content-encoding": "gzip",
    });
    expect(response.status).toBe(200);
    const partial = JSON.parse(response.text).partialSuccess;
    expect(partial.rejectedSpans).toBe("3");
    expect(partial.errorMessage).toContain("NaN or negative duration");
    expect(partial.errorMessage).toContain("in the future");
    const stored = await waitFor(async () => {
      const spans = await queries.traceById(orgA.organizationId, traceId);
      return spans.length > 0 ? spans : undefined;
    });
    expect(stored.map((s) => s.spanId)).toEqual(["1111111111111111"]);
  });

  it("files data under the key's organization only, even for the same trace id", async () => {
    const traceId = "feedfeedfeedfeedfeedfeedfeedfeed";
    await post("/v1/traces", jsonSpans([goodSpan(traceId, { name: "from b" })]), {
      ...headersFor(orgB.key),
      ...json,
    });
    const inB = await waitFor(async () => {
      const spans = await queries.traceById(orgB.organizationId, traceId);
      return spans.length > 0 ? spans : undefined;
    });
    expect(inB[0]!.name).toBe("from b");
    expect(await queries.traceById(orgA.organizationId, traceId)).toEqual([]);
  });

  it("answers a re-sent upload with 200 and stores it once", async () => {
    const traceId = "0123456789abcdef0123456789abcdef";
    const body = jsonSpans([goodSpan(traceId)]);
    for (let i = 0; i < 3; i++)
      expect((await post("/v1/traces", body, { ...headersFor(orgA.key), ...json })).status).toBe(200);
    await waitFor(async () =>
      (await queries.traceById(orgA.organizationId, traceId)).length > 0 ? true : undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await queries.traceById(orgA.organizationId, traceId)).toHaveLength(1);
  });
});
