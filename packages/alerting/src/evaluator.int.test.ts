import { createHash } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SpanKind, type Heartbeat, type NormalizedSpan } from "@switchyard/contracts";
import type { Prisma } from "@switchyard/db";
import { TelemetryWriter } from "@switchyard/telemetry-store";
import { createTestDatabase, type TestDatabase } from "@switchyard/test-fixtures";
import { evaluateAlertRules } from "./evaluator";

/**
 * The evaluator against real Postgres: telemetry written by the real writer, agents, rollouts and
 * revisions as the other parts store them. `now` is passed in so time can move without waiting.
 */

let testDb: TestDatabase;
let pool: pg.Pool;
let writer: TelemetryWriter;
let enqueued: string[] = [];
const organizationId = "org-eval";
let channelId = "";
let counter = 0;

beforeAll(async () => {
  testDb = await createTestDatabase();
  pool = new pg.Pool({ connectionString: testDb.url, max: 3 });
  writer = new TelemetryWriter(pool);
  await testDb.db.organization.create({ data: { id: organizationId, name: "Eval", slug: "eval" } });
  channelId = (
    await testDb.db.notificationChannel.create({
      data: { organizationId, name: "#ops", kind: "slack", secretCiphertext: "unused", maskedTarget: "x" },
    })
  ).id;
});

afterAll(async () => {
  await pool.end();
  await testDb.drop();
});

beforeEach(async () => {
  enqueued = [];
  await testDb.db.alertRule.deleteMany();
  await testDb.db.alertSilence.deleteMany();
});

const evaluate = (now = new Date()) =>
  evaluateAlertRules({
    lockWaitMs: 200,
    db: testDb.db,
    telemetryPool: pool,
    publicUrl: "http://sy.test",
    enqueueNotification: async (id) => void enqueued.push(id),
    logger: { warn: () => undefined, info: () => undefined },
    now,
  });

const later = (seconds: number) => new Date(Date.now() + seconds * 1000);

function rule(
  data: Partial<Prisma.AlertRuleUncheckedCreateInput> & Pick<Prisma.AlertRuleUncheckedCreateInput, "signal">,
) {
  return testDb.db.alertRule.create({
    data: {
      organizationId,
      name: `rule ${counter++}`,
      threshold: 0.05,
      windowSeconds: 30,
      forSeconds: 0,
      channels: { create: [{ channelId }] },
      ...data,
    },
  });
}

async function requests(service: string, ok: number, failed: number, version = "v1") {
  const span = (status: number): NormalizedSpan => ({
    traceId: createHash("md5").update(`trace-${counter++}`).digest("hex"),
    spanId: "1".repeat(16),
    parentSpanId: null,
    service,
    name: "GET /x",
    kind: SpanKind.SERVER,
    startUs: (Date.now() - 2_000) * 1000,
    durationUs: 20_000,
    status: 0,
    route: "GET /x",
    version,
    httpStatusCode: status,
    attributes: {},
  });
  await writer.write({
    signal: "traces",
    organizationId,
    batchId: createHash("sha256").update(`batch-${counter++}`).digest("hex"),
    receivedAtMs: Date.now(),
    spans: [
      ...Array.from({ length: ok }, () => span(200)),
      ...Array.from({ length: failed }, () => span(500)),
    ],
    rejected: 0,
  });
}

const incidentsOf = (ruleId: string) =>
  testDb.db.incident.findMany({
    where: { ruleId },
    include: { events: { orderBy: { at: "asc" } }, notifications: true },
    orderBy: { subject: "asc" },
  });

