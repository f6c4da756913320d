import { createHash } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  LATENCY_BUCKET_COUNT,
  SpanKind,
  UNMATCHED_ROUTE,
  type NormalizedSpan,
  type RequestHistogramPoint,
  type TelemetryIngestPayload,
} from "@switchyard/contracts";
import { createTestDatabase, type TestDatabase } from "@switchyard/test-fixtures";
import {
  applyRetention,
  partitionName,
  updateServiceGraph,
  TelemetryQueries,
  TelemetryWriter,
} from "./index";
import { SPAN_FAILS_TRACE_SQL, spanFailsTrace } from "./span-rules";

let testDb: TestDatabase;
let pool: pg.Pool;
let writer: TelemetryWriter;
let queries: TelemetryQueries;

beforeAll(async () => {
  testDb = await createTestDatabase();
  pool = new pg.Pool({ connectionString: testDb.url, max: 4 });
  writer = new TelemetryWriter(pool);
  queries = new TelemetryQueries(pool);
  for (const id of ["org_a", "org_b"])
    await testDb.db.organization.create({ data: { id, name: id, slug: id } });
});

afterAll(async () => {
  await pool.end();
  await testDb.drop();
});

const NOW = Date.now();
const MINUTE_START = Math.floor(NOW / 60_000) * 60_000 - 60_000;
let batchCounter = 0;
const batchId = () => createHash("sha256").update(`batch-${batchCounter++}`).digest("hex");

function span(over: Partial<NormalizedSpan>): NormalizedSpan {
  return {
    traceId: "1".repeat(32),
    spanId: "2".repeat(16),
    parentSpanId: null,
    service: "frontend",
    name: "GET /",
    kind: SpanKind.SERVER,
    startUs: (MINUTE_START + 1_000) * 1000,
    durationUs: 30_000,
    status: 0,
    route: "/",
    version: null,
    httpStatusCode: 200,
    attributes: { "http.route": "/" },
    ...over,
  };
}

function traces(organizationId: string, spans: NormalizedSpan[], id = batchId()): TelemetryIngestPayload {
  return { signal: "traces", organizationId, batchId: id, receivedAtMs: NOW, spans, rejected: 0 };
}

function histogram(over: Partial<RequestHistogramPoint>): RequestHistogramPoint {
  const buckets = new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
  buckets[3] = over.count ?? 10;
  return {
    seriesKey: "series-1",
    temporality: "cumulative",
    service: "orders",
    route: "orders",
    version: "v1",
    statusClass: "2xx",
    startUs: (MINUTE_START - 600_000) * 1000,
    timeUs: (MINUTE_START + 10_000) * 1000,
    count: 10,
    sumMs: 50,
    buckets,
    ...over,
  };
}

function metrics(organizationId: string, points: RequestHistogramPoint[]): TelemetryIngestPayload {
  return {
    signal: "metrics",
    organizationId,
    batchId: batchId(),
    receivedAtMs: NOW,
    points,
    ignored: 0,
    rejected: 0,
  };
}

const range = { from: new Date(MINUTE_START), to: new Date(MINUTE_START + 120_000), stepSeconds: 120 };

