import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { Queue } from "bullmq";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AgentStatus, type Database } from "@switchyard/db";
import { createLogger } from "@switchyard/observability";
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from "@switchyard/test-fixtures";
import type { WorkerRuntime } from "./runtime";
import { createTestJobProducer, startTestWorker } from "./testing/worker";

const workerDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

let testDb: TestDatabase;
let redis: TestRedis;
let inspector: Queue;

beforeEach(async () => {
  testDb = await createTestDatabase();
  redis = createTestRedis();
  inspector = new Queue("agents", { connection: { url: redis.url }, prefix: redis.prefix });
});

afterEach(async () => {
  await inspector.close();
  await redis.cleanup();
  await testDb.drop();
});

async function seedOrganization(db: Database) {
  const organization = await db.organization.create({ data: { id: "org_1", name: "Acme", slug: "acme" } });
  const group = await db.gatewayGroup.create({ data: { organizationId: organization.id, name: "edge" } });
  const agent = (name: string, status: AgentStatus, silentForMs: number | null) =>
    db.agent.create({
      data: {
        organizationId: organization.id,
        groupId: group.id,
        name,
        tokenHash: `hash-${name}`,
        tokenPrefix: name.slice(0, 6),
        status,
        lastSeenAt: silentForMs === null ? null : new Date(Date.now() - silentForMs),
      },
    });
  return { organization, group, agent };
}

/** Polls a job until it completes or fails; bounded so a stuck worker fails the test instead of hanging. */
async function waitForJob(id: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    // State first, then the job: a job read before its state changed would carry stale attempt counts.
    const state = await inspector.getJobState(id);
    const job = await inspector.getJob(id);
    if (job && (state === "completed" || state === "failed")) return { job, state };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`job ${id} did not finish within ${timeoutMs} ms`);
}

describe("worker runtime (in-process)", () => {
  let runtime: WorkerRuntime;
  let warnings: Array<Record<string, unknown>>;

  beforeEach(async () => {
    warnings = [];
    runtime = await startTestWorker(testDb, redis, {
      logger: createLogger({
        service: "worker-test",
        level: "warn",
        destination: { write: (line: string) => void warnings.push(JSON.parse(line)) },
      }),
    });
  });

  afterEach(async () => {
    await runtime.close();
    await runtime.close();
  });

  it("marks an agent silent for 61 s offline with one audit event and leaves recent ones alone", async () => {
    const { agent } = await seedOrganization(testDb.db);
    const silent = await agent("edge-1", AgentStatus.ONLINE, 61_000);
    const recent = await agent("edge-2", AgentStatus.ONLINE, 5_000);
    const alreadyOffline = await agent("edge-3", AgentStatus.OFFLINE, 3_600_000);
    const neverConnected = await agent("edge-4", AgentStatus.NEVER_CONNECTED, null);

    const producer = createTestJobProducer(redis);
    try {
      const { state } = await waitForJob(await producer.enqueue("agents.mark-offline", {}));
      expect(state).toBe("completed");
    } finally {
      await producer.close();
    }

    const statuses = Object.fromEntries(
      (await testDb.db.agent.findMany({ select: { name: true, status: true } })).map((a) => [
        a.name,
        a.status,
      ]),
    );
    expect(statuses).toEqual({
      "edge-1": "OFFLINE",
      "edge-2": "ONLINE",
      "edge-3": "OFFLINE",
      "edge-4": "NEVER_CONNECTED",
    });

    // The scheduler's own first run may have done the work; either way there is exactly one event.
    const events = await testDb.db.auditEvent.findMany();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      organizationId: silent.organizationId,
      action: "agent.offline",
      actorUserId: null,
      actorLabel: "system",
      targetType: "agent",
      targetId: silent.id,
      targetLabel: "edge-1",
    });
    expect([recent.id, alreadyOffline.id, neverConnected.id]).not.toContain(events[0]!.targetId);
  });

  it("keeps the sweep scheduled every 15 s through a job scheduler", async () => {
    const scheduler = await inspector.getJobScheduler("agents.mark-offline");
    expect(scheduler).toMatchObject({ name: "agents.mark-offline", every: 15_000 });
  });

  it("fails a job whose payload does not parse permanently, naming the field", async () => {
    const job = await inspector.add("agents.mark-offline", { silentAfterMs: "soon" }, { attempts: 3 });
    const { job: finished, state } = await waitForJob(job.id!);
    expect(state).toBe("failed");
    expect(finished.attemptsMade).toBe(1);
    expect(finished.failedReason).toMatch(/^invalid payload for job "agents\.mark-offline": silentAfterMs: /);
  });

  it("counts a telemetry batch the database refuses as dropped at once, logged with the reason", async () => {
    const telemetry = new Queue("telemetry", { connection: { url: redis.url }, prefix: redis.prefix });
    const batchId = "e".repeat(64);
    const startUs = (Date.now() - 60_000) * 1000;
    await telemetry.add(
      "telemetry.ingest",
      {
        signal: "traces",
        organizationId: "org_1",
        batchId,
        receivedAtMs: Date.now(),
        rejected: 0,
        spans: [
          {
            traceId: "1".repeat(32),
            spanId: "2".repeat(16),
            parentSpanId: null,
            service: "api",
            name: "GET /",
            kind: 2,
            startUs,
            durationUs: 1_000,
            status: 0,
            route: "/",
            version: null,
            // Valid for the contract, too large for the int4 column.
            httpStatusCode: 2 ** 40,
            attributes: {},
          },
        ],
      },
      { jobId: batchId, attempts: 5 },
    );
    const deadline = Date.now() + 20_000;
    while ((await telemetry.getJobState(batchId)) !== "completed" && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    const job = (await telemetry.getJob(batchId))!;
    await telemetry.close();
    expect(job.attemptsMade).toBe(1);
    expect(job.returnvalue).toMatchObject({ spans: 0, dropped: { items: 1 } });
    const pool = new pg.Pool({ connectionString: testDb.url, max: 1 });
    const { rows } = await pool.query("SELECT items_dropped, drop_reason FROM telemetry_batch");
    await pool.end();
    expect(rows).toEqual([{ items_dropped: 1, drop_reason: expect.stringMatching(/^22003 /) }]);
    expect(warnings).toContainEqual(
      expect.objectContaining({ batchId, items: 1, reason: rows[0].drop_reason, level: "warn" }),
    );
  });

  it("fails a job with no registered handler permanently", async () => {
    const job = await inspector.add("agents.unknown", {}, { attempts: 3 });
    const { job: finished, state } = await waitForJob(job.id!);
    expect(state).toBe("failed");
    expect(finished.attemptsMade).toBe(1);
    expect(finished.failedReason).toBe('unknown job "agents.unknown": no handler is registered');
  });
});