describe("evaluateAlertRules", () => {
  it("opens one incident per service for a rule without one, and notifies each transition once", async () => {
    const errors = await rule({ signal: "ERROR_RATE" });
    await requests("checkout", 5, 5);
    await requests("search", 10, 0);

    expect(await evaluate()).toMatchObject({ skipped: false, rules: 1, transitions: 2, notifications: 1 });
    await evaluate(later(10));
    const [incident, ...others] = await incidentsOf(errors.id);
    expect(others).toEqual([]);
    expect(incident).toMatchObject({
      subject: "checkout",
      state: "FIRING",
      value: 0.5,
      openKey: `${errors.id}:checkout`,
    });
    expect(incident!.events.map((e) => e.kind)).toEqual(["pending", "firing"]);
    expect(incident!.notifications.map((n) => [n.kind, n.dedupeKey])).toEqual([
      ["firing", `${incident!.id}:${channelId}:firing`],
    ]);
    expect(enqueued).toEqual([incident!.notifications[0]!.id]);
    const payload = JSON.stringify(incident!.notifications[0]!.payload);
    expect(payload).toContain("http://sy.test/o/eval/services/checkout");
    expect(payload).toContain("50 %");

    // The errors leave the 30 s window: clear, then resolved after the clear-duration, notified once.
    await evaluate(later(40));
    await evaluate(later(50));
    await evaluate(later(60));
    const [resolved] = await incidentsOf(errors.id);
    expect(resolved).toMatchObject({ state: "RESOLVED", openKey: null });
    expect(resolved!.events.map((e) => e.kind)).toEqual(["pending", "firing", "resolved"]);
    expect(resolved!.notifications.map((n) => n.kind).sort()).toEqual(["firing", "resolved"]);
  });

  it("resolves a pending incident that clears before its for-duration without notifying", async () => {
    const slow = await rule({ signal: "ERROR_RATE", service: "pay", forSeconds: 60 });
    await requests("pay", 1, 3);
    await evaluate();
    await evaluate(later(45));
    const [incident] = await incidentsOf(slow.id);
    expect(incident).toMatchObject({ state: "RESOLVED", firingAt: null });
    expect(incident!.events.map((e) => [e.kind, e.message])).toEqual([
      ["pending", expect.stringContaining("fires if it holds for 60 s")],
      ["resolved", expect.stringContaining("Cleared before firing")],
    ]);
    expect(incident!.notifications).toEqual([]);
    expect(enqueued).toEqual([]);
  });

  it("holds notifications back while a silence covers the incident, and records that", async () => {
    const silenced = await rule({ signal: "ERROR_RATE", service: "cart" });
    await testDb.db.alertSilence.create({
      data: { organizationId, service: "cart", reason: "deploying", endsAt: later(3600) },
    });
    await requests("cart", 0, 4);
    await evaluate();
    const [incident] = await incidentsOf(silenced.id);
    expect(incident!.state).toBe("FIRING");
    expect(incident!.events.map((e) => e.kind)).toEqual(["pending", "firing", "silenced"]);
    expect(incident!.notifications).toEqual([]);
  });

  it("evaluates agent silence, healthy targets and canary rollbacks, with the canary in the message", async () => {
    const group = await testDb.db.gatewayGroup.create({ data: { organizationId, name: "edge" } });
    await testDb.db.configRevision.create({
      data: {
        organizationId,
        groupId: group.id,
        number: 1,
        message: "canary",
        authorLabel: "test",
        config: {
          services: { ledger: { split: { stableVersion: "v1", canaryVersion: "v2", canaryPercent: 25 } } },
        },
      },
    });
    const heartbeat: Heartbeat = {
      agentId: "edge-1",
      agentVersion: "0.0.0",
      hostname: "h",
      startedAt: new Date().toISOString(),
      sentAt: new Date().toISOString(),
      revisionInUse: 1,
      configSource: "control_plane",
      lastRejected: null,
      inflightRequests: 0,
      targets: ["a", "b"].map((id) => ({
        serviceId: "ledger",
        targetId: id,
        url: `http://127.0.0.1/${id}`,
        version: "v1",
        weight: 1,
        healthy: id === "a",
        ejected: false,
        ejectedUntil: null,
        breaker: {
          state: "open" as const,
          failures: 5,
          successes: 0,
          lastFailureAt: null,
          lastFailureReason: null,
        },
        inflight: 0,
      })),
      telemetry: { droppedSpans: 0, failedMetricExports: 0 },
    };
    const agent = (name: string, secondsAgo: number) =>
      testDb.db.agent.create({
        data: {
          organizationId,
          groupId: group.id,
          name,
          tokenHash: name,
          tokenPrefix: "sy_agt",
          status: "ONLINE",
          lastSeenAt: new Date(Date.now() - secondsAgo * 1000),
          lastHeartbeat: heartbeat as unknown as Prisma.InputJsonValue,
        },
      });
    await agent("edge-1", 5);
    await agent("edge-2", 120);
    const run = await testDb.db.rolloutRun.create({
      data: {
        organizationId,
        groupId: group.id,
        serviceId: "ledger",
        stableVersion: "v1",
        canaryVersion: "v2",
        plan: {},
        stepStartedAt: new Date(),
        baseline: {},
        startedByLabel: "test",
      },
    });
    await testDb.db.rolloutEvent.create({
      data: {
        organizationId,
        runId: run.id,
        kind: "rolled_back",
        stepIndex: 0,
        percent: 0,
        reason: "errors",
        actorLabel: "rollout",
      },
    });

    const silent = await rule({ signal: "AGENT_SILENT", threshold: 60, windowSeconds: 60 });
    const targets = await rule({ signal: "NO_HEALTHY_TARGET", comparison: "BELOW", threshold: 1 });
    const rollbacks = await rule({
      signal: "CANARY_ROLLED_BACK",
      threshold: 0,
      windowSeconds: 300,
      service: "ledger",
    });
    await evaluate();

    expect((await incidentsOf(silent.id)).map((i) => [i.subject, i.state, Math.round(i.value / 10)])).toEqual(
      [["edge/edge-2", "FIRING", 12]],
    );
    // Both breakers are open, so no target of ledger is usable.
    expect((await incidentsOf(targets.id)).map((i) => [i.subject, i.state, i.value])).toEqual([
      ["ledger", "FIRING", 0],
    ]);
    const [rollback] = await incidentsOf(rollbacks.id);
    expect(rollback).toMatchObject({ subject: "ledger", state: "FIRING", value: 1 });
    expect(rollback!.context).toMatchObject({
      canary: {
        groupName: "edge",
        stableVersion: "v1",
        canaryVersion: "v2",
        percent: 25,
        rollbackUrl: `http://sy.test/o/eval/traffic?group=${group.id}`,
      },
    });
    expect(JSON.stringify(rollback!.notifications[0]!.payload)).toContain(
      "*v2* takes 25 % of traffic, *v1* the rest",
    );
  });

  it("resolves the open incidents of a rule that was disabled, without a message", async () => {
    const errors = await rule({ signal: "ERROR_RATE", service: "refunds" });
    await requests("refunds", 0, 3);
    await evaluate();
    enqueued = [];
    await testDb.db.alertRule.update({ where: { id: errors.id }, data: { enabled: false } });
    await evaluate(later(10));
    const [incident] = await incidentsOf(errors.id);
    expect(incident).toMatchObject({ state: "RESOLVED", openKey: null });
    expect(incident!.events.at(-1)).toMatchObject({
      kind: "resolved",
      message: "Resolved: the rule was disabled",
    });
    expect(incident!.notifications.map((n) => n.kind)).toEqual(["firing"]);
    expect(enqueued).toEqual([]);
  });

  it("skips a run when another evaluation holds the lock for longer than it waits", async () => {
    const client = await pool.connect();
    try {
      await client.query("SELECT pg_advisory_lock(hashtext('switchyard.alerts.evaluate'))");
      expect(await evaluate()).toMatchObject({ skipped: true });
      await client.query("SELECT pg_advisory_unlock(hashtext('switchyard.alerts.evaluate'))");
    } finally {
      client.release();
    }
    expect(await evaluate()).toMatchObject({ skipped: false });
  });
});
