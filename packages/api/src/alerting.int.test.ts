import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decryptChannelSecret, deriveChannelKey } from "@switchyard/alerting";
import { startSlackReceiver, type SlackReceiver } from "@switchyard/alerting/testing";
import { createTestDatabase, type TestDatabase } from "@switchyard/test-fixtures";
import { createApiHarness } from "./test-harness";

/**
 * The alerting procedures over a real database, with a real HTTP server standing in for Slack's webhook
 * (it records every request and answers what the test tells it to). Incidents are written the way the
 * evaluator writes them, since the evaluator itself is the worker's and tested there.
 */

type User = Awaited<ReturnType<ReturnType<typeof createApiHarness>["signUp"]>>;
let testDb: TestDatabase;
let harness: ReturnType<typeof createApiHarness>;
let alice: User;
let bob: User;
let vera: User;
let receiver: SlackReceiver;
/** The receiver's origin; each channel posts to a path of its own there. */
let receiverUrl = "";
const ids = { ruleB: "", channelB: "", incidentB: "", silenceB: "" };

async function expectError(promise: Promise<unknown>, code: TRPCError["code"], field?: string) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  expect((error as TRPCError).code).toBe(code);
  if (field) {
    const flattened = (error as TRPCError & { cause: { issues: Array<{ path: PropertyKey[] }> } }).cause;
    expect(flattened.issues.map((issue) => issue.path.join("."))).toContain(field);
  }
}

async function openIncident(organizationSlug: string, ruleId: string, subject: string) {
  const organization = await testDb.db.organization.findUniqueOrThrow({ where: { slug: organizationSlug } });
  const rule = await testDb.db.alertRule.findUniqueOrThrow({ where: { id: ruleId } });
  const startedAt = new Date(Date.now() - 90_000);
  return testDb.db.incident.create({
    data: {
      organizationId: organization.id,
      ruleId,
      subject,
      openKey: `${ruleId}:${subject}`,
      state: "FIRING",
      severity: rule.severity,
      threshold: rule.threshold,
      value: 0.4,
      peakValue: 0.5,
      startedAt,
      firingAt: new Date(startedAt.getTime() + 30_000),
      events: {
        create: [
          {
            organizationId: organization.id,
            kind: "pending",
            value: 0.3,
            message: "Error rate 30% > 5%",
            at: startedAt,
          },
          { organizationId: organization.id, kind: "firing", value: 0.4, message: "Firing for 30 s" },
        ],
      },
    },
  });
}

const errorRateRule = {
  name: "Orders errors",
  service: "orders",
  signal: "ERROR_RATE" as const,
  threshold: 0.05,
  windowSeconds: 30,
  forSeconds: 0,
  severity: "CRITICAL" as const,
};

beforeAll(async () => {
  receiver = await startSlackReceiver();
  receiverUrl = new URL(receiver.url).origin;

  testDb = await createTestDatabase();
  harness = createApiHarness(testDb.db);
  alice = await harness.signUpOwner("alice@a.example", { name: "Org A", slug: "org-a" });
  bob = await harness.signUpOwner("bob@b.example", { name: "Org B", slug: "org-b" });

  const inA = await alice.caller("org-a");
  const { id: invitationId } = await inA.member.invite({ email: "vera@a.example", role: "viewer" });
  vera = await harness.signUp("vera@a.example");
  await (await vera.caller()).member.acceptInvitation({ id: invitationId });

  const inB = await bob.caller("org-b");
  const channelB = await inB.notificationChannel.create({
    name: "b-alerts",
    webhookUrl: `${receiverUrl}/services/TB/BB/secret-of-b`,
  });
  const ruleB = await inB.alertRule.create({ ...errorRateRule, channelIds: [channelB.id] });
  const incidentB = await openIncident("org-b", ruleB.id, "orders");
  const silenceB = await inB.incident.silence({ ruleId: ruleB.id, reason: "deploy", durationMinutes: 30 });
  Object.assign(ids, {
    ruleB: ruleB.id,
    channelB: channelB.id,
    incidentB: incidentB.id,
    silenceB: silenceB.id,
  });
});

