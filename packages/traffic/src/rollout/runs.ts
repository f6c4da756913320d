import {
  parseGatewayConfig,
  rolloutPlanSchema,
  type RolloutEventKind,
  type RolloutPlan,
  type StepNumbers,
} from "@switchyard/contracts";
import { Prisma, recordAuditEvent, type AuditAction, type Database } from "@switchyard/db";
import { setCanaryPercent } from "../config-edits";
import { commitRevisionInTransaction, latestRevision, lockGroup, type CommittedRevision } from "../revisions";
import { decideStep, nextCheckDelayMs, points, type StepDecision } from "./decision";
import { splitOf } from "./manual-override";
import { stepNumbers, type StepBaseline, type VersionTotals } from "./step-window";

/** The payload of a `rollout.check` job. */
export interface RolloutCheck {
  organizationId: string;
  runId: string;
  stepIndex: number;
  seq: number;
}

export interface PublishableRevision {
  id: string;
  organizationId: string;
  groupId: string;
  number: number;
}

/** What the rollout engine needs from its process (web or worker). */
export interface RolloutDeps {
  db: Database;
  /** Cumulative totals per version of a service from the minute holding `since` (the telemetry store). */
  totalsSince(query: { organizationId: string; service: string; since: Date }): Promise<VersionTotals>;
  /** Hands a committed revision to the publish pipeline. */
  publish(revision: PublishableRevision): Promise<void>;
  /**
   * Enqueues a check as a delayed job whose id comes from the run and `seq` (plus `retryTag` when the sweep
   * re-enqueues a lost one), so enqueueing the same check twice makes one job. Rejects when it could not.
   */
  scheduleCheck(check: RolloutCheck, delayMs: number, options?: { retryTag?: string }): Promise<void>;
}

export interface RolloutActor {
  userId: string | null;
  label: string;
}

export class RolloutError extends Error {
  constructor(
    readonly code: "BAD_REQUEST" | "CONFLICT" | "NOT_FOUND",
    /** The input field the problem is about, for the form. */
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = "RolloutError";
  }
}

type Tx = Prisma.TransactionClient;
type Run = Prisma.RolloutRunGetPayload<object>;
type Json = Record<string, unknown>;

const planOf = (run: Run): RolloutPlan => rolloutPlanSchema.parse(run.plan);
const activeKeyOf = (run: { groupId: string; serviceId: string }) => `${run.groupId}/${run.serviceId}`;
/** A rollout acting on its own: no user, named after itself in revisions, events and the audit log. */
const rolloutActor = (run: { serviceId: string }): RolloutActor => ({
  userId: null,
  label: `rollout of ${run.serviceId}`,
});

async function takeBaseline(
  deps: RolloutDeps,
  run: { organizationId: string; serviceId: string; stableVersion: string; canaryVersion: string },
  now: Date,
): Promise<StepBaseline> {
  const since = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  const all = await deps.totalsSince({ organizationId: run.organizationId, service: run.serviceId, since });
  const totals: VersionTotals = {};
  for (const version of [run.stableVersion, run.canaryVersion])
    if (all[version]) totals[version] = all[version];
  return { since: since.toISOString(), totals };
}

