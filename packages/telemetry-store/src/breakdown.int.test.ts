import { createHash } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LATENCY_BUCKET_COUNT, SpanKind, type NormalizedSpan } from "@switchyard/contracts";
import { createTestDatabase, type TestDatabase } from "@switchyard/test-fixtures";
import {
  hourAligned,
  updateServiceGraph,
  redBreakdown,
  serviceGraphSummary,
  TelemetryQueries,
  TelemetryWriter,
} from "./index";

let testDb: TestDatabase;
let pool: pg.Pool;
let queries: TelemetryQueries;

const NOW = Date.now();
const START = Math.floor(NOW / 60_000) * 60_000 - 4 * 60_000;
const range = { from: new Date(START), to: new Date(START + 4 * 60_000), stepSeconds: 120 };
let batches = 0;
const batchId = () => createHash("sha256").update(`breakdown-${batches++}`).digest("hex");

function span(i: number, over: Partial<NormalizedSpan>): NormalizedSpan {
  return {
    traceId: createHash("md5").update(`t${i}`).digest("hex"),
    spanId: createHash("md5").update(`s${i}`).digest("hex").slice(0, 16),
    parentSpanId: null,
    service: "gateway",
    name: "GET /",
    kind: SpanKind.SERVER,
    startUs: (START + (i % 4) * 60_000 + 500) * 1000,
    durationUs: 1_000 + i * 7_919,
    status: 0,
    route: "/",
    version: "stable",
    httpStatusCode: i % 5 === 0 ? 500 : 200,
    attributes: {},
    ...over,
  };
}

beforeAll(async () => {
  testDb = await createTestDatabase();
  pool = new pg.Pool({ connectionString: testDb.url, max: 4 });
  queries = new TelemetryQueries(pool);
  await testDb.db.organization.create({ data: { id: "org_a", name: "a", slug: "org-a" } });
  const writer = new TelemetryWriter(pool);
  const spans: NormalizedSpan[] = [];
  for (let i = 0; i < 40; i++) {
    const parent = span(i, {});
    spans.push(parent);
    spans.push(
      span(i + 1000, {
        traceId: parent.traceId,
        parentSpanId: parent.spanId,
        service: "orders",
        route: i % 2 ? "/orders" : "/orders/:id",
        version: i % 4 ? "stable" : "canary",
      }),
    );
  }
  await writer.write({
    signal: "traces",
    organizationId: "org_a",
    batchId: batchId(),
    receivedAtMs: NOW,
    spans,
    rejected: 0,
  });
  // "users" reports metrics too, so its spans must be ignored exactly as `red` ignores them.
  const buckets = new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
  buckets[4] = 12;
  await writer.write({
    signal: "metrics",
    organizationId: "org_a",
    batchId: batchId(),
    receivedAtMs: NOW,
    points: [
      {
        seriesKey: "users-1",
        temporality: "delta",
        service: "users",
        route: "/users",
        version: "stable",
        statusClass: "2xx",
        startUs: (START + 60_000) * 1000,
        timeUs: (START + 70_000) * 1000,
        count: 12,
        sumMs: 200,
        buckets,
      },
    ],
    ignored: 0,
    rejected: 0,
  });
  await writer.write({
    signal: "traces",
    organizationId: "org_a",
    batchId: batchId(),
    receivedAtMs: NOW,
    spans: [span(77, { service: "users", route: "/users" })],
    rejected: 0,
  });
  await updateServiceGraph(pool);
});

afterAll(async () => {
  await pool.end();
  await testDb.drop();
});

/** The summary's edges as `serviceGraph` gives them: the same totals, without the split by version. */
const withoutVersions = (edges: Awaited<ReturnType<typeof serviceGraphSummary>>) =>
  edges.map(({ versions: _versions, ...edge }) => edge);