afterAll(async () => {
  await testDb?.drop();
  await receiver?.close();
});

describe("notification channels", () => {
  it("stores the webhook URL encrypted, shows it masked, and audits without the secret", async () => {
    const inA = await alice.caller("org-a");
    const url = `${receiverUrl}/services/T0AAAA/B0BBBB/abcdefghijkl1234`;
    const created = await inA.notificationChannel.create({ name: "ops", webhookUrl: url });
    expect(created).toMatchObject({ name: "ops", kind: "slack", failing: false, ruleCount: 0 });
    expect(created.maskedTarget).toBe(`${receiverUrl}/services/T0…/…/…1234`);

    const stored = await testDb.db.notificationChannel.findUniqueOrThrow({ where: { id: created.id } });
    expect(stored.secretCiphertext).not.toContain("abcdefghijkl1234");
    expect(decryptChannelSecret(stored.secretCiphertext, deriveChannelKey(harness.secret))).toBe(url);

    const listed = await inA.notificationChannel.list();
    expect(JSON.stringify(listed)).not.toContain("abcdefghijkl1234");
    const audit = await inA.audit.list({ limit: 50 });
    expect(audit.events.map((e) => e.action)).toContain("notification_channel.create");
    expect(JSON.stringify(audit.events)).not.toContain("abcdefghijkl1234");
  });

  it("sends a test message, reports the receiver's answer, and lists it among the channel's deliveries", async () => {
    const inA = await alice.caller("org-a");
    const channel = await inA.notificationChannel.create({
      name: "test-target",
      webhookUrl: `${receiverUrl}/services/T1/B1/test-secret-xyz`,
    });
    const before = receiver.requests.length;
    const result = await inA.notificationChannel.sendTest({ id: channel.id });
    expect(result).toMatchObject({ ok: true, status: 200, body: "ok" });
    const sent = receiver.requests.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.path).toBe("/services/T1/B1/test-secret-xyz");
    expect(sent[0]!.body.blocks.length).toBeGreaterThan(0);

    const { notifications } = await inA.notificationChannel.deliveries({ channelId: channel.id });
    expect(notifications).toEqual([
      expect.objectContaining({ kind: "test", state: "sent", responseStatus: 200, responseBody: "ok" }),
    ]);
    expect(notifications[0]!.payload).toHaveProperty("blocks");
  });

  it("reports a refusal by the receiver as Slack's answer, not as a crash", async () => {
    const inA = await alice.caller("org-a");
    const channel = await inA.notificationChannel.create({
      name: "refused",
      webhookUrl: `${receiverUrl}/services/T2/B2/gone-channel`,
    });
    receiver.script({ status: 404, body: "no_service" });
    const result = await inA.notificationChannel.sendTest({ id: channel.id });
    expect(result).toMatchObject({ ok: false, status: 404, body: "no_service" });
    const { notifications } = await inA.notificationChannel.deliveries({ channelId: channel.id });
    expect(notifications[0]).toMatchObject({ kind: "test", responseStatus: 404, responseBody: "no_service" });
    expect(await inA.notificationChannel.get({ id: channel.id })).toMatchObject({
      failing: true,
      consecutiveFailures: 1,
    });
  });

  it("marks a channel failing while deliveries fail in a row", async () => {
    const inA = await alice.caller("org-a");
    const channel = await inA.notificationChannel.create({
      name: "flaky",
      webhookUrl: `${receiverUrl}/services/T3/B3/flaky-one`,
    });
    await testDb.db.notificationChannel.update({
      where: { id: channel.id },
      data: { consecutiveFailures: 3, lastError: "Slack answered 500", lastDeliveryOk: false },
    });
    expect(await inA.notificationChannel.get({ id: channel.id })).toMatchObject({
      failing: true,
      consecutiveFailures: 3,
      lastError: "Slack answered 500",
    });
    // A new URL starts a clean record.
    const updated = await inA.notificationChannel.update({
      id: channel.id,
      webhookUrl: `${receiverUrl}/services/T3/B3/fixed-one`,
    });
    expect(updated).toMatchObject({ failing: false, consecutiveFailures: 0, lastError: null });
  });

  it("refuses an invalid webhook URL naming the field, and a duplicate name as a conflict", async () => {
    const inA = await alice.caller("org-a");
    await expectError(
      inA.notificationChannel.create({ name: "bad", webhookUrl: "not a url" }),
      "BAD_REQUEST",
      "webhookUrl",
    );
    await expectError(
      inA.notificationChannel.create({ name: "plain", webhookUrl: "http://hooks.slack.com/services/x" }),
      "BAD_REQUEST",
      "webhookUrl",
    );
    await expectError(
      inA.notificationChannel.create({ name: "ops", webhookUrl: `${receiverUrl}/other` }),
      "CONFLICT",
    );
    expect((await inA.notificationChannel.list()).filter((c) => c.name === "bad")).toEqual([]);
  });
});