async function lockRun(tx: Tx, organizationId: string, runId: string): Promise<Run> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM "RolloutRun" WHERE id = ${runId} AND "organizationId" = ${organizationId} FOR UPDATE`;
  if (rows.length === 0) throw new RolloutError("NOT_FOUND", "runId", "This rollout was not found.");
  return tx.rolloutRun.findUniqueOrThrow({ where: { id: runId } });
}

async function findRun(db: Database, organizationId: string, runId: string): Promise<Run> {
  const run = await db.rolloutRun.findFirst({ where: { id: runId, organizationId } });
  if (!run) throw new RolloutError("NOT_FOUND", "runId", "This rollout was not found.");
  return run;
}

/**
 * Commits the service's canary percentage as the rollout's revision, on the latest revision under the group
 * lock (so it never conflicts with, and never undoes, other changes). Null when the split already has it.
 */
async function commitCanary(
  tx: Tx,
  run: Run,
  percent: number,
  message: string,
  actor: RolloutActor,
): Promise<CommittedRevision | null> {
  await lockGroup(tx, run.organizationId, run.groupId);
  const latest = await latestRevision(tx, run.groupId);
  const split = splitOf(latest?.config, run.serviceId);
  if (!latest || !split) {
    throw new RolloutError(
      "BAD_REQUEST",
      "serviceId",
      `Service "${run.serviceId}" has no traffic split between two versions any more.`,
    );
  }
  if (split.canaryPercent === percent) return null;
  const config = setCanaryPercent(latest.config as Json, run.serviceId, percent);
  const parsed = parseGatewayConfig(config);
  if (!parsed.ok) {
    throw new RolloutError(
      "BAD_REQUEST",
      "serviceId",
      `The group's configuration is invalid (${parsed.issues.map((i) => `${i.path}: ${i.message}`).join("; ")}).`,
    );
  }
  return commitRevisionInTransaction(tx, {
    organizationId: run.organizationId,
    groupId: run.groupId,
    baseNumber: latest.number,
    config: config as Prisma.InputJsonObject,
    message,
    author: actor,
    rolloutRunId: run.id,
  });
}

interface EventInput {
  kind: RolloutEventKind;
  reason: string;
  numbers?: StepNumbers | null;
  revision?: CommittedRevision | null;
  actor: RolloutActor;
}

async function recordEvent(tx: Tx, run: Run, stepIndex: number, percent: number, event: EventInput) {
  await tx.rolloutEvent.create({
    data: {
      organizationId: run.organizationId,
      runId: run.id,
      kind: event.kind,
      stepIndex,
      percent,
      reason: event.reason,
      numbers: event.numbers ?? Prisma.DbNull,
      revisionNumber: event.revision?.number ?? null,
      actorLabel: event.actor.label,
    },
  });
}

async function audit(tx: Tx, run: Run, action: AuditAction, actor: RolloutActor, metadata: Json) {
  await recordAuditEvent(tx, {
    organizationId: run.organizationId,
    action,
    actor,
    target: { type: "rollout_run", id: run.id, label: `rollout of ${run.serviceId}` },
    metadata: { groupId: run.groupId, serviceId: run.serviceId, ...metadata } as Prisma.InputJsonObject,
  });
}

/**
 * Moves a run onto a step: commits the step's percentage, restarts the step's window and schedules its first
 * check. The check is enqueued before the transaction commits, so a check that cannot be scheduled undoes
 * the step instead of leaving a run nobody checks; a check that fires before the commit is retried (see
 * `checkRollout`). Reaching 100% completes the run.
 */
async function enterStep(
  tx: Tx,
  deps: RolloutDeps,
  run: Run,
  stepIndex: number,
  event: EventInput & { baseline: StepBaseline; now: Date },
): Promise<CommittedRevision | null> {
  const plan = planOf(run);
  const percent = plan.steps[stepIndex]!;
  const final = stepIndex === plan.steps.length - 1;
  const revision = await commitCanary(
    tx,
    run,
    percent,
    `Rollout of ${run.serviceId}: step ${stepIndex + 1} of ${plan.steps.length}, canary to ${percent}%`,
    event.actor,
  );
  const seq = run.checkSeq + 1;
  const delayMs = nextCheckDelayMs(plan, 0);
  await tx.rolloutRun.update({
    where: { id: run.id },
    data: {
      stepIndex,
      stepStartedAt: event.now,
      baseline: event.baseline as unknown as Prisma.InputJsonObject,
      checkSeq: seq,
      lastCheck: Prisma.DbNull,
      status: final ? "completed" : "running",
      activeKey: final ? null : activeKeyOf(run),
      endedAt: final ? event.now : null,
      nextCheckAt: final ? null : new Date(event.now.getTime() + delayMs),
    },
  });
  await recordEvent(tx, run, stepIndex, percent, { ...event, revision });
  if (final) {
    await recordEvent(tx, run, stepIndex, percent, {
      kind: "completed",
      reason: `The canary ${run.canaryVersion} takes all of ${run.serviceId}'s traffic.`,
      actor: event.actor,
    });
  } else {
    await deps.scheduleCheck({ organizationId: run.organizationId, runId: run.id, stepIndex, seq }, delayMs);
  }
  return revision;
}

