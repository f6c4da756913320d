import { createHash } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  LATENCY_BUCKET_COUNT,
  SpanKind,
  type NormalizedSpan,
  type RequestHistogramPoint,
} from "@switchyard/contracts";
import { createTestDatabase, type TestDatabase } from "@switchyard/test-fixtures";
import { applyRetention, TelemetryWriter, windowTotals } from "./index";

let testDb: TestDatabase;
let pool: pg.Pool;
let writer: TelemetryWriter;
let counter = 0;
const batchId = () => createHash("sha256").update(`window-${counter++}`).digest("hex");
// A slot boundary, so "20 s ago" and "50 s ago" fall in known 10-second slots.
const END = Math.floor(Date.now() / 10_000) * 10_000;

beforeAll(async () => {
  testDb = await createTestDatabase();
  pool = new pg.Pool({ connectionString: testDb.url, max: 2 });
  writer = new TelemetryWriter(pool);
  await testDb.db.organization.create({ data: { id: "org_w", name: "w", slug: "w" } });
});

afterAll(async () => {
  await pool.end();
  await testDb.drop();
});

function span(agoMs: number, over: Partial<NormalizedSpan> = {}): NormalizedSpan {
  return {
    traceId: createHash("md5").update(`t${counter++}`).digest("hex"),
    spanId: "2".repeat(16),
    parentSpanId: null,
    service: "users",
    name: "GET /users",
    kind: SpanKind.SERVER,
    startUs: (END - agoMs) * 1000,
    durationUs: 30_000,
    status: 0,
    route: "GET /users",
    version: "v1",
    httpStatusCode: 200,
    attributes: {},
    ...over,
  };
}

function point(agoMs: number, count: number, statusClass: "2xx" | "5xx"): RequestHistogramPoint {
  const buckets = new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
  buckets[3] = count;
  return {
    seriesKey: `orders-${statusClass}`,
    temporality: "delta",
    service: "orders",
    route: "POST /orders",
    version: "v2",
    statusClass,
    startUs: (END - agoMs - 10_000) * 1000,
    timeUs: (END - agoMs) * 1000,
    count,
    sumMs: count * 10,
    buckets,
  };
}

const traces = (spans: NormalizedSpan[]) =>
  writer.write({
    signal: "traces",
    organizationId: "org_w",
    batchId: batchId(),
    receivedAtMs: END,
    spans,
    rejected: 0,
  });
const metrics = (points: RequestHistogramPoint[]) =>
  writer.write({
    signal: "metrics",
    organizationId: "org_w",
    batchId: batchId(),
    receivedAtMs: END,
    points,
    ignored: 0,
    rejected: 0,
  });

describe("windowTotals", () => {
  it("reads only the last 30 s from the 10-second rollups, per service, metrics before spans", async () => {
    await traces([span(5_000), span(15_000, { httpStatusCode: 503 }), span(50_000, { httpStatusCode: 503 })]);
    await traces([span(5_000, { service: "orders", route: "POST /orders", version: "v2" })]);
    await metrics([point(5_000, 8, "2xx"), point(5_000, 2, "5xx"), point(45_000, 100, "5xx")]);

    const totals = await windowTotals(pool, {
      organizationId: "org_w",
      end: new Date(END),
      windowMs: 30_000,
    });
    expect(totals.get("users")).toMatchObject({ count: 2, errors: 1 });
    expect(totals.get("users")!.buckets.reduce((a, b) => a + b, 0)).toBe(2);
    // orders has metrics in the window, so its one span is not counted again.
    expect(totals.get("orders")).toMatchObject({ count: 10, errors: 2 });

    const scoped = await windowTotals(pool, {
      organizationId: "org_w",
      end: new Date(END),
      windowMs: 30_000,
      service: "orders",
      version: "v1",
    });
    expect(scoped.size).toBe(0);
    expect(
      await windowTotals(pool, { organizationId: "other", end: new Date(END), windowMs: 30_000 }),
    ).toEqual(new Map());
  });

  it("reads minute rollups for long windows, and retention prunes the 10-second rollups after an hour", async () => {
    const long = await windowTotals(pool, {
      organizationId: "org_w",
      end: new Date(END + 60_000),
      windowMs: 3_600_000,
      service: "users",
    });
    expect(long.get("users")).toMatchObject({ count: 3, errors: 2 });

    await traces([span(2 * 3_600_000)]);
    const result = await applyRetention(pool, {
      retentionDays: 7,
      partitionsAhead: 0,
      rollupRetentionDays: 30,
    });
    expect(result.deletedFineRollups).toBeGreaterThan(0);
    const { rows } = await pool.query(
      "SELECT count(*)::int AS n FROM telemetry_rollup_10s WHERE slot < now() - interval '1 hour'",
    );
    expect(rows[0].n).toBe(0);
  });
});