describe("alert rules", () => {
  it("creates, updates, disables and deletes a rule with its channels, auditing each change", async () => {
    const inA = await alice.caller("org-a");
    const [ops] = (await inA.notificationChannel.list()).filter((c) => c.name === "ops");
    const rule = await inA.alertRule.create({ ...errorRateRule, channelIds: [ops!.id] });
    expect(rule).toMatchObject({
      name: "Orders errors",
      service: "orders",
      route: null,
      enabled: true,
      comparison: "ABOVE",
      channelIds: [ops!.id],
      openIncidents: 0,
    });
    const updated = await inA.alertRule.update({
      ...errorRateRule,
      id: rule.id,
      threshold: 0.1,
      route: "",
      channelIds: [],
    });
    expect(updated).toMatchObject({ threshold: 0.1, route: null, channelIds: [] });
    await inA.alertRule.setEnabled({ id: rule.id, enabled: false });
    expect((await inA.alertRule.get({ id: rule.id })).enabled).toBe(false);
    await inA.alertRule.delete({ id: rule.id });
    expect(await inA.alertRule.list()).toEqual([]);
    const actions = (await inA.audit.list({ limit: 50 })).events.map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        "alert_rule.create",
        "alert_rule.update",
        "alert_rule.disable",
        "alert_rule.delete",
      ]),
    );
  });

  it("offers the design brief's templates, each of which is a valid rule", async () => {
    const inA = await alice.caller("org-a");
    const { templates } = await inA.alertRule.templates();
    expect(templates.map((t) => t.name)).toEqual(
      expect.arrayContaining(["High error rate", "Slow p99", "No healthy upstream", "Agent silent"]),
    );
    for (const template of templates) {
      const rule = await inA.alertRule.create({ ...template, name: `Template ${template.name}` });
      await inA.alertRule.delete({ id: rule.id });
    }
  });

  it("refuses a threshold out of range and a window shorter than the evaluation period, naming the field", async () => {
    const inA = await alice.caller("org-a");
    await expectError(inA.alertRule.create({ ...errorRateRule, threshold: 5 }), "BAD_REQUEST", "threshold");
    await expectError(
      inA.alertRule.create({ ...errorRateRule, signal: "P99_LATENCY", threshold: 0 }),
      "BAD_REQUEST",
      "threshold",
    );
    await expectError(
      inA.alertRule.create({ ...errorRateRule, windowSeconds: 5 }),
      "BAD_REQUEST",
      "windowSeconds",
    );
    await expectError(inA.alertRule.create({ ...errorRateRule, name: "" }), "BAD_REQUEST", "name");
    expect(await inA.alertRule.list()).toEqual([]);
  });

  it("refuses another organization's channel on a rule and writes nothing", async () => {
    const inA = await alice.caller("org-a");
    await expectError(inA.alertRule.create({ ...errorRateRule, channelIds: [ids.channelB] }), "NOT_FOUND");
    expect(await inA.alertRule.list()).toEqual([]);
  });
});