/** Ends a run with the canary back at 0% (an automatic rollback or a person's abort). */
async function endRun(
  tx: Tx,
  run: Run,
  status: "rolled_back" | "aborted",
  event: EventInput & { now: Date },
): Promise<CommittedRevision | null> {
  const message =
    status === "rolled_back"
      ? `Rollout of ${run.serviceId} rolled back: canary to 0%`
      : `Rollout of ${run.serviceId} aborted: canary to 0%`;
  let revision: CommittedRevision | null = null;
  try {
    revision = await commitCanary(tx, run, 0, message, event.actor);
  } catch (error) {
    // A split removed by hand has no canary to return; the run still ends.
    if (!(error instanceof RolloutError && error.field === "serviceId")) throw error;
  }
  await tx.rolloutRun.update({
    where: { id: run.id },
    data: {
      status,
      activeKey: null,
      endedAt: event.now,
      nextCheckAt: null,
      checkSeq: run.checkSeq + 1,
      ...(event.numbers ? { lastCheck: { numbers: event.numbers } as Prisma.InputJsonObject } : {}),
    },
  });
  await recordEvent(tx, run, run.stepIndex, 0, { ...event, revision });
  return revision;
}

async function publishIfAny(deps: RolloutDeps, run: Run, revision: CommittedRevision | null) {
  if (revision) await deps.publish({ ...revision, organizationId: run.organizationId });
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

export async function savePlan(
  db: Database | Tx,
  input: {
    organizationId: string;
    groupId: string;
    serviceId: string;
    plan: RolloutPlan;
    actor: RolloutActor;
  },
) {
  const plan = input.plan as unknown as Prisma.InputJsonObject;
  return db.rolloutPlan.upsert({
    where: { groupId_serviceId: { groupId: input.groupId, serviceId: input.serviceId } },
    create: {
      organizationId: input.organizationId,
      groupId: input.groupId,
      serviceId: input.serviceId,
      plan,
      updatedByLabel: input.actor.label,
    },
    update: { plan, updatedByLabel: input.actor.label },
  });
}

/**
 * Starts a plan on a service from its first step. Refused (field `serviceId`) when the service has no split
 * or a run of it is running or paused.
 */
export async function startRollout(
  deps: RolloutDeps,
  input: {
    organizationId: string;
    groupId: string;
    serviceId: string;
    plan: RolloutPlan;
    actor: RolloutActor;
  },
): Promise<{ runId: string }> {
  const { db } = deps;
  const latest = await db.configRevision.findFirst({
    where: { groupId: input.groupId, organizationId: input.organizationId },
    orderBy: { number: "desc" },
    select: { config: true },
  });
  const split = splitOf(latest?.config, input.serviceId);
  if (!split) {
    throw new RolloutError(
      "BAD_REQUEST",
      "serviceId",
      `Service "${input.serviceId}" has no traffic split between two versions to roll out.`,
    );
  }
  const versions = { stableVersion: String(split.stableVersion), canaryVersion: String(split.canaryVersion) };
  const now = new Date();
  const baseline = await takeBaseline(deps, { ...input, ...versions }, now);
  const alreadyActive = (status: string) =>
    new RolloutError(
      "CONFLICT",
      "serviceId",
      `A rollout of ${input.serviceId} is already ${status}. Abort it (or let it finish) before starting another.`,
    );
  try {
    const { run, revision } = await db.$transaction(async (tx) => {
      await lockGroup(tx, input.organizationId, input.groupId);
      const active = await tx.rolloutRun.findFirst({
        where: { activeKey: activeKeyOf(input), organizationId: input.organizationId },
        select: { status: true },
      });
      if (active) throw alreadyActive(active.status);
      await savePlan(tx, input);
      const run = await tx.rolloutRun.create({
        data: {
          organizationId: input.organizationId,
          groupId: input.groupId,
          serviceId: input.serviceId,
          ...versions,
          plan: input.plan as unknown as Prisma.InputJsonObject,
          stepStartedAt: now,
          baseline: baseline as unknown as Prisma.InputJsonObject,
          activeKey: activeKeyOf(input),
          startedByLabel: input.actor.label,
        },
      });
      await audit(tx, run, "rollout.start", input.actor, { steps: input.plan.steps });
      const revision = await enterStep(tx, deps, run, 0, {
        kind: "started",
        reason:
          `Started by ${input.actor.label}: ${input.plan.steps.join("% -> ")}%, ${input.plan.stepSeconds} s per step, ` +
          `at least ${input.plan.minRequests} requests per side, error rate at most ` +
          `${points(input.plan.maxErrorRateIncreasePct)} above stable, p99 at most ${input.plan.maxP99Ratio}x stable's.`,
        actor: input.actor,
        baseline,
        now,
      });
      return { run, revision };
    });
    await publishIfAny(deps, run, revision);
    return { runId: run.id };
  } catch (error) {
    if (isUniqueViolation(error)) throw alreadyActive("running");
    throw error;
  }
}

function requireStatus(run: Run, allowed: readonly Run["status"][], action: string) {
  if (!allowed.includes(run.status)) {
    throw new RolloutError(
      "CONFLICT",
      "runId",
      `This rollout is ${run.status.replace("_", " ")}; only a ${allowed.join(" or ")} rollout can be ${action}.`,
    );
  }
}

export async function pauseRollout(
  deps: RolloutDeps,
  input: { organizationId: string; runId: string; actor: RolloutActor },
): Promise<void> {
  await deps.db.$transaction(async (tx) => {
    const run = await lockRun(tx, input.organizationId, input.runId);
    requireStatus(run, ["running"], "paused");
    await tx.rolloutRun.update({ where: { id: run.id }, data: { status: "paused", nextCheckAt: null } });
    const percent = planOf(run).steps[run.stepIndex]!;
    await recordEvent(tx, run, run.stepIndex, percent, {
      kind: "paused",
      reason: `Paused by ${input.actor.label} at step ${run.stepIndex + 1} (${percent}%).`,
      actor: input.actor,
    });
    await audit(tx, run, "rollout.pause", input.actor, { stepIndex: run.stepIndex });
  });
}

/**
 * Resumes a paused run on its step: the canary goes back to the step's percentage (a person asked for that,
 * so it overrides a manual value) and the step's window starts over.
 */
export async function resumeRollout(
  deps: RolloutDeps,
  input: { organizationId: string; runId: string; actor: RolloutActor },
): Promise<void> {
  const before = await findRun(deps.db, input.organizationId, input.runId);
  requireStatus(before, ["paused"], "resumed");
  const now = new Date();
  const baseline = await takeBaseline(deps, before, now);
  const revision = await deps.db.$transaction(async (tx) => {
    await lockGroup(tx, before.organizationId, before.groupId);
    const run = await lockRun(tx, input.organizationId, input.runId);
    requireStatus(run, ["paused"], "resumed");
    const split = splitOf((await latestRevision(tx, run.groupId))?.config, run.serviceId);
    if (split?.stableVersion !== run.stableVersion || split?.canaryVersion !== run.canaryVersion) {
      throw new RolloutError(
        "CONFLICT",
        "runId",
        split
          ? `The split of ${run.serviceId} now compares ${String(split.stableVersion)} with ${String(split.canaryVersion)}; ` +
              `this rollout was for ${run.stableVersion} -> ${run.canaryVersion}. Abort it and start a new one.`
          : `Service "${run.serviceId}" has no traffic split any more. Abort this rollout.`,
      );
    }
    await audit(tx, run, "rollout.resume", input.actor, { stepIndex: run.stepIndex });
    const percent = planOf(run).steps[run.stepIndex]!;
    return enterStep(tx, deps, run, run.stepIndex, {
      kind: "resumed",
      reason: `Resumed by ${input.actor.label} at step ${run.stepIndex + 1}: canary to ${percent}%, the step starts over.`,
      actor: input.actor,
      baseline,
      now,
    });
  });
  await publishIfAny(deps, before, revision);
}

/** Moves a running or paused run to its next step now, without waiting for the step's time or numbers. */
export async function promoteRollout(
  deps: RolloutDeps,
  input: { organizationId: string; runId: string; actor: RolloutActor },
): Promise<void> {
  const before = await findRun(deps.db, input.organizationId, input.runId);
  requireStatus(before, ["running", "paused"], "promoted");
  const now = new Date();
  const baseline = await takeBaseline(deps, before, now);
  const revision = await deps.db.$transaction(async (tx) => {
    await lockGroup(tx, before.organizationId, before.groupId);
    const run = await lockRun(tx, input.organizationId, input.runId);
    requireStatus(run, ["running", "paused"], "promoted");
    const next = run.stepIndex + 1;
    const percent = planOf(run).steps[next]!;
    await audit(tx, run, "rollout.promote", input.actor, { stepIndex: next, percent });
    return enterStep(tx, deps, run, next, {
      kind: "promoted",
      reason: `Promoted by ${input.actor.label} to step ${next + 1} (${percent}%).`,
      numbers: (run.lastCheck as { numbers?: StepNumbers } | null)?.numbers ?? null,
      actor: input.actor,
      baseline,
      now,
    });
  });
  await publishIfAny(deps, before, revision);
}

/** Stops a running or paused run and returns the canary to 0%. */
export async function abortRollout(
  deps: RolloutDeps,
  input: { organizationId: string; runId: string; actor: RolloutActor },
): Promise<void> {
  const before = await findRun(deps.db, input.organizationId, input.runId);
  requireStatus(before, ["running", "paused"], "aborted");
  const revision = await deps.db.$transaction(async (tx) => {
    await lockGroup(tx, before.organizationId, before.groupId);
    const run = await lockRun(tx, input.organizationId, input.runId);
    requireStatus(run, ["running", "paused"], "aborted");
    await audit(tx, run, "rollout.abort", input.actor, { stepIndex: run.stepIndex });
    return endRun(tx, run, "aborted", {
      kind: "aborted",
      reason: `Aborted by ${input.actor.label} at step ${run.stepIndex + 1}: canary back to 0%.`,
      actor: input.actor,
      now: new Date(),
    });
  });
  await publishIfAny(deps, before, revision);
}

export type CheckOutcome =
  | { outcome: "stale"; detail: string }
  | { outcome: StepDecision["action"]; reason: string; numbers: StepNumbers };

/**
 * One check of a running run (the `rollout.check` job). Idempotent: it acts only when the run expects
 * exactly this check (`seq`), and every change it makes moves the run past it in the same transaction, so
 * a retry or a duplicate never advances twice. A check ahead of the run belongs to a transaction still
 * committing and throws, so the queue retries it shortly.
 */
export async function checkRollout(deps: RolloutDeps, check: RolloutCheck): Promise<CheckOutcome> {
  const { db } = deps;
  const run = await db.rolloutRun.findFirst({
    where: { id: check.runId, organizationId: check.organizationId },
  });
  if (!run) return { outcome: "stale", detail: "the run no longer exists" };
  if (check.seq > run.checkSeq) {
    throw new Error(
      `check ${check.seq} is ahead of the run (at ${run.checkSeq}); its step is still committing`,
    );
  }
  if (run.status !== "running") return { outcome: "stale", detail: `the run is ${run.status}` };
  if (check.seq < run.checkSeq) {
    // A retry after this check committed: its revision may not have reached the publish pipeline.
    if (check.seq === run.checkSeq - 1) {
      const latest = await db.configRevision.findFirst({
        where: { groupId: run.groupId },
        orderBy: { number: "desc" },
        select: { id: true, number: true, groupId: true, createdAt: true },
      });
      await publishIfAny(deps, run, latest);
    }
    return { outcome: "stale", detail: `the run expects check ${run.checkSeq}` };
  }

  const plan = planOf(run);
  const now = new Date();
  const baseline = run.baseline as unknown as StepBaseline;
  const elapsedSeconds = (now.getTime() - run.stepStartedAt.getTime()) / 1000;
  const current = await deps.totalsSince({
    organizationId: run.organizationId,
    service: run.serviceId,
    since: new Date(baseline.since),
  });
  const numbers = stepNumbers(
    { stable: run.stableVersion, canary: run.canaryVersion },
    baseline,
    current,
    elapsedSeconds,
  );
  const decision = decideStep(plan, numbers);
  const result = { outcome: decision.action, reason: decision.reason, numbers };
  const actor = rolloutActor(run);
  const stale = { outcome: "stale", detail: "the run changed while it was measured" } as const;

  if (decision.action === "hold" || decision.action === "wait") {
    const delayMs = nextCheckDelayMs(plan, elapsedSeconds);
    const recorded = await db.$transaction(async (tx) => {
      const updated = await tx.rolloutRun.updateMany({
        where: { id: run.id, organizationId: run.organizationId, status: "running", checkSeq: check.seq },
        data: {
          checkSeq: check.seq + 1,
          lastCheck: { at: now.toISOString(), ...result } as unknown as Prisma.InputJsonObject,
          nextCheckAt: new Date(now.getTime() + delayMs),
        },
      });
      if (updated.count === 0) return false;
      const previous = (run.lastCheck as { outcome?: string } | null)?.outcome;
      if (decision.action === "wait" && previous !== "wait") {
        await recordEvent(tx, run, run.stepIndex, plan.steps[run.stepIndex]!, {
          kind: "waiting",
          reason: decision.reason,
          numbers,
          actor,
        });
      }
      await deps.scheduleCheck({ ...check, seq: check.seq + 1 }, delayMs);
      return true;
    });
    return recorded ? result : stale;
  }

  const nextBaseline = decision.action === "advance" ? await takeBaseline(deps, run, now) : null;
  let locked: Run | undefined;
  const revision = await db.$transaction(async (tx) => {
    await lockGroup(tx, run.organizationId, run.groupId);
    const current = (locked = await lockRun(tx, run.organizationId, run.id));
    if (current.status !== "running" || current.checkSeq !== check.seq) return undefined;
    if (decision.action === "rollback") {
      await audit(tx, current, "rollout.rollback", actor, {
        stepIndex: current.stepIndex,
        reason: decision.reason,
      });
      return endRun(tx, current, "rolled_back", {
        kind: "rolled_back",
        reason: decision.reason,
        numbers,
        actor,
        now,
      });
    }
    return enterStep(tx, deps, current, current.stepIndex + 1, {
      kind: "advanced",
      reason: decision.reason,
      numbers,
      actor,
      baseline: nextBaseline!,
      now,
    });
  });
  if (revision === undefined) return stale;
  await publishIfAny(deps, locked!, revision);
  return result;
}

/**
 * Re-enqueues the check of every running run whose check is overdue by more than `overdueMs`: its job was
 * lost (Redis restarted without persistence, or the job failed every attempt). The re-enqueued job has its
 * own id; if the original still runs too, only the first of the two acts.
 */
export async function sweepRollouts(deps: RolloutDeps, overdueMs: number): Promise<{ requeued: number }> {
  const now = new Date();
  const overdue = await deps.db.rolloutRun.findMany({
    where: { status: "running", nextCheckAt: { lt: new Date(now.getTime() - overdueMs) } },
    select: { id: true, organizationId: true, stepIndex: true, checkSeq: true },
    take: 500,
  });
  for (const run of overdue) {
    await deps.scheduleCheck(
      { organizationId: run.organizationId, runId: run.id, stepIndex: run.stepIndex, seq: run.checkSeq },
      0,
      { retryTag: `sweep${Math.floor(now.getTime() / overdueMs)}` },
    );
  }
  return { requeued: overdue.length };
}
