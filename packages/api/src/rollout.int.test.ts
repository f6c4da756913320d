import { TRPCError } from "@trpc/server";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LATENCY_BUCKET_COUNT, type RolloutPlan } from "@switchyard/contracts";
import { versionTotalsSince } from "@switchyard/telemetry-store";
import { createTestDatabase, type TestDatabase } from "@switchyard/test-fixtures";
import { checkRollout, sweepRollouts, type RolloutCheck, type RolloutDeps } from "@switchyard/traffic";
import { createApiHarness, type HarnessOwner } from "./test-harness";
import { FieldError } from "./trpc";

let testDb: TestDatabase;
let pool: pg.Pool;
let harness: ReturnType<typeof createApiHarness>;
let owner: HarnessOwner;
let organizationId = "";
let groupId = "";
let route = 0;

const config = {
  routes: [{ id: "orders", match: { pathPrefix: "/api/orders" }, service: "orders" }],
  services: {
    orders: {
      targets: [
        { id: "v1-a", url: "http://127.0.0.1:4301", version: "v1" },
        { id: "v2-a", url: "http://127.0.0.1:4311", version: "v2" },
      ],
      split: { stableVersion: "v1", canaryVersion: "v2", canaryPercent: 0 },
    },
    users: { targets: [{ id: "u-a", url: "http://127.0.0.1:4321" }] },
  },
};
const plan: RolloutPlan = {
  steps: [10, 50, 100],
  stepSeconds: 60,
  minRequests: 10,
  maxErrorRateIncreasePct: 1,
  maxP99Ratio: 1.5,
  p99SlackMs: 50,
};

async function refusal(promise: Promise<unknown>, code: TRPCError["code"]) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  expect((error as TRPCError).code).toBe(code);
  return error as TRPCError;
}

/** Reports requests of one version as a gateway's metrics would, in this minute's rollup. */
async function report(version: string, requests: number, errors: number, bucket = 2) {
  const buckets = (count: number) =>
    Array.from({ length: LATENCY_BUCKET_COUNT }, (_, i) => (i === bucket ? count : 0));
  const name = `orders-${route++}`;
  for (const [statusClass, count, failed] of [
    ["2xx", requests - errors, 0],
    ["5xx", errors, errors],
  ] as const) {
    if (count === 0) continue;
    await pool.query(
      `INSERT INTO telemetry_rollup (organization_id, minute, service, route, version, status_class, source,
         count, errors, duration_sum_ms, buckets)
       VALUES ($1, date_trunc('minute', now()), 'orders', $2, $3, $4, 'metrics', $5, $6, 0, $7)`,
      [organizationId, name, version, statusClass, count, failed, buckets(count)],
    );
  }
}

/** The engine as the worker runs it. */
function deps(): RolloutDeps {
  return {
    db: testDb.db,
    totalsSince: (query) => versionTotalsSince(pool, query),
    publish: async (revision) => {
      harness.published.push(revision);
    },
    scheduleCheck: async (check, delayMs) => {
      harness.scheduledChecks.push({ ...check, delayMs });
    },
  };
}

/** Makes the run's step look `seconds` old, as if that much time had passed since it started. */
async function ageStep(runId: string, seconds: number) {
  await testDb.db.rolloutRun.update({
    where: { id: runId },
    data: { stepStartedAt: new Date(Date.now() - seconds * 1000) },
  });
}

async function runOf(runId: string) {
  return testDb.db.rolloutRun.findUniqueOrThrow({ where: { id: runId } });
}
const lastCheckFor = (runId: string): RolloutCheck => {
  const { delayMs: _delay, ...check } = harness.scheduledChecks.filter((c) => c.runId === runId).at(-1)!;
  return check;
};
const canary = async () => {
  const latest = await testDb.db.configRevision.findFirstOrThrow({
    where: { groupId },
    orderBy: { number: "desc" },
  });
  return {
    number: latest.number,
    percent: (latest.config as typeof config).services.orders.split.canaryPercent,
  };
};

beforeAll(async () => {
  testDb = await createTestDatabase();
  pool = new pg.Pool({ connectionString: testDb.url, max: 2 });
  harness = createApiHarness(testDb.db, { telemetryPool: pool });
  owner = await harness.signUpOwner("rita@rollout.example", { name: "Rollout", slug: "rollout" });
  const inOrg = await owner.caller("rollout");
  groupId = (await inOrg.gatewayGroup.create({ name: "edge" })).id;
  organizationId = owner.organizationId;
  await inOrg.traffic.commit({ groupId, baseNumber: null, config, message: "Routes" });
});

