import { createHash } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SpanKind, type NormalizedSpan, type TelemetryIngestPayload } from "@switchyard/contracts";
import { createTestDatabase, type TestDatabase } from "@switchyard/test-fixtures";
import { PARENT_WAIT_MS, TelemetryQueries, TelemetryWriter, updateServiceGraph } from "./index";

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

async function hoursMatchMinutes(organizationId: string) {
  const { rows } = await pool.query<{ same: boolean }>(
    `SELECT (SELECT array[sum(count), sum(errors)] FROM telemetry_edge WHERE organization_id = $1)
          = (SELECT array[sum(count), sum(errors)] FROM telemetry_edge_hour WHERE organization_id = $1) AS same`,
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