describe("worker process", () => {
  let child: ChildProcess | undefined;

  afterEach(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    child = undefined;
  });

  function startWorkerProcess(env: Record<string, string | undefined>) {
    const lines: Record<string, unknown>[] = [];
    const waiters: { match: (line: Record<string, unknown>) => boolean; resolve: () => void }[] = [];
    const processEnv = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith("OTEL_")),
    );
    const started = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: workerDir,
      env: { ...processEnv, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    started.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    createInterface({ input: started.stdout! }).on("line", (text) => {
      const line = JSON.parse(text) as Record<string, unknown>;
      lines.push(line);
      for (const waiter of waiters.filter((w) => w.match(line))) waiter.resolve();
    });
    const exited = once(started, "exit").then(([code]) => code as number | null);
    child = started;
    return {
      lines,
      exited,
      stderr: () => stderr,
      waitForLine(message: string, timeoutMs = 30_000) {
        if (lines.some((l) => l.msg === message)) return Promise.resolve();
        return new Promise<void>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`no "${message}" line within ${timeoutMs} ms`)),
            timeoutMs,
          );
          waiters.push({ match: (l) => l.msg === message, resolve: () => (clearTimeout(timer), resolve()) });
        });
      },
    };
  }

  it("on SIGTERM lets the running job finish, then exits 0", async () => {
    const { agent } = await seedOrganization(testDb.db);
    const silent = await agent("edge-1", AgentStatus.ONLINE, 61_000);

    // Hold the agent's row lock so the sweep blocks mid-transaction: a job that is verifiably running.
    const locker = new pg.Client({ connectionString: testDb.url });
    await locker.connect();
    try {
      await locker.query("BEGIN");
      await locker.query(`SELECT id FROM "Agent" WHERE id = $1 FOR UPDATE`, [silent.id]);

      const worker = startWorkerProcess({
        DATABASE_URL: testDb.url,
        REDIS_URL: redis.url,
        SWITCHYARD_QUEUE_PREFIX: redis.prefix,
        BETTER_AUTH_SECRET: randomBytes(32).toString("hex"),
        LOG_LEVEL: "info",
      });
      await worker.waitForLine("worker started");
      await waitForLockWaiter(testDb.url);

      child!.kill("SIGTERM");
      await worker.waitForLine("shutting down: waiting for running jobs");
      expect(child!.exitCode).toBeNull();

      await locker.query("COMMIT");
      expect(await worker.exited).toBe(0);
      expect(worker.lines.map((l) => l.msg)).toContain("worker stopped");
    } finally {
      await locker.end();
    }

    expect((await testDb.db.agent.findUniqueOrThrow({ where: { id: silent.id } })).status).toBe("OFFLINE");
    expect(
      await testDb.db.auditEvent.count({ where: { action: "agent.offline", targetId: silent.id } }),
    ).toBe(1);
  });

  it("exits 78 naming the missing variable when the environment is incomplete", async () => {
    const worker = startWorkerProcess({
      DATABASE_URL: "",
      REDIS_URL: redis.url,
      SWITCHYARD_QUEUE_PREFIX: "a:b",
    });
    expect(await worker.exited).toBe(78);
    expect(worker.stderr()).toContain("DATABASE_URL: required — a PostgreSQL URL");
    expect(worker.stderr()).toContain("SWITCHYARD_QUEUE_PREFIX: may hold only letters, digits, - and _");
  });
});

/**
 * Waits until a session in the database is blocked on a lock (the worker's UPDATE). Runs outside any
 * transaction: inside one, pg_stat_activity keeps returning its first snapshot.
 */
async function waitForLockWaiter(databaseUrl: string, timeoutMs = 20_000): Promise<void> {
  const observer = new pg.Client({ connectionString: databaseUrl });
  await observer.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const { rowCount } = await observer.query(
        `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      if (rowCount) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no session waited on a lock within ${timeoutMs} ms`);
  } finally {
    await observer.end();
  }
}
