import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSlackReceiver, type SlackReceiver } from "@switchyard/alerting/testing";
import type { JobProducer } from "@switchyard/queue";
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
  waitFor,
} from "@switchyard/test-fixtures";
import { createRule, seedAlertingOrganization, testAuthSecret } from "./testing/alerting";
import { createTestJobProducer } from "./testing/worker";

/**
 * A worker process killed while Slack holds its request must not lead to a second message: the job comes
 * back through BullMQ's stalled-job check on another worker, finds the row still "sending", waits out the
 * claim's lease and records the outcome as unknown instead of posting again (see notifier.ts).
 */

const workerDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
let testDb: TestDatabase;
let redis: TestRedis;
let receiver: SlackReceiver;
let producer: JobProducer;
const children: ChildProcess[] = [];
const authSecret = testAuthSecret();

beforeAll(async () => {
  testDb = await createTestDatabase();
  redis = createTestRedis();
  receiver = await startSlackReceiver();
  producer = createTestJobProducer(redis);
});

afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await producer?.close();
  await receiver?.close();
  await redis?.cleanup();
  await testDb?.drop();
});

function startWorkerProcess(): Promise<ChildProcess> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("OTEL_")));
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: workerDir,
    env: {
      ...env,
      DATABASE_URL: testDb.url,
      REDIS_URL: redis.url,
      SWITCHYARD_QUEUE_PREFIX: redis.prefix,
      BETTER_AUTH_SECRET: authSecret,
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes('"worker started"')) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`the worker exited with ${code} before it started`)));
  });
}

describe("a worker killed mid-send", () => {
  it("does not make a second message; the outcome is recorded as unknown", async () => {
    const { organization, channel } = await seedAlertingOrganization(testDb.db, {
      slug: "crash",
      webhookUrl: receiver.url,
      authSecret,
    });
    const rule = await createRule(testDb.db, {
      organizationId: organization.id,
      name: "Errors",
      service: "orders",
      signal: "ERROR_RATE",
      threshold: 0.05,
      windowSeconds: 30,
      forSeconds: 0,
      enabled: false,
      channelIds: [channel.id],
    });
    const incident = await testDb.db.incident.create({
      data: {
        organizationId: organization.id,
        ruleId: rule.id,
        subject: "orders",
        state: "FIRING",
        severity: "WARNING",
        threshold: 0.05,
        value: 0.3,
        peakValue: 0.3,
      },
    });
    const notification = await testDb.db.notification.create({
      data: {
        organizationId: organization.id,
        incidentId: incident.id,
        channelId: channel.id,
        kind: "firing",
        dedupeKey: `${incident.id}:${channel.id}:firing`,
        payload: { text: "firing", blocks: [] },
      },
    });

    const first = await startWorkerProcess();
    receiver.script({ hang: true });
    await producer.enqueue("alerts.notify", { notificationId: notification.id }, { jobId: notification.id });
    await receiver.waitForRequests(1, 30_000);
    first.kill("SIGKILL");
    await once(first, "exit");
    receiver.release();
    expect((await testDb.db.notification.findUniqueOrThrow({ where: { id: notification.id } })).state).toBe(
      "sending",
    );

    // The stalled-job check (every 30 s) hands the job to the next worker.
    await startWorkerProcess();
    const row = await waitFor(async () => {
      const current = await testDb.db.notification.findUniqueOrThrow({ where: { id: notification.id } });
      return current.state === "unknown" ? current : undefined;
    }, 100_000);
    expect(row.lastError).toContain("not sent again");
    expect(receiver.requests).toHaveLength(1);
    const events = await testDb.db.incidentEvent.findMany({ where: { incidentId: incident.id } });
    expect(events.map((event) => [event.kind, event.message])).toEqual([
      ["notify_failed", expect.stringContaining("outcome unknown")],
    ]);
  }, 150_000);
});
