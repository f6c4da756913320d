import { createHash } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SpanKind, type NormalizedSpan, type TelemetryIngestPayload } from "@switchyard/contracts";
import { createTestDatabase, type TestDatabase } from "@switchyard/test-fixtures";
import {
  PARENT_WAIT_MS,
  serviceGraphSummary,
  TelemetryQueries,
  TelemetryWriter,
  updateServiceGraph,
} from "./index";

let testDb: TestDatabase;
let pool: pg.Pool;
let writer: TelemetryWriter;
let queries: TelemetryQueries;

beforeAll(async () => {
  testDb = await createTestDatabase();
  pool = new pg.Pool({ connectionString: testDb.url, max: 8 });
  writer = new TelemetryWriter(pool);
  queries = new TelemetryQueries(pool);
});

afterAll(async () => {
  await pool.end();
  await testDb.drop();
});

const NOW = Date.now();
const MINUTE_START = Math.floor(NOW / 60_000) * 60_000 - 60_000;
const range = { from: new Date(MINUTE_START - 3_600_000), to: new Date(MINUTE_START + 120_000) };
let counter = 0;
const hex = (bytes: number) =>
  createHash("sha256")
    .update(`id-${counter++}`)
    .digest("hex")
    .slice(0, bytes * 2);

function span(over: Partial<NormalizedSpan>): NormalizedSpan {
  return {
    traceId: hex(16),
    spanId: hex(8),
    parentSpanId: null,
    service: "web",
    name: "call",
    kind: SpanKind.CLIENT,
    startUs: (MINUTE_START + 1_000) * 1000,
    durationUs: 20_000,
    status: 0,
    route: null,
    version: null,
    httpStatusCode: null,
    attributes: {},
    ...over,
  };
}

const traces = (
  organizationId: string,
  spans: NormalizedSpan[],
  batchId = hex(32),
): TelemetryIngestPayload => ({
  signal: "traces",
  organizationId,
  batchId,
  receivedAtMs: NOW,
  spans,
  rejected: 0,
});

/** A parent in `client` and its child in `server`, as two spans of one new trace. */
function call(client: string, server: string, over: Partial<NormalizedSpan> = {}) {
  const parent = span({ service: client });
  const child = span({
    traceId: parent.traceId,
    parentSpanId: parent.spanId,
    service: server,
    kind: SpanKind.SERVER,
    ...over,
  });
  return { parent, child };
}

async function edges(organizationId: string) {
  return (await queries.serviceGraph({ organizationId, ...range })).map((e) => ({
    client: e.client,
    server: e.server,
    count: e.count,
    errors: e.errors,
  }));
}

/** Every hourly edge row is the sum of its minutes, per caller, server and server version. */
async function hoursMatchMinutes(organizationId: string) {
  const { rows } = await pool.query<{ same: boolean }>(
    `WITH minutes AS (
       SELECT date_trunc('hour', minute) AS hour, client_service, server_service, server_version,
         sum(count)::bigint AS count, sum(errors)::bigint AS errors
       FROM telemetry_edge WHERE organization_id = $1 GROUP BY 1, 2, 3, 4
     ), hours AS (
       SELECT hour, client_service, server_service, server_version, count, errors
       FROM telemetry_edge_hour WHERE organization_id = $1 AND count <> 0
     )
     SELECT NOT EXISTS (SELECT * FROM minutes EXCEPT SELECT * FROM hours)
       AND NOT EXISTS (SELECT * FROM hours EXCEPT SELECT * FROM minutes) AS same`,
    [organizationId],
  );
  return rows[0]!.same;
}

