import { createHash } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SpanKind } from "@switchyard/contracts";
import { sendTestMessage, deriveChannelKey } from "@switchyard/alerting";
import { startSlackReceiver, type SlackReceiver } from "@switchyard/alerting/testing";
import type { Notification } from "@switchyard/db";
import { createQueue } from "@switchyard/queue";
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
  waitFor,
} from "@switchyard/test-fixtures";
import type { WorkerRuntime } from "./runtime";
import { createRule, seedAlertingOrganization, testAuthSecret } from "./testing/alerting";
import { createTestJobProducer, startTestWorker, type TestJobProducer } from "./testing/worker";

/**
 * The notifier with real BullMQ workers, Postgres and a local stand-in for Slack's webhook: each test stores
 * a firing notification the way the evaluator does and enqueues its job; the receiver's script decides the
 * answers, and its log is what Slack would have shown.
 */

let testDb: TestDatabase;
let redis: TestRedis;
let runtime: WorkerRuntime;
let receiver: SlackReceiver;
let producer: TestJobProducer;
const authSecret = testAuthSecret();
let seeded: Awaited<ReturnType<typeof seedAlertingOrganization>>;
let incidentId = "";
let ruleId = "";

beforeAll(async () => {
  testDb = await createTestDatabase();
  redis = createTestRedis();
  receiver = await startSlackReceiver();
  seeded = await seedAlertingOrganization(testDb.db, {
    slug: "notify",
    webhookUrl: receiver.url,
    authSecret,
  });
  const rule = await createRule(testDb.db, {
    organizationId: seeded.organization.id,
    name: "High error rate",
    service: "orders",
    signal: "ERROR_RATE",
    threshold: 0.05,
    windowSeconds: 30,
    forSeconds: 0,
    channelIds: [seeded.channel.id],
    // Disabled: the scheduled evaluation must not add notifications of its own here.
    enabled: false,
  });
  ruleId = rule.id;
  runtime = await startTestWorker(testDb, redis, { authSecret, publicUrl: "http://sy.test" });
  producer = createTestJobProducer(redis);
});

afterAll(async () => {
  await runtime?.close();
  await producer?.close();
  await receiver?.close();
  await redis?.cleanup();
  await testDb?.drop();
});

let counter = 0;
beforeEach(async () => {
  receiver.requests.length = 0;
  const incident = await testDb.db.incident.create({
    data: {
      organizationId: seeded.organization.id,
      ruleId,
      subject: `orders-${counter++}`,
      state: "FIRING",
      severity: "CRITICAL",
      threshold: 0.05,
      value: 0.5,
      peakValue: 0.5,
      firingAt: new Date(),
    },
  });
  incidentId = incident.id;
});

async function queueFiring(): Promise<Notification> {
  const notification = await testDb.db.notification.create({
    data: {
      organizationId: seeded.organization.id,
      incidentId,
      channelId: seeded.channel.id,
      kind: "firing",
      dedupeKey: `${incidentId}:${seeded.channel.id}:firing`,
      payload: { text: `firing ${incidentId}`, blocks: [] },
    },
  });
  await producer.enqueue("alerts.notify", { notificationId: notification.id }, { jobId: notification.id });
  return notification;
}

const settled = (id: string) =>
  waitFor(async () => {
    const row = await testDb.db.notification.findUniqueOrThrow({ where: { id } });
    return ["sent", "failed", "unknown"].includes(row.state) ? row : undefined;
  }, 45_000);

const gaps = () => receiver.requests.slice(1).map((r, i) => r.at - receiver.requests[i]!.at);
const channel = () => testDb.db.notificationChannel.findUniqueOrThrow({ where: { id: seeded.channel.id } });

