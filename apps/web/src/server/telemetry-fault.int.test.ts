import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
  waitFor,
} from "@switchyard/test-fixtures";
import { createOrganizationWithKey, startIngestServer, type IngestServer } from "./testing/ingest-harness";

/**
 * Nothing acknowledged is lost and nothing is counted twice when the worker dies mid-batch: batches are
 * accepted while no worker runs, a worker process is SIGKILLed while it writes them, and a new one finishes.
 */

const workerDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../worker");
const BATCHES = 80;
const POINTS_PER_BATCH = 7;
const SPANS_PER_BATCH = 50;

let testDb: TestDatabase;
let redis: TestRedis;
let server: IngestServer;
let pool: pg.Pool;
let key = "";
const children = new Set<ChildProcess>();

beforeAll(async () => {
  testDb = await createTestDatabase();
  redis = createTestRedis();
  ({ key } = await createOrganizationWithKey(testDb, "org-fault"));
  // Batches are queued before any worker runs, so the wait limit (which bounds lag in production) is lifted.
  server = await startIngestServer(testDb, redis, { limits: { maxQueueWaitMs: 600_000 } });
  pool = new pg.Pool({ connectionString: testDb.url, max: 2 });
});

afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await server?.close();
  await pool?.end();
  await redis?.cleanup();
  await testDb?.drop();
});

function startWorker(): ChildProcess {
  // The worker must not export its own telemetry here; spawn drops variables set to undefined.
  const withoutOtel = Object.fromEntries(
    Object.keys(process.env)
      .filter((name) => name.startsWith("OTEL_"))
      .map((name) => [name, undefined]),
  );
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: workerDir,
    env: {
      ...process.env,
      ...withoutOtel,
      DATABASE_URL: testDb.url,
      REDIS_URL: redis.url,
      SWITCHYARD_QUEUE_PREFIX: redis.prefix,
      // Required since the worker decrypts alert channels; any key will do here.
      BETTER_AUTH_SECRET: randomBytes(32).toString("hex"),
      LOG_LEVEL: "warn",
    },
    stdio: "ignore",
  });
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

const nanos = (ms: number) => `${BigInt(Math.round(ms)) * 1_000_000n}`;

function metricsBody(batch: number): string {
  const now = Date.now();
  const point = (i: number) => ({
    attributes: [
      { key: "http.route", value: { stringValue: `/r${i}` } },
      { key: "http.response.status_code", value: { intValue: "200" } },
    ],
    startTimeUnixNano: nanos(now - 1_000 - batch),
    timeUnixNano: nanos(now - batch),
    count: "3",
    sum: 0.03,
    bucketCounts: ["0", "3"],
    explicitBounds: [0.001],
  });
  return JSON.stringify({
    resourceMetrics: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: "fault" } }] },
        scopeMetrics: [
          {
            metrics: [
              {
                name: "http.server.request.duration",
                unit: "s",
                histogram: {
                  aggregationTemporality: 1,
                  dataPoints: Array.from({ length: POINTS_PER_BATCH }, (_, i) => point(i)),
                },
              },
            ],
          },
        ],
      },
    ],
  });
}

function tracesBody(batch: number): string {
  const now = Date.now();
  const spans = Array.from({ length: SPANS_PER_BATCH }, (_, i) => ({
    traceId: `${(batch + 1).toString(16).padStart(16, "0")}${i.toString(16).padStart(16, "0")}`,
    spanId: `${(i + 1).toString(16).padStart(16, "0")}`,
    name: "GET /",
    kind: 2,
    startTimeUnixNano: nanos(now - 100),
    endTimeUnixNano: nanos(now - 90),
  }));
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: "fault" } }] },
        scopeSpans: [{ spans }],
      },
    ],
  });
}

async function count(sql: string): Promise<number> {
  const { rows } = await pool.query<{ n: string | null }>(sql);
  return Number(rows[0]?.n ?? 0);
}

describe("worker crash", () => {
  it(
    "keeps counts exact when the worker is killed while batches are queued",
    { timeout: 180_000 },
    async () => {
      const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };
      for (let batch = 0; batch < BATCHES; batch++) {
        for (const [path, body] of [
          ["/v1/metrics", metricsBody(batch)],
          ["/v1/traces", tracesBody(batch)],
        ] as const) {
          const response = await fetch(`${server.url}${path}`, { method: "POST", headers, body });
          expect(response.status).toBe(200);
          await response.arrayBuffer();
        }
      }

      const first = startWorker();
      await waitFor(
        async () => ((await count("SELECT count(*) AS n FROM telemetry_batch")) >= 10 ? true : undefined),
        60_000,
      );
      first.kill("SIGKILL");
      await once(first, "exit");
      const writtenBeforeCrash = await count("SELECT count(*) AS n FROM telemetry_batch");
      expect(writtenBeforeCrash).toBeLessThan(BATCHES * 2);

      startWorker();
      // Jobs the dead worker held come back once their locks expire (BullMQ's stalled-job check).
      await waitFor(
        async () =>
          (await count("SELECT count(*) AS n FROM telemetry_batch")) === BATCHES * 2 ? true : undefined,
        150_000,
      );
      expect(await count("SELECT sum(count) AS n FROM telemetry_rollup WHERE source = 'metrics'")).toBe(
        BATCHES * POINTS_PER_BATCH * 3,
      );
      expect(await count("SELECT count(*) AS n FROM telemetry_span")).toBe(BATCHES * SPANS_PER_BATCH);
      expect(await count("SELECT sum(count) AS n FROM telemetry_rollup WHERE source = 'spans'")).toBe(
        BATCHES * SPANS_PER_BATCH,
      );
    },
  );
});