describe("incidents", () => {
  it("lists open incidents with their rule, shows the timeline, and records one acknowledgement", async () => {
    const inA = await alice.caller("org-a");
    const rule = await inA.alertRule.create({ ...errorRateRule, name: "Orders errors (incidents)" });
    const incident = await openIncident("org-a", rule.id, "orders");

    const open = await inA.incident.list({ state: "open" });
    expect(open).toEqual([
      expect.objectContaining({
        id: incident.id,
        state: "FIRING",
        subject: "orders",
        value: 0.4,
        threshold: 0.05,
        acknowledgedBy: null,
        rule: expect.objectContaining({ name: "Orders errors (incidents)", signal: "ERROR_RATE" }),
      }),
    ]);
    expect(await inA.incident.list({ state: "resolved" })).toEqual([]);

    await expectError((await vera.caller("org-a")).incident.acknowledge({ id: incident.id }), "FORBIDDEN");
    await inA.incident.acknowledge({ id: incident.id });
    await inA.incident.acknowledge({ id: incident.id });
    const detail = await inA.incident.get({ id: incident.id });
    expect(detail.acknowledgedBy).toEqual({ name: "alice", email: "alice@a.example" });
    expect(detail.events.map((e) => e.kind)).toEqual(["pending", "firing", "acknowledged"]);
    expect(detail.notifications).toEqual([]);

    await testDb.db.incident.update({
      where: { id: incident.id },
      data: { state: "RESOLVED", openKey: null, resolvedAt: new Date() },
    });
    expect(await inA.incident.list({ state: "open" })).toEqual([]);
    expect((await inA.incident.list({ state: "resolved" })).map((i) => i.id)).toEqual([incident.id]);
    await expectError(inA.incident.acknowledge({ id: incident.id }), "PRECONDITION_FAILED");
  });

  it("silences a rule or a scope for a while and expires it on request", async () => {
    const inA = await alice.caller("org-a");
    const silence = await inA.incident.silence({
      service: "orders",
      version: "v2",
      reason: "canary under test",
      durationMinutes: 15,
    });
    expect(silence.endsAt.getTime() - silence.startsAt.getTime()).toBe(15 * 60_000);
    expect(await inA.incident.silences()).toEqual([
      expect.objectContaining({
        id: silence.id,
        service: "orders",
        version: "v2",
        route: null,
        active: true,
      }),
    ]);
    await inA.incident.expireSilence({ id: silence.id });
    expect((await inA.incident.silences())[0]).toMatchObject({ id: silence.id, active: false });
    await expectError(
      inA.incident.silence({ reason: "everything", durationMinutes: 10 }),
      "BAD_REQUEST",
      "ruleId",
    );
    await expectError(
      inA.incident.silence({ service: "orders", reason: "too long", durationMinutes: 8 * 24 * 60 }),
      "BAD_REQUEST",
      "durationMinutes",
    );
    const actions = (await inA.audit.list({ limit: 50 })).events.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["alert_silence.create", "alert_silence.expire"]));
  });
});