describe("notifier", () => {
  it("retries a 429 after exactly the Retry-After and delivers once", async () => {
    receiver.script({ status: 429, body: "rate_limited", headers: { "retry-after": "2" } });
    const notification = await queueFiring();
    const row = await settled(notification.id);
    expect(row).toMatchObject({ state: "sent", attempts: 2, responseStatus: 200 });
    expect(receiver.requests.map((r) => r.status)).toEqual([429, 200]);
    expect(gaps()[0]).toBeGreaterThanOrEqual(2_000);
    expect(gaps()[0]).toBeLessThan(3_500);
    expect((await channel()).consecutiveFailures).toBe(0);
  });

  it("retries 5xx with exponential backoff and jitter, then delivers once", async () => {
    receiver.script({ status: 500, body: "boom" }, { status: 503 });
    const notification = await queueFiring();
    const row = await settled(notification.id);
    expect(row).toMatchObject({ state: "sent", attempts: 3 });
    expect(receiver.requests.map((r) => r.status)).toEqual([500, 503, 200]);
    // Attempt 1 waits 0.5-1 s, attempt 2 waits 1-2 s (equal jitter), plus scheduling slack.
    const [first, second] = gaps();
    expect(first).toBeGreaterThanOrEqual(500);
    expect(first).toBeLessThan(2_000);
    expect(second).toBeGreaterThanOrEqual(1_000);
    expect(second).toBeLessThan(3_000);
    const events = await testDb.db.incidentEvent.findMany({ where: { incidentId } });
    expect(events.map((e) => e.kind)).toEqual(["notified"]);
  });

  it("never sends a notification twice, however often its job runs", async () => {
    const notification = await queueFiring();
    await producer.enqueue("alerts.notify", { notificationId: notification.id }, { jobId: notification.id });
    await settled(notification.id);
    // A second job under another id for the same row: the row's compare-and-set refuses it.
    await producer.enqueue(
      "alerts.notify",
      { notificationId: notification.id },
      { jobId: `${notification.id}-again` },
    );
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(receiver.requests).toHaveLength(1);
    // And the evaluator's dedupe key refuses a second row for the same transition.
    await expect(
      testDb.db.notification.create({
        data: {
          organizationId: seeded.organization.id,
          incidentId,
          channelId: seeded.channel.id,
          kind: "firing",
          dedupeKey: `${incidentId}:${seeded.channel.id}:firing`,
          payload: {},
        },
      }),
    ).rejects.toThrow(/Unique constraint/);
  });

  it("fails a 4xx for good, marks the channel failing, and a later success clears it", async () => {
    receiver.script({ status: 404, body: "no_service" });
    const failed = await settled((await queueFiring()).id);
    expect(failed).toMatchObject({ state: "failed", attempts: 1, lastError: "HTTP 404: no_service" });
    expect(receiver.requests).toHaveLength(1);
    expect(await channel()).toMatchObject({
      consecutiveFailures: 1,
      lastDeliveryOk: false,
      lastError: "HTTP 404: no_service",
    });
    const events = await testDb.db.incidentEvent.findMany({ where: { incidentId } });
    expect(events.map((e) => e.kind)).toEqual(["notify_failed"]);

    const result = await sendTestMessage(
      { db: testDb.db, channelKey: deriveChannelKey(authSecret), publicUrl: "http://sy.test" },
      { organizationId: seeded.organization.id, channelId: seeded.channel.id },
    );
    expect(result).toMatchObject({ ok: true, status: 200, body: "ok" });
    expect(await channel()).toMatchObject({ consecutiveFailures: 0, lastDeliveryOk: true, lastError: null });
    expect(
      await testDb.db.notification.findUniqueOrThrow({ where: { id: result.notificationId } }),
    ).toMatchObject({
      kind: "test",
      state: "sent",
      incidentId: null,
    });
    expect(JSON.stringify(receiver.requests.at(-1)!.body)).toContain("Switchyard test message");
  });

  it("reports Slack's refusal of a test message as it came", async () => {
    receiver.script({ status: 403, body: "invalid_token" });
    const result = await sendTestMessage(
      { db: testDb.db, channelKey: deriveChannelKey(authSecret), publicUrl: "http://sy.test" },
      { organizationId: seeded.organization.id, channelId: seeded.channel.id },
    );
    expect(result).toMatchObject({ ok: false, status: 403, body: "invalid_token" });
    await expect(
      sendTestMessage(
        { db: testDb.db, channelKey: deriveChannelKey(testAuthSecret()), publicUrl: "http://sy.test" },
        { organizationId: seeded.organization.id, channelId: seeded.channel.id },
      ),
    ).resolves.toMatchObject({
      ok: false,
      status: 0,
      body: expect.stringContaining("different BETTER_AUTH_SECRET"),
    });
  });

  it("asks for an early evaluation when a telemetry batch brings failed requests", async () => {
    const alertsQueue = createQueue("alerts", { connection: producer.connection, prefix: redis.prefix });
    try {
      const slot = Math.floor(Date.now() / 2_000);
      await producer.enqueue("telemetry.ingest", {
        signal: "traces",
        organizationId: seeded.organization.id,
        batchId: createHash("sha256").update(`errors-${slot}`).digest("hex"),
        receivedAtMs: Date.now(),
        rejected: 0,
        spans: [
          {
            traceId: "a".repeat(32),
            spanId: "b".repeat(16),
            parentSpanId: null,
            service: "orders",
            name: "GET /orders",
            kind: SpanKind.SERVER,
            startUs: Date.now() * 1000,
            durationUs: 1_000,
            status: 0,
            route: "GET /orders",
            version: "v1",
            httpStatusCode: 500,
            attributes: {},
          },
        ],
      });
      const early = await waitFor(async () => {
        for (const candidate of [slot, slot + 1, slot + 2]) {
          const job = await alertsQueue.getJob(`alerts-evaluate-on-errors-${candidate}`);
          if (job) return job;
        }
        return undefined;
      }, 20_000);
      expect(early.name).toBe("alerts.evaluate");
    } finally {
      await alertsQueue.close();
    }
  });
});