describe("telemetry store", () => {
  it("writes a batch once even when the same job runs twice, and keeps organizations apart", async () => {
    const batch = traces("org_a", [span({}), span({ spanId: "3".repeat(16), httpStatusCode: 500 })]);
    expect((await writer.write(batch)).duplicate).toBe(false);
    expect((await writer.write(batch)).duplicate).toBe(true);
    const again = await writer.write({ ...batch, batchId: batchId() });
    expect(again.spans).toBe(2);

    const red = await queries.red({ organizationId: "org_a", service: "frontend", ...range });
    expect(red[0]).toMatchObject({ count: 4, errors: 2, errorRate: 0.5 });
    expect(await queries.red({ organizationId: "org_b", ...range })).toMatchObject([{ count: 0 }]);
    expect(await queries.traceById("org_a", "1".repeat(32))).toHaveLength(4);
    expect(await queries.traceById("org_b", "1".repeat(32))).toEqual([]);
  });

  it("turns cumulative points into exact deltas and prefers metrics over spans for a service", async () => {
    await writer.write(traces("org_a", [span({ service: "orders", traceId: "4".repeat(32) })]));
    await writer.write(metrics("org_a", [histogram({})]));
    await writer.write(metrics("org_a", [histogram({ count: 25, timeUs: (MINUTE_START + 70_000) * 1000 })]));
    // Out of order and re-sent: adds nothing.
    await writer.write(metrics("org_a", [histogram({ count: 10 })]));
    // A restart (new start time) begins again from zero.
    await writer.write(
      metrics("org_a", [
        histogram({
          count: 3,
          startUs: (MINUTE_START + 80_000) * 1000,
          timeUs: (MINUTE_START + 90_000) * 1000,
        }),
      ]),
    );
    const red = await queries.red({ organizationId: "org_a", service: "orders", ...range });
    expect(red[0]!.count).toBe(28);
    const byVersion = await queries.red({
      organizationId: "org_a",
      service: "orders",
      version: "v2",
      ...range,
    });
    expect(byVersion[0]!.count).toBe(0);
  });

  it("counts a new cumulative series once when two of its batches are written at the same time", async () => {
    const series = { seriesKey: "series-concurrent", service: "billing" };
    await Promise.all([
      writer.write(metrics("org_a", [histogram({ ...series, count: 10 })])),
      writer.write(
        metrics("org_a", [histogram({ ...series, count: 12, timeUs: (MINUTE_START + 20_000) * 1000 })]),
      ),
    ]);
    const red = await queries.red({ organizationId: "org_a", service: "billing", ...range });
    expect(red[0]!.count).toBe(12);
  });

  it("finds traces by service, status and duration", async () => {
    await writer.write(
      traces("org_a", [
        span({ traceId: "5".repeat(32), service: "search", durationUs: 900_000, status: 2 }),
        span({ traceId: "6".repeat(32), service: "search", durationUs: 1_000 }),
      ]),
    );
    const slowErrors = await queries.searchTraces({
      organizationId: "org_a",
      from: range.from,
      to: range.to,
      service: "search",
      status: "error",
      minDurationMs: 500,
      limit: 10,
    });
    expect(slowErrors.map((t) => t.traceId)).toEqual(["5".repeat(32)]);
    expect(
      await queries.searchTraces({ organizationId: "org_b", from: range.from, to: range.to, limit: 10 }),
    ).toEqual([]);
  });

  it("summarises a trace by the request into the service, not a call it made while serving it", async () => {
    const traceId = "d".repeat(32);
    const start = (MINUTE_START + 5_000) * 1000;
    await writer.write(
      traces("org_a", [
        span({
          traceId,
          spanId: "a".repeat(16),
          service: "checkout",
          name: "GET /cart/:id",
          startUs: start,
          durationUs: 800_000,
        }),
        span({
          traceId,
          spanId: "b".repeat(16),
          parentSpanId: "a".repeat(16),
          service: "checkout",
          name: "GET users",
          kind: SpanKind.CLIENT,
          startUs: start + 1_000,
          durationUs: 790_000,
        }),
      ]),
    );
    const slow = await queries.searchTraces({
      organizationId: "org_a",
      from: range.from,
      to: range.to,
      service: "checkout",
      minDurationMs: 500,
      limit: 10,
    });
    expect(slow.map((t) => [t.traceId, t.name, t.durationMs])).toEqual([[traceId, "GET /cart/:id", 800]]);
  });

  it("lists a trace as failed by its request's answer, not by an internal step's ERROR status", async () => {
    // A wrong password: the SERVER span answers 401; the auth library marks its handler span ERROR.
    const signIn = "9".repeat(32);
    // A background job: the root is INTERNAL, and its ERROR is the job's outcome.
    const job = "b".repeat(32);
    // A consumer whose message handling failed, under a producer that did not.
    const consumer = "e".repeat(32);
    const start = (MINUTE_START + 6_000) * 1000;
    const spans = [
      span({
        traceId: signIn,
        spanId: "a".repeat(16),
        service: "auth-web",
        name: "POST /api/auth/[...all]",
        route: "/api/auth/[...all]",
        startUs: start,
        httpStatusCode: 401,
      }),
      span({
        traceId: signIn,
        spanId: "b".repeat(16),
        parentSpanId: "a".repeat(16),
        service: "auth-web",
        name: "handler /sign-in/email",
        kind: SpanKind.INTERNAL,
        route: "/sign-in/email",
        startUs: start + 1_000,
        status: 2,
        httpStatusCode: null,
      }),
      span({
        traceId: job,
        spanId: "a".repeat(16),
        service: "auth-web",
        name: "cleanup sessions",
        kind: SpanKind.INTERNAL,
        route: null,
        startUs: start + 2_000,
        status: 2,
        httpStatusCode: null,
      }),
      span({
        traceId: consumer,
        spanId: "a".repeat(16),
        service: "auth-web",
        name: "publish mail",
        kind: SpanKind.PRODUCER,
        route: null,
        startUs: start + 3_000,
        httpStatusCode: null,
      }),
      span({
        traceId: consumer,
        spanId: "b".repeat(16),
        parentSpanId: "a".repeat(16),
        service: "auth-web",
        name: "process mail",
        kind: SpanKind.CONSUMER,
        route: null,
        startUs: start + 4_000,
        status: 2,
        httpStatusCode: null,
      }),
    ];
    await writer.write(traces("org_a", spans));
    const search = (status?: "ok" | "error") =>
      queries.searchTraces({ organizationId: "org_a", ...range, service: "auth-web", status, limit: 10 });
    expect((await search("error")).map((t) => [t.traceId, t.name, t.error])).toEqual([
      [consumer, "process mail", true],
      [job, "cleanup sessions", true],
    ]);
    expect((await search("ok")).map((t) => [t.traceId, t.name, t.error])).toEqual([
      [consumer, "publish mail", false],
      [signIn, "POST /api/auth/[...all]", false],
    ]);
    // The SQL says what spanFailsTrace says, span by span.
    const { rows } = await pool.query<{ trace_id: string; span_id: string; error: boolean }>(
      `SELECT trace_id, span_id, ${SPAN_FAILS_TRACE_SQL} AS error FROM telemetry_span
       WHERE organization_id = 'org_a' AND service = 'auth-web' ORDER BY trace_id, span_id`,
    );
    expect(rows.map((r) => [r.trace_id, r.span_id, r.error])).toEqual(
      spans
        .map((s) => [s.traceId, s.spanId, spanFailsTrace(s)])
        .sort((a, b) => `${a[0]}${a[1]}`.localeCompare(`${b[0]}${b[1]}`)),
    );
    // The sign-in is not an error in the service's rollups either.
    const [red] = await queries.red({ organizationId: "org_a", service: "auth-web", ...range });
    expect([red!.count, red!.errors]).toEqual([1, 0]);
  });

  it("rolls a request no route matched up under UNMATCHED_ROUTE, and finds its traces by that route", async () => {
    const traceId = "f".repeat(32);
    await writer.write(
      traces("org_a", [
        span({
          traceId,
          service: "next-app",
          name: "GET",
          route: null,
          httpStatusCode: 404,
          attributes: { "http.request.method": "GET", "url.path": "/nowhere" },
        }),
        span({
          traceId: "0".repeat(32),
          service: "next-app",
          name: "GET /orders",
          route: "/orders",
          attributes: { "http.request.method": "GET", "http.route": "/orders" },
        }),
      ]),
    );
    const unmatched = await queries.red({
      organizationId: "org_a",
      service: "next-app",
      route: UNMATCHED_ROUTE,
      ...range,
    });
    expect(unmatched[0]!.count).toBe(1);
    expect(
      await queries.red({ organizationId: "org_a", service: "next-app", route: "GET", ...range }),
    ).toEqual([expect.objectContaining({ count: 0 })]);
    const found = await queries.searchTraces({
      organizationId: "org_a",
      ...range,
      service: "next-app",
      route: UNMATCHED_ROUTE,
      limit: 10,
    });
    expect(found.map((t) => [t.traceId, t.name, t.route])).toEqual([[traceId, "GET", null]]);
  });

  it("derives service-graph edges from parent and child spans written in different batches", async () => {
    const traceId = "7".repeat(32);
    await writer.write(
      traces("org_b", [span({ traceId, spanId: "a".repeat(16), service: "web", kind: SpanKind.CLIENT })]),
    );
    await writer.write(
      traces("org_b", [
        span({
          traceId,
          spanId: "b".repeat(16),
          parentSpanId: "a".repeat(16),
          service: "api",
          httpStatusCode: 502,
        }),
      ]),
    );
    await updateServiceGraph(pool);
    await updateServiceGraph(pool);
    const edges = await queries.serviceGraph({ organizationId: "org_b", from: range.from, to: range.to });
    expect(edges).toEqual([
      expect.objectContaining({ client: "web", server: "api", count: 1, errors: 1, errorRate: 1 }),
    ]);
    expect(await queries.serviceGraph({ organizationId: "org_a", from: range.from, to: range.to })).toEqual(
      [],
    );
  });

  it("reports what each organization sent, rejected and had ignored", async () => {
    await writer.write({
      signal: "metrics",
      organizationId: "org_b",
      batchId: batchId(),
      receivedAtMs: NOW,
      points: [histogram({ seriesKey: "stats" })],
      ignored: 4,
      rejected: 2,
    });
    const stats = await queries.ingestStats({
      organizationId: "org_b",
      from: new Date(NOW - 60_000),
      to: new Date(Date.now() + 60_000),
    });
    expect(stats).toEqual([
      { signal: "metrics", batches: 1, stored: 1, rejected: 2, ignored: 4, dropped: 0 },
      { signal: "traces", batches: 2, stored: 2, rejected: 0, ignored: 0, dropped: 0 },
    ]);
  });

  it("counts a batch Postgres refuses as dropped, with the reason, once, and stores nothing of it", async () => {
    // An int4 column cannot hold this status code: the whole batch fails the same way on every attempt.
    const poison = traces("org_poison", [
      span({ traceId: "c".repeat(32) }),
      span({ traceId: "c".repeat(32), spanId: "d".repeat(16), httpStatusCode: 2 ** 40 }),
    ]);
    const first = await writer.write(poison);
    expect(first).toMatchObject({ duplicate: false, spans: 0, dropped: { items: 2 } });
    expect(first.dropped!.reason).toMatch(/^22003 .*out of range/);
    expect(await writer.write(poison)).toMatchObject({ duplicate: true });
    expect(await queries.traceById("org_poison", "c".repeat(32))).toEqual([]);
    const stats = await queries.ingestStats({
      organizationId: "org_poison",
      from: new Date(NOW - 60_000),
      to: new Date(Date.now() + 60_000),
    });
    expect(stats).toEqual([{ signal: "traces", batches: 1, stored: 0, rejected: 0, ignored: 0, dropped: 2 }]);
    const { rows } = await pool.query("SELECT drop_reason FROM telemetry_batch WHERE organization_id = $1", [
      "org_poison",
    ]);
    expect(rows[0].drop_reason).toBe(first.dropped!.reason);
    expect(await queries.red({ organizationId: "org_poison", ...range })).toMatchObject([{ count: 0 }]);
  });

  it("creates partitions ahead and drops the ones past retention", async () => {
    const old = Date.UTC(2026, 0, 1);
    await writer.write(traces("org_a", [span({ startUs: (old + 1000) * 1000, traceId: "8".repeat(32) })]));
    const result = await applyRetention(pool, {
      retentionDays: 7,
      partitionsAhead: 2,
      rollupRetentionDays: 30,
    });
    expect(result.droppedPartitions).toContain(partitionName(old));
    expect(await queries.traceById("org_a", "8".repeat(32))).toEqual([]);
    const tomorrow = partitionName(Math.floor(NOW / 86_400_000) * 86_400_000 + 86_400_000);
    const { rows } = await pool.query("SELECT 1 FROM pg_class WHERE relname = $1", [tomorrow]);
    expect(rows).toHaveLength(1);
  });
});