describe("access", () => {
  it("every alerting procedure that takes an id answers 404 for another organization's ids", async () => {
    const inA = await alice.caller("org-a");
    await expectError(inA.alertRule.get({ id: ids.ruleB }), "NOT_FOUND");
    await expectError(inA.alertRule.update({ ...errorRateRule, id: ids.ruleB }), "NOT_FOUND");
    await expectError(inA.alertRule.setEnabled({ id: ids.ruleB, enabled: false }), "NOT_FOUND");
    await expectError(inA.alertRule.delete({ id: ids.ruleB }), "NOT_FOUND");
    await expectError(inA.notificationChannel.get({ id: ids.channelB }), "NOT_FOUND");
    await expectError(inA.notificationChannel.update({ id: ids.channelB, name: "mine" }), "NOT_FOUND");
    await expectError(inA.notificationChannel.delete({ id: ids.channelB }), "NOT_FOUND");
    await expectError(inA.notificationChannel.sendTest({ id: ids.channelB }), "NOT_FOUND");
    await expectError(inA.notificationChannel.deliveries({ channelId: ids.channelB }), "NOT_FOUND");
    await expectError(inA.incident.get({ id: ids.incidentB }), "NOT_FOUND");
    await expectError(inA.incident.acknowledge({ id: ids.incidentB }), "NOT_FOUND");
    await expectError(
      inA.incident.silence({ ruleId: ids.ruleB, reason: "x-silence", durationMinutes: 5 }),
      "NOT_FOUND",
    );
    await expectError(inA.incident.expireSilence({ id: ids.silenceB }), "NOT_FOUND");
    expect(await inA.incident.list()).not.toContainEqual(expect.objectContaining({ id: ids.incidentB }));
    expect((await inA.incident.silences()).map((s) => s.id)).not.toContain(ids.silenceB);

    // Nothing of B's changed, and no test message went to B's receiver path.
    const inB = await bob.caller("org-b");
    expect(await inB.alertRule.get({ id: ids.ruleB })).toMatchObject({
      enabled: true,
      name: "Orders errors",
    });
    expect(await inB.notificationChannel.get({ id: ids.channelB })).toMatchObject({ name: "b-alerts" });
    expect((await inB.incident.get({ id: ids.incidentB })).acknowledgedAt).toBeNull();
    expect((await inB.incident.silences())[0]).toMatchObject({ id: ids.silenceB, active: true });
    expect(receiver.requests.map((r) => r.path)).not.toContain("/services/TB/BB/secret-of-b");
  });

  it("a non-member naming B's organization gets 404 from every alerting procedure", async () => {
    const outsider = await alice.caller("org-b");
    await expectError(outsider.alertRule.list(), "NOT_FOUND");
    await expectError(outsider.notificationChannel.list(), "NOT_FOUND");
    await expectError(outsider.incident.list(), "NOT_FOUND");
    await expectError(outsider.incident.get({ id: ids.incidentB }), "NOT_FOUND");
  });

  it("a viewer reads everything and gets 403 on every change", async () => {
    const asViewer = await vera.caller("org-a");
    expect(await asViewer.alertRule.list()).toBeInstanceOf(Array);
    expect((await asViewer.notificationChannel.list()).length).toBeGreaterThan(0);
    expect(await asViewer.incident.list()).toBeInstanceOf(Array);
    const [channel] = await asViewer.notificationChannel.list();
    await expectError(asViewer.alertRule.create(errorRateRule), "FORBIDDEN");
    await expectError(
      asViewer.notificationChannel.create({ name: "viewer-channel", webhookUrl: `${receiverUrl}/v` }),
      "FORBIDDEN",
    );
    await expectError(asViewer.notificationChannel.update({ id: channel!.id, name: "renamed" }), "FORBIDDEN");
    await expectError(asViewer.notificationChannel.delete({ id: channel!.id }), "FORBIDDEN");
    await expectError(asViewer.notificationChannel.sendTest({ id: channel!.id }), "FORBIDDEN");
    await expectError(
      asViewer.incident.silence({ service: "orders", reason: "viewer", durationMinutes: 5 }),
      "FORBIDDEN",
    );
    const anyRule = await (
      await alice.caller("org-a")
    ).alertRule.create({ ...errorRateRule, name: "Viewer target" });
    await expectError(asViewer.alertRule.update({ ...errorRateRule, id: anyRule.id }), "FORBIDDEN");
    await expectError(asViewer.alertRule.setEnabled({ id: anyRule.id, enabled: false }), "FORBIDDEN");
    await expectError(asViewer.alertRule.delete({ id: anyRule.id }), "FORBIDDEN");
    const [silence] = await asViewer.incident.silences();
    await expectError(asViewer.incident.expireSilence({ id: silence!.id }), "FORBIDDEN");
  });
});