describe("redBreakdown and serviceGraphSummary", () => {
  it("give per service exactly what red gives for that service", async () => {
    const series = await redBreakdown(pool, { organizationId: "org_a", by: "service", ...range });
    expect(series.map((s) => s.key)).toEqual(["gateway", "orders", "users"]);
    for (const s of series) {
      expect(s.points).toEqual(await queries.red({ organizationId: "org_a", service: s.key, ...range }));
      const whole = await queries.red({
        organizationId: "org_a",
        service: s.key,
        ...range,
        stepSeconds: 240,
      });
      expect(s.totals).toEqual({ ...whole[0], rate: whole[0]!.count / 240, time: undefined });
    }
    expect(series.find((s) => s.key === "users")!.totals.count).toBe(12);
  });

  it("give per route and per version of one service what red gives with that filter", async () => {
    for (const by of ["route", "version"] as const) {
      const series = await redBreakdown(pool, { organizationId: "org_a", by, service: "orders", ...range });
      expect(series.length).toBe(2);
      for (const s of series) {
        const red = await queries.red({ organizationId: "org_a", service: "orders", [by]: s.key, ...range });
        expect(s.points).toEqual(red);
      }
    }
  });

  it("sum the graph in SQL to the same edges, and see nothing of another organization", async () => {
    const summary = await serviceGraphSummary(pool, { organizationId: "org_a", ...range });
    expect(withoutVersions(summary)).toEqual(
      await queries.serviceGraph({ organizationId: "org_a", ...range }),
    );
    expect(summary.map((e) => `${e.client}->${e.server}`)).toEqual(["gateway->orders"]);
    // One caller here, so its split is the server's own: 10 canary calls (i % 4 === 0) of 40.
    expect(summary[0]!.versions.map((v) => [v.version, v.totals.count])).toEqual([
      ["canary", 10],
      ["stable", 30],
    ]);
    expect(await serviceGraphSummary(pool, { organizationId: "org_b", ...range })).toEqual([]);
    expect(await redBreakdown(pool, { organizationId: "org_b", by: "service", ...range })).toEqual([]);
  });

  it("read whole-hour windows from the hourly tables, which the triggers keep equal to their minutes", async () => {
    const from = new Date(Math.floor(START / 3_600_000) * 3_600_000);
    const hourly = { from, to: new Date(from.getTime() + 2 * 3_600_000), stepSeconds: 3600 };
    expect(hourAligned(hourly.from, hourly.to, hourly.stepSeconds)).toBe(true);
    const series = await redBreakdown(pool, { organizationId: "org_a", by: "service", ...hourly });
    expect(series.map((s) => s.key)).toEqual(["gateway", "orders", "users"]);
    for (const s of series) {
      expect(s.points).toEqual(await queries.red({ organizationId: "org_a", service: s.key, ...hourly }));
    }
    const graph = { organizationId: "org_a", from: hourly.from, to: hourly.to };
    const hourlyGraph = await serviceGraphSummary(pool, graph);
    expect(withoutVersions(hourlyGraph)).toEqual(await queries.serviceGraph(graph));
    expect(hourlyGraph[0]!.versions.map((v) => [v.version, v.totals.count])).toEqual([
      ["canary", 10],
      ["stable", 30],
    ]);

    const sums = async () =>
      (
        await pool.query<{ same: boolean }>(
          `SELECT (SELECT array[sum(count), sum(errors), sum(buckets[5])] FROM telemetry_rollup)
                = (SELECT array[sum(count), sum(errors), sum(buckets[5])] FROM telemetry_rollup_hour)
              AND (SELECT array[sum(count), sum(errors)] FROM telemetry_edge)
                = (SELECT array[sum(count), sum(errors)] FROM telemetry_edge_hour) AS same`,
        )
      ).rows[0]!.same;
    expect(await sums()).toBe(true);
    // A graph update adds to edges; retention deletes minutes: the hours follow both.
    await updateServiceGraph(pool);
    await pool.query("DELETE FROM telemetry_rollup WHERE service = 'users'");
    expect(await sums()).toBe(true);
    const after = await redBreakdown(pool, { organizationId: "org_a", by: "service", ...hourly });
    expect(after.map((s) => s.key)).toEqual(["gateway", "orders", "users"]);
    expect(after.find((s) => s.key === "users")!.totals.count).toBe(0);
  });
});