afterAll(async () => {
  await pool?.end();
  await testDb?.drop();
});

describe("rollout plans and controls", () => {
  it("shows the default plan, and refuses bad plans naming the field", async () => {
    const inOrg = await owner.caller("rollout");
    const overview = await inOrg.rollout.overview({ groupId, serviceId: "orders" });
    expect(overview).toMatchObject({ planSaved: false, runs: [] });
    expect(overview.plan).toEqual({
      steps: [5, 25, 50, 100],
      stepSeconds: 300,
      minRequests: 100,
      maxErrorRateIncreasePct: 1,
      maxP99Ratio: 1.5,
      p99SlackMs: 50,
    });
    const bad = async (changes: Partial<RolloutPlan>, field: string) => {
      const error = await refusal(
        inOrg.rollout.start({ groupId, serviceId: "orders", ...plan, ...changes }),
        "BAD_REQUEST",
      );
      expect(error.message).toContain(`"${field}"`);
    };
    await bad({ steps: [10, 10, 100] }, "steps");
    await bad({ steps: [10, 150] }, "steps");
    await bad({ steps: [10, 50] }, "steps");
    await bad({ stepSeconds: 1 }, "stepSeconds");
    await bad({ maxErrorRateIncreasePct: -1 }, "maxErrorRateIncreasePct");
    await bad({ maxP99Ratio: 0.5 }, "maxP99Ratio");
    await bad({ minRequests: 0 }, "minRequests");
    // A service without a split has nothing to roll out.
    const noSplit = await refusal(
      inOrg.rollout.start({ groupId, serviceId: "users", ...plan }),
      "BAD_REQUEST",
    );
    expect((noSplit.cause as FieldError).field).toBe("serviceId");
    expect(await testDb.db.rolloutRun.count()).toBe(0);
    expect((await canary()).number).toBe(1);
  });

  it("starts at the first step as the rollout's own revision and refuses a second start for the service", async () => {
    const inOrg = await owner.caller("rollout");
    const { runId } = await inOrg.rollout.start({ groupId, serviceId: "orders", ...plan });
    expect(await canary()).toEqual({ number: 2, percent: 10 });
    const revision = await testDb.db.configRevision.findFirstOrThrow({ where: { groupId, number: 2 } });
    expect(revision).toMatchObject({
      authorLabel: "rita@rollout.example",
      message: "Rollout of orders: step 1 of 3, canary to 10%",
    });
    expect(harness.published.at(-1)).toMatchObject({ groupId, number: 2 });
    expect(harness.scheduledChecks.at(-1)).toEqual({
      organizationId,
      runId,
      stepIndex: 0,
      seq: 1,
      delayMs: 12_000,
    });

    const again = await refusal(inOrg.rollout.start({ groupId, serviceId: "orders", ...plan }), "CONFLICT");
    expect(again.cause).toBeInstanceOf(FieldError);
    expect((again.cause as FieldError).field).toBe("serviceId");
    expect(again.message).toBe(
      "A rollout of orders is already running. Abort it (or let it finish) before starting another.",
    );

    const overview = await inOrg.rollout.overview({ groupId, serviceId: "orders" });
    expect(overview.planSaved).toBe(true);
    expect(overview.runs[0]).toMatchObject({ id: runId, status: "running", stepIndex: 0, percent: 10 });
    expect(overview.runs[0]!.events.map((e) => [e.kind, e.percent, e.revisionNumber])).toEqual([
      ["started", 10, 2],
    ]);
  });

  it("moving the slider pauses the plan, which then leaves the split alone; resume puts the step back", async () => {
    const inOrg = await owner.caller("rollout");
    const runId = (await inOrg.rollout.overview({ groupId, serviceId: "orders" })).runs[0]!.id;
    const pendingCheck = lastCheckFor(runId);
    await inOrg.traffic.setCanary({ groupId, baseNumber: 2, serviceId: "orders", canaryPercent: 30 });

    const paused = await runOf(runId);
    expect(paused.status).toBe("paused");
    const pause = await testDb.db.rolloutEvent.findFirstOrThrow({ where: { runId, kind: "paused" } });
    expect(pause).toMatchObject({ percent: 30, revisionNumber: 3, actorLabel: "rita@rollout.example" });
    expect(pause.reason).toBe(
      "The split of orders was changed by hand in revision 3 (canary at 30%); the plan is paused and leaves it there until someone resumes it.",
    );
    // The check that was already queued finds the run paused and changes nothing.
    await report("v1", 500, 0);
    await report("v2", 200, 0);
    await ageStep(runId, 120);
    expect(await checkRollout(deps(), pendingCheck)).toEqual({
      outcome: "stale",
      detail: "the run is paused",
    });
    expect(await canary()).toEqual({ number: 3, percent: 30 });
    // Other edits of the group do not touch the paused run, and a paused run cannot be paused again.
    await refusal(inOrg.rollout.pause({ runId }), "CONFLICT");

    await inOrg.rollout.resume({ runId });
    expect(await canary()).toEqual({ number: 4, percent: 10 });
    expect(await runOf(runId)).toMatchObject({ status: "running", stepIndex: 0, checkSeq: 2 });
    expect(lastCheckFor(runId)).toMatchObject({ seq: 2, stepIndex: 0 });
  });

  it("promote moves to the next step now; pause and abort are a person's, abort returns the canary to 0%", async () => {
    const inOrg = await owner.caller("rollout");
    const runId = (await inOrg.rollout.overview({ groupId, serviceId: "orders" })).runs[0]!.id;
    await inOrg.rollout.promote({ runId });
    expect(await canary()).toMatchObject({ percent: 50 });
    await inOrg.rollout.pause({ runId });
    await inOrg.rollout.abort({ runId });
    expect(await canary()).toMatchObject({ percent: 0 });
    const overview = await inOrg.rollout.overview({ groupId, serviceId: "orders" });
    expect(overview.runs[0]).toMatchObject({ status: "aborted", percent: 0, endedAt: expect.any(Date) });
    expect(overview.runs[0]!.events.map((e) => [e.kind, e.percent])).toEqual([
      ["started", 10],
      ["paused", 30],
      ["resumed", 10],
      ["promoted", 50],
      ["paused", 50],
      ["aborted", 0],
    ]);
    await refusal(inOrg.rollout.resume({ runId }), "CONFLICT");
    const audit = await inOrg.audit.list({ limit: 50 });
    expect(audit.events.map((e) => e.action).filter((a) => a.startsWith("rollout."))).toEqual([
      "rollout.abort",
      "rollout.pause",
      "rollout.promote",
      "rollout.resume",
      "rollout.start",
    ]);
  });

  it("a viewer reads the rollout but cannot act on it; another organization sees nothing", async () => {
    const { id } = await (
      await owner.caller("rollout")
    ).member.invite({ email: "vera@rollout.example", role: "viewer" });
    const viewer = await harness.signUp("vera@rollout.example");
    await (await viewer.caller()).member.acceptInvitation({ id });
    const asViewer = await viewer.caller("rollout");
    const overview = await asViewer.rollout.overview({ groupId, serviceId: "orders" });
    const runId = overview.runs[0]!.id;
    await refusal(asViewer.rollout.start({ groupId, serviceId: "orders", ...plan }), "FORBIDDEN");
    await refusal(asViewer.rollout.savePlan({ groupId, serviceId: "orders", ...plan }), "FORBIDDEN");
    await refusal(asViewer.rollout.abort({ runId }), "FORBIDDEN");

    const stranger = await harness.signUpOwner("sid@elsewhere.example", {
      name: "Elsewhere",
      slug: "elsewhere",
    });
    const inOther = await stranger.inOrganization();
    await refusal(inOther.rollout.overview({ groupId, serviceId: "orders" }), "NOT_FOUND");
    await refusal(inOther.rollout.abort({ runId }), "NOT_FOUND");
    await refusal(inOther.rollout.start({ groupId, serviceId: "orders", ...plan }), "NOT_FOUND");
  });
});

