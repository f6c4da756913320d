import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TelemetryQueries } from "@switchyard/telemetry-store";
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
  waitFor,
} from "@switchyard/test-fixtures";
import { runLoad } from "../../../gateway/src/testing/load";
import { GatewayProcess, startUpstreams, type Upstream } from "../../../gateway/src/testing/processes";
import type { WorkerRuntime } from "../../../worker/src/runtime";
import { startTestWorker } from "../../../worker/src/testing/worker";
import { seedAgent } from "./testing/agents";
import { startIngestServer, telemetryQueries, type IngestServer } from "./testing/ingest-harness";

/**
 * A real gateway process exports its metrics with its agent token to the ingest, the real worker writes
 * them: the rollups hold exactly the requests sent, split by target version and status class.
 */

let testDb: TestDatabase;
let redis: TestRedis;
let server: IngestServer;
let worker: WorkerRuntime;
let queries: TelemetryQueries;
let pool: pg.Pool;
let upstreams: Upstream[] = [];
let gateway: GatewayProcess | undefined;
const organizationId = "org-gateway";

beforeAll(async () => {
  testDb = await createTestDatabase();
  redis = createTestRedis();
  await testDb.db.organization.create({ data: { id: organizationId, name: "Gateway", slug: "gateway" } });
  const { token: agentToken } = await seedAgent(testDb.db, { organizationId, name: "edge-1" });
  server = await startIngestServer(testDb, redis);
  worker = await startTestWorker(testDb, redis);
  ({ queries, pool } = telemetryQueries(testDb));
  upstreams = await startUpstreams([
    ["users-v1", "v1"],
    ["users-v2", "v2"],
    ["orders-v3", "v3"],
  ]);
  await upstreams[2]!.setFault({ status: 503 });
  gateway = await GatewayProcess.start({
    config: {
      routes: [
        { id: "users", match: { pathPrefix: "/users" }, service: "users" },
        { id: "orders", match: { pathPrefix: "/orders" }, service: "orders" },
      ],
      services: {
        users: {
          targets: [
            { id: "users-v1", url: upstreams[0]!.url, version: "v1", weight: 3 },
            { id: "users-v2", url: upstreams[1]!.url, version: "v2", weight: 1 },
          ],
        },
        orders: {
          targets: [{ id: "orders-v3", url: upstreams[2]!.url, version: "v3" }],
          healthCheck: { passive: { enabled: false } },
          circuitBreaker: { enabled: false },
        },
      },
    },
    bootstrap: {
      agentId: "edge-1",
      agentToken,
      telemetry: { otlpEndpoint: server.url, exportIntervalMs: 500, traceSampleRate: 0 },
    },
  });
});

afterAll(async () => {
  await gateway?.remove();
  await Promise.all(upstreams.map((u) => u.stop()));
  await worker?.close();
  await server?.close();
  await pool?.end();
  await redis?.cleanup();
  await testDb?.drop();
});

const range = () => ({
  from: new Date(Date.now() - 10 * 60_000),
  to: new Date(Date.now() + 60_000),
  stepSeconds: 660,
});

describe("gateway metrics through the ingest", () => {
  it("shows N requests through the gateway as exactly N in the rollups, by version and status class", async () => {
    const users = await runLoad({
      origin: gateway!.url,
      path: "/users/1",
      concurrency: 8,
      maxRequests: 400,
      maxDurationMs: 30_000,
    });
    const orders = await runLoad({
      origin: gateway!.url,
      path: "/orders/1",
      concurrency: 4,
      maxRequests: 60,
      maxDurationMs: 30_000,
    });
    expect(users.byStatus.get(200)).toBe(400);
    expect(orders.byStatus.get(503)).toBe(60);

    const perVersion = await waitFor(async () => {
      const [v1, v2, v3] = await Promise.all(
        ["v1", "v2", "v3"].map(
          async (version) => (await queries.red({ organizationId, version, ...range() }))[0]!,
        ),
      );
      return v1!.count + v2!.count === 400 && v3!.count === 60 ? { v1: v1!, v2: v2!, v3: v3! } : undefined;
    });
    // Each version reports exactly what its upstream served.
    expect(perVersion.v1.count).toBe(await upstreams[0]!.served());
    expect(perVersion.v2.count).toBe(await upstreams[1]!.served());
    expect(perVersion.v1.count).toBeGreaterThan(0);
    expect(perVersion.v2.count).toBeGreaterThan(0);
    expect(perVersion.v1.errors + perVersion.v2.errors).toBe(0);
    expect(perVersion.v3).toMatchObject({ count: 60, errors: 60, errorRate: 1 });
    const { rows } = await pool.query<{ service: string; status_class: string; count: string }>(
      `SELECT service, status_class, sum(count)::text AS count FROM telemetry_rollup
       WHERE organization_id = $1 AND source = 'metrics' GROUP BY 1, 2 ORDER BY 1, 2`,
      [organizationId],
    );
    expect(rows).toEqual([
      { service: "orders", status_class: "5xx", count: "60" },
      { service: "users", status_class: "2xx", count: "400" },
    ]);

    // More exports of the same cumulative series add nothing.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const [after] = await queries.red({ organizationId, service: "users", ...range() });
    expect(after!.count).toBe(400);
  });
});