describe("service graph", () => {
  it("counts a call whose parent is in the same batch at write time, once even when the batch is retried", async () => {
    const { parent, child } = call("web", "api", { httpStatusCode: 503 });
    const sameService = span({ traceId: parent.traceId, parentSpanId: child.spanId, service: "api" });
    const batch = traces("org_same", [parent, child, sameService]);
    await writer.write(batch);
    await writer.write(batch);
    expect(await edges("org_same")).toEqual([{ client: "web", server: "api", count: 1, errors: 1 }]);
    expect(await updateServiceGraph(pool)).toMatchObject({ calls: 0, waiting: 0 });
    expect(await hoursMatchMinutes("org_same")).toBe(true);
  });

  it("links a child to a parent stored earlier in another batch, once however often the job runs", async () => {
    const { parent, child } = call("web", "api");
    await writer.write(traces("org_later_child", [parent]));
    await writer.write(traces("org_later_child", [child]));
    expect(await edges("org_later_child")).toEqual([]);
    expect(await updateServiceGraph(pool)).toMatchObject({ calls: 1, waiting: 0 });
    await updateServiceGraph(pool);
    expect(await edges("org_later_child")).toEqual([{ client: "web", server: "api", count: 1, errors: 0 }]);
  });

  it("waits for a parent that arrives after its child, and keeps organizations apart", async () => {
    const { parent, child } = call("gateway", "orders");
    await writer.write(traces("org_late_parent", [child]));
    // The same ids in another organization: never linked across organizations.
    await writer.write(traces("org_other", [{ ...parent, service: "intruder" }]));
    expect(await updateServiceGraph(pool)).toMatchObject({ calls: 0, waiting: 1 });
    await writer.write(traces("org_late_parent", [parent]));
    expect(await updateServiceGraph(pool)).toMatchObject({ calls: 1, waiting: 0 });
    await updateServiceGraph(pool);
    expect(await edges("org_late_parent")).toEqual([
      { client: "gateway", server: "orders", count: 1, errors: 0 },
    ]);
    expect(await edges("org_other")).toEqual([]);
  });

  it("names a gateway caller by its instance, within a batch and across batches", async () => {
    const gateway = { service: "switchyard-gateway", attributes: { "service.instance.id": "agent-1" } };
    const inBatch = call("switchyard-gateway", "orders");
    const across = call("switchyard-gateway", "orders");
    await writer.write(
      traces("org_gateway", [
        { ...inBatch.parent, ...gateway },
        inBatch.child,
        { ...across.parent, ...gateway },
      ]),
    );
    await writer.write(traces("org_gateway", [across.child]));
    await updateServiceGraph(pool);
    expect(await edges("org_gateway")).toEqual([
      { client: "switchyard-gateway/agent-1", server: "orders", count: 2, errors: 0 },
    ]);
  });

  it("splits each edge by the server span's version: two callers of one server keep their own mixes", async () => {
    const organizationId = "org_versions";
    const failed = { httpStatusCode: 503 };
    // gateway-a: three calls to orders v1 and one (failed) to v2; gateway-b: one to v1, two to v2 and one
    // to a span without a version. Half of each arrive in the parent's batch, half later through the job.
    const calls = [
      call("gateway-a", "orders", { version: "v1" }),
      call("gateway-a", "orders", { version: "v1" }),
      call("gateway-a", "orders", { version: "v1" }),
      call("gateway-a", "orders", { version: "v2", ...failed }),
      call("gateway-b", "orders", { version: "v1" }),
      call("gateway-b", "orders", { version: "v2" }),
      call("gateway-b", "orders", { version: "v2" }),
      call("gateway-b", "orders", { version: null }),
    ];
    const together = calls.filter((_, i) => i % 2 === 0);
    const apart = calls.filter((_, i) => i % 2 === 1);
    await writer.write(
      traces(organizationId, [
        ...together.flatMap((c) => [c.parent, c.child]),
        ...apart.map((c) => c.parent),
      ]),
    );
    await writer.write(
      traces(
        organizationId,
        apart.map((c) => c.child),
      ),
    );
    expect(await updateServiceGraph(pool)).toMatchObject({ calls: apart.length, waiting: 0 });

    const summary = await serviceGraphSummary(pool, { organizationId, ...range });
    const split = summary.map((edge) => ({
      edge: `${edge.client}->${edge.server}`,
      count: edge.count,
      errors: edge.errors,
      versions: edge.versions.map((v) => [v.version, v.totals.count, v.totals.errors]),
    }));
    expect(split).toEqual([
      {
        edge: "gateway-a->orders",
        count: 4,
        errors: 1,
        versions: [
          ["v1", 3, 0],
          ["v2", 1, 1],
        ],
      },
      {
        edge: "gateway-b->orders",
        count: 4,
        errors: 0,
        versions: [
          ["", 1, 0],
          ["v1", 1, 0],
          ["v2", 2, 0],
        ],
      },
    ]);
    for (const edge of summary) {
      expect(edge.versions.reduce((sum, v) => sum + v.totals.rate, 0)).toBeCloseTo(edge.rate, 12);
    }
    expect(await hoursMatchMinutes(organizationId)).toBe(true);
    // Whole hours read the hourly table and give the same split.
    const hourStart = Math.floor(MINUTE_START / 3_600_000) * 3_600_000;
    const hours = await serviceGraphSummary(pool, {
      organizationId,
      from: new Date(hourStart - 3_600_000),
      to: new Date(hourStart + 3_600_000),
    });
    expect(
      hours.map((edge) => edge.versions.map((v) => [v.version, v.totals.count, v.totals.errors])),
    ).toEqual(split.map((edge) => edge.versions));
  });

  it("gives up on a parent that never arrives after PARENT_WAIT_MS", async () => {
    const { child } = call("web", "billing");
    await writer.write(traces("org_orphan", [child]));
    expect(await updateServiceGraph(pool)).toMatchObject({ waiting: 1, expired: 0 });
    expect(await updateServiceGraph(pool, Date.now() + PARENT_WAIT_MS + 1_000)).toMatchObject({
      waiting: 0,
      expired: 1,
    });
    const { rows } = await pool.query("SELECT count(*)::int AS n FROM telemetry_graph_pending");
    expect(rows[0]).toEqual({ n: 0 });
    expect(await edges("org_orphan")).toEqual([]);
  });

  it("counts every call exactly once while batches and job runs overlap", async () => {
    const organizationId = "org_concurrent";
    const pairs = Array.from({ length: 120 }, (_, i) => call(`client-${i % 3}`, "server"));
    // Children and parents in separate batches, in both orders, some in one batch; written four at a time
    // while the job runs over and over.
    const batches: TelemetryIngestPayload[] = [];
    for (let i = 0; i < pairs.length; i += 6) {
      const group = pairs.slice(i, i + 6);
      if (i % 18 === 0)
        batches.push(
          traces(
            organizationId,
            group.flatMap((p) => [p.parent, p.child]),
          ),
        );
      else if (i % 18 === 6) {
        batches.push(
          traces(
            organizationId,
            group.map((p) => p.child),
          ),
        );
        batches.push(
          traces(
            organizationId,
            group.map((p) => p.parent),
          ),
        );
      } else {
        batches.push(
          traces(
            organizationId,
            group.map((p) => p.parent),
          ),
        );
        batches.push(
          traces(
            organizationId,
            group.map((p) => p.child),
          ),
        );
      }
    }
    let next = 0;
    let writing = true;
    const runs = (async () => {
      while (writing) await updateServiceGraph(pool);
    })();
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < batches.length) await writer.write(batches[next++]!);
      }),
    );
    writing = false;
    await runs;
    await updateServiceGraph(pool);
    const total = (await edges(organizationId)).reduce((sum, e) => sum + e.count, 0);
    expect(total).toBe(pairs.length);
    expect(await hoursMatchMinutes(organizationId)).toBe(true);
  });
});