describe("rollout checks", () => {
  it("decide on the step's window only, wait for requests, and never advance twice for one check", async () => {
    const inOrg = await owner.caller("rollout");
    await report("v2", 1000, 900); // before the run: not part of any step
    const { runId } = await inOrg.rollout.start({ groupId, serviceId: "orders", ...plan });
    const revisionsBefore = (await canary()).number;

    // Step time not up, nothing measured: hold.
    await ageStep(runId, 10);
    expect(await checkRollout(deps(), lastCheckFor(runId))).toMatchObject({
      outcome: "hold",
    });
    // Step time up, too few canary requests: wait, recorded once on the timeline.
    await report("v1", 400, 0);
    await report("v2", 5, 0);
    await ageStep(runId, 61);
    expect(await checkRollout(deps(), lastCheckFor(runId))).toMatchObject({
      outcome: "wait",
      reason: "Waiting for enough requests to decide on (10 per side): canary 5, stable 400.",
    });
    expect(await checkRollout(deps(), lastCheckFor(runId))).toMatchObject({
      outcome: "wait",
    });
    expect(await testDb.db.rolloutEvent.count({ where: { runId, kind: "waiting" } })).toBe(1);

    // Enough now: the same check delivered twice at once (a retry racing the original) advances once.
    await report("v2", 20, 0);
    const check = lastCheckFor(runId);
    await ageStep(runId, 80);
    const outcomes = await Promise.all([checkRollout(deps(), check), checkRollout(deps(), check)]);
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(["advance", "stale"]);
    expect(await runOf(runId)).toMatchObject({ stepIndex: 1, status: "running" });
    expect(await canary()).toEqual({ number: revisionsBefore + 1, percent: 50 });
    const advanced = await testDb.db.rolloutEvent.findFirstOrThrow({ where: { runId, kind: "advanced" } });
    expect(advanced.numbers).toEqual({
      canary: { version: "v2", requests: 25, errors: 0, errorRate: 0, p99Ms: 4.97 },
      stable: { version: "v1", requests: 400, errors: 0, errorRate: 0, p99Ms: 4.97 },
      elapsedSeconds: expect.closeTo(80, -1),
    });
    // Run again later (a retry after the worker died): nothing more happens.
    expect(await checkRollout(deps(), check)).toMatchObject({ outcome: "stale" });
    expect((await canary()).number).toBe(revisionsBefore + 1);
  });

  it("roll back to 0% on a breach with the reason and numbers, as kind rolled_back", async () => {
    const run = (await testDb.db.rolloutRun.findFirstOrThrow({ where: { status: "running" } }))!;
    // The new step's window starts from its own baseline: the earlier requests do not count again.
    await report("v1", 300, 3);
    await report("v2", 40, 12, 9);
    const outcome = await checkRollout(deps(), lastCheckFor(run.id));
    expect(outcome).toMatchObject({
      outcome: "rollback",
      reason:
        "Canary error rate 30.0% (12 of 40) is 29.0 points above stable's 1.0% (3 of 300); the plan allows 1 point.",
    });
    expect(await canary()).toMatchObject({ percent: 0 });
    const rolledBack = await testDb.db.rolloutEvent.findFirstOrThrow({
      where: { runId: run.id, kind: "rolled_back" },
    });
    expect(rolledBack).toMatchObject({ percent: 0, stepIndex: 1, actorLabel: "rollout of orders" });
    expect(rolledBack.numbers).toMatchObject({
      canary: { requests: 40, errors: 12 },
      stable: { requests: 300 },
    });
    expect(await runOf(run.id)).toMatchObject({ status: "rolled_back", activeKey: null });
  });

  it("a check ahead of its run is retried; the sweep re-enqueues a check that is long overdue", async () => {
    const inOrg = await owner.caller("rollout");
    const { runId } = await inOrg.rollout.start({ groupId, serviceId: "orders", ...plan });
    const check = lastCheckFor(runId);
    await expect(checkRollout(deps(), { ...check, seq: check.seq + 1 })).rejects.toThrow(
      /is ahead of the run/,
    );

    const before = harness.scheduledChecks.length;
    expect(await sweepRollouts(deps(), 30_000)).toEqual({ requeued: 0 });
    await testDb.db.rolloutRun.update({
      where: { id: runId },
      data: { nextCheckAt: new Date(Date.now() - 31_000) },
    });
    expect(await sweepRollouts(deps(), 30_000)).toEqual({ requeued: 1 });
    expect(harness.scheduledChecks.slice(before)).toEqual([
      { organizationId, runId, stepIndex: 0, seq: check.seq, delayMs: 0 },
    ]);
    await inOrg.rollout.abort({ runId });
  });
});
