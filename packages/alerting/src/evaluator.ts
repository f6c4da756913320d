import type { Pool } from "pg";
import { Prisma, type AlertRule, type Database, type Incident } from "@switchyard/db";
import { findRunningCanary } from "./canary";
import { formatSignalValue, signalLabels } from "./format";
import type { IncidentContext } from "./incident-context";
import { firingMessage, incidentDashboardUrl, resolvedMessage, type LinkBase } from "./messages";
import { observe, subjectScope, type Observation } from "./signals";
import { silences } from "./silences";
import { step, worse, type OpenIncidentState, type TransitionEvent } from "./state-machine";

export interface EvaluatorDependencies {
  db: Database;
  telemetryPool: Pool;
  publicUrl: string;
  /** Enqueues the delivery job of a notification row (job id = notification id, so twice is harmless). */
  enqueueNotification(notificationId: string): Promise<void>;
  logger: { warn(object: object, message: string): void; info(object: object, message: string): void };
  now?: Date;
  /** How long to wait for an evaluation already running before skipping (default 10 s). */
  lockWaitMs?: number;
}

export interface EvaluationSummary {
  /** Another evaluation still held the lock; this one did nothing. */
  skipped: boolean;
  rules: number;
  transitions: number;
  notifications: number;
  failedRules: number;
}

type RuleWithLinks = AlertRule & { channels: { channelId: string }[]; organization: { slug: string } };

/** Notifications still "queued" this long after they were created lost their job (Redis down): re-enqueue. */
const LOST_JOB_AFTER_MS = 30_000;
const EVALUATOR_LOCK = "switchyard.alerts.evaluate";

/**
 * One evaluation of every enabled rule: observe each rule's subjects, step their incidents through the state
 * machine, store each transition as an IncidentEvent and, for firing and resolved, one Notification per
 * channel (unique dedupe key, so however often this runs each exists once), then enqueue their deliveries.
 * Runs under a Postgres advisory lock so two evaluations never step the same incidents at once.
 */
export async function evaluateAlertRules(deps: EvaluatorDependencies): Promise<EvaluationSummary> {
  const lockClient = await deps.telemetryPool.connect();
  try {
    // Waits for a running evaluation (an early one and a scheduled one may meet), but not forever.
    await lockClient.query("SELECT set_config('lock_timeout', $1, false)", [
      `${deps.lockWaitMs ?? 10_000}ms`,
    ]);
    const locked = await lockClient.query("SELECT pg_advisory_lock(hashtext($1))", [EVALUATOR_LOCK]).then(
      () => true,
      (error: { code?: string }) => {
        if (error.code === "55P03") return false;
        throw error;
      },
    );
    await lockClient.query("RESET lock_timeout");
    if (!locked) return { skipped: true, rules: 0, transitions: 0, notifications: 0, failedRules: 0 };
    try {
      return await evaluateLocked(deps, deps.now ?? new Date());
    } finally {
      await lockClient.query("SELECT pg_advisory_unlock(hashtext($1))", [EVALUATOR_LOCK]);
    }
  } finally {
    lockClient.release();
  }
}

async function evaluateLocked(deps: EvaluatorDependencies, now: Date): Promise<EvaluationSummary> {
  const summary: EvaluationSummary = {
    skipped: false,
    rules: 0,
    transitions: 0,
    notifications: 0,
    failedRules: 0,
  };
  const rules = await deps.db.alertRule.findMany({
    where: { enabled: true },
    include: { channels: { select: { channelId: true } }, organization: { select: { slug: true } } },
    orderBy: { createdAt: "asc" },
  });
  const toEnqueue: string[] = [];
  for (const rule of rules) {
    summary.rules++;
    try {
      const result = await evaluateRule(deps, rule, now);
      summary.transitions += result.transitions;
      toEnqueue.push(...result.notificationIds);
    } catch (error) {
      // One rule's failure (a bad stored value, a lost connection) must not stop the others.
      summary.failedRules++;
      deps.logger.warn({ err: error, ruleId: rule.id }, "alert rule evaluation failed");
    }
  }
  summary.transitions += await closeIncidentsOfDisabledRules(deps.db, now);
  const lost = await deps.db.notification.findMany({
    where: {
      state: "queued",
      kind: { not: "test" },
      createdAt: {
        lt: new Date(now.getTime() - LOST_JOB_AFTER_MS),
        gt: new Date(now.getTime() - 86_400_000),
      },
    },
    select: { id: true },
    take: 100,
  });
  const ids = [...new Set([...toEnqueue, ...lost.map((n) => n.id)])];
  for (const id of ids) {
    try {
      await deps.enqueueNotification(id);
    } catch (error) {
      // The row stays queued; the next evaluation enqueues it again.
      deps.logger.warn(
        { err: error, notificationId: id },
        "could not enqueue a notification; retrying next evaluation",
      );
    }
  }
  summary.notifications = toEnqueue.length;
  return summary;
}

/**
 * A rule switched off is no longer evaluated, so its open incidents would stay open forever: they are
 * resolved, without a message (nobody asked to hear about this rule any more), with the reason on the
 * timeline.
 */
async function closeIncidentsOfDisabledRules(db: Database, now: Date): Promise<number> {
  return db.$transaction(async (tx) => {
    const closed = await tx.incident.updateManyAndReturn({
      where: { openKey: { not: null }, rule: { enabled: false } },
      data: { state: "RESOLVED", openKey: null, resolvedAt: now, clearSince: null },
      select: { id: true, organizationId: true },
    });
    await tx.incidentEvent.createMany({
      data: closed.map((incident) => ({
        organizationId: incident.organizationId,
        incidentId: incident.id,
        kind: "resolved",
        message: "Resolved: the rule was disabled",
        at: now,
      })),
    });
    return closed.length;
  });
}

async function evaluateRule(deps: EvaluatorDependencies, rule: RuleWithLinks, now: Date) {
  const observations = await observe(rule, { db: deps.db, telemetryPool: deps.telemetryPool, now });
  const open = await deps.db.incident.findMany({ where: { ruleId: rule.id, openKey: { not: null } } });
  const openBySubject = new Map(open.map((incident) => [incident.subject, incident]));
  const subjects = new Set([...observations.keys(), ...openBySubject.keys()]);
  let transitions = 0;
  const notificationIds: string[] = [];
  for (const subject of subjects) {
    const observation = observations.get(subject) ?? { value: null, ...subjectScope(rule, subject) };
    const result = await applyStep(deps, rule, subject, observation, openBySubject.get(subject) ?? null, now);
    transitions += result.transitions;
    notificationIds.push(...result.notificationIds);
  }
  return { transitions, notificationIds };
}

function openStateOf(incident: Incident | null): OpenIncidentState | null {
  if (!incident || incident.state === "RESOLVED") return null;
  return { state: incident.state, startedAt: incident.startedAt, clearSince: incident.clearSince };
}

function eventMessage(
  rule: AlertRule,
  event: TransitionEvent,
  value: number | null,
  pendingOnly: boolean,
): string {
  const comparison = rule.comparison === "ABOVE" ? ">" : "<";
  const shown = value === null ? "no data" : formatSignalValue(rule.signal, value);
  const against = `${signalLabels[rule.signal]} ${shown} (threshold ${comparison} ${formatSignalValue(rule.signal, rule.threshold)})`;
  switch (event) {
    case "pending":
      return rule.forSeconds > 0 ? `${against}; fires if it holds for ${rule.forSeconds} s` : against;
    case "firing":
      return `Firing: ${against}`;
    case "resolved":
      return pendingOnly ? `Cleared before firing: ${against}` : `Resolved: ${against}`;
  }
}

type Tx = Prisma.TransactionClient;

async function applyStep(
  deps: EvaluatorDependencies,
  rule: RuleWithLinks,
  subject: string,
  observation: Observation,
  incident: Incident | null,
  now: Date,
): Promise<{ transitions: number; notificationIds: string[] }> {
  const result = step(rule, openStateOf(incident), observation.value, now);
  if (!incident && result.events.length === 0) return { transitions: 0, notificationIds: [] };
  const links: LinkBase = { publicUrl: deps.publicUrl, organizationSlug: rule.organization.slug };
  const value = observation.value ?? incident?.value ?? 0;
  const firing = result.events.includes("firing");
  const context = firing ? await firingContext(deps, rule, observation, links) : null;

  try {
    return await deps.db.$transaction(async (tx) => {
      const saved = await saveIncident(tx, rule, subject, incident, result, value, context, now);
      if (!saved) return { transitions: 0, notificationIds: [] };
      for (const event of result.events) {
        await tx.incidentEvent.create({
          data: {
            organizationId: rule.organizationId,
            incidentId: saved.id,
            kind: event,
            value: observation.value,
            message: eventMessage(rule, event, observation.value, result.resolvedWhilePending),
            at: now,
          },
        });
      }
      const notifyKind = firing
        ? "firing"
        : result.events.includes("resolved") && !result.resolvedWhilePending
          ? "resolved"
          : null;
      const notificationIds = notifyKind
        ? await createNotifications(tx, rule, saved, notifyKind, observation, links, now)
        : [];
      return { transitions: result.events.length, notificationIds };
    });
  } catch (error) {
    // Another evaluator opened this rule+subject's incident first (Incident.openKey is unique): its run wins.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      return { transitions: 0, notificationIds: [] };
    }
    throw error;
  }
}

async function firingContext(
  deps: EvaluatorDependencies,
  rule: RuleWithLinks,
  observation: Observation,
  links: LinkBase,
): Promise<IncidentContext> {
  const canary = observation.scope.service
    ? await findRunningCanary(deps.db, {
        organizationId: rule.organizationId,
        ...links,
        service: observation.scope.service,
      })
    : null;
  return { canary, dashboardUrl: incidentDashboardUrl(links, observation) };
}

/**
 * Creates or moves the incident. Updates are compare-and-set on the state read before, so an incident that
 * changed meanwhile (acknowledged is fine: it is not a state) is left to the next evaluation.
 */
async function saveIncident(
  tx: Tx,
  rule: RuleWithLinks,
  subject: string,
  incident: Incident | null,
  result: ReturnType<typeof step>,
  value: number,
  context: IncidentContext | null,
  now: Date,
): Promise<Incident | null> {
  const next = result.next;
  const firingAt = result.events.includes("firing") ? now : (incident?.firingAt ?? null);
  if (!incident) {
    if (!next) return null;
    return tx.incident.create({
      data: {
        organizationId: rule.organizationId,
        ruleId: rule.id,
        subject,
        openKey: `${rule.id}:${subject}`,
        state: next.state,
        severity: rule.severity,
        threshold: rule.threshold,
        value,
        peakValue: value,
        startedAt: now,
        firingAt,
        context: (context ?? {}) as Prisma.InputJsonValue,
      },
    });
  }
  const updated = await tx.incident.updateManyAndReturn({
    where: { id: incident.id, state: incident.state, openKey: { not: null } },
    data: {
      state: next?.state ?? "RESOLVED",
      value,
      peakValue: worse(rule, incident.peakValue, value),
      clearSince: next?.clearSince ?? null,
      firingAt,
      ...(context && { context: context as Prisma.InputJsonValue }),
      ...(!next && { resolvedAt: now, openKey: null }),
    },
  });
  return updated[0] ?? null;
}

async function createNotifications(
  tx: Tx,
  rule: RuleWithLinks,
  incident: Incident,
  kind: "firing" | "resolved",
  observation: Observation,
  links: LinkBase,
  now: Date,
): Promise<string[]> {
  const silence = (
    await tx.alertSilence.findMany({
      where: { organizationId: rule.organizationId, startsAt: { lte: now }, endsAt: { gt: now } },
    })
  ).find((candidate) => silences(candidate, { ruleId: rule.id, ...observation.scope }, now));
  if (silence) {
    await tx.incidentEvent.create({
      data: {
        organizationId: rule.organizationId,
        incidentId: incident.id,
        kind: "silenced",
        message: `The ${kind} notification was held back by a silence until ${silence.endsAt.toISOString()}: ${silence.reason}`,
        at: now,
      },
    });
    return [];
  }
  let channelIds = rule.channels.map((c) => c.channelId);
  if (kind === "resolved") {
    // Only channels that were told it fired hear that it ended (a silenced firing stays silent).
    const told = await tx.notification.findMany({
      where: { incidentId: incident.id, kind: "firing" },
      select: { channelId: true },
    });
    const toldIds = new Set(told.map((n) => n.channelId));
    channelIds = channelIds.filter((id) => toldIds.has(id));
  }
  if (channelIds.length === 0) return [];
  const payload =
    kind === "firing"
      ? firingMessage(rule, incident, observation, links, now)
      : resolvedMessage(rule, { ...incident, resolvedAt: incident.resolvedAt ?? now }, observation, links);
  const created = await tx.notification.createManyAndReturn({
    data: channelIds.map((channelId) => ({
      organizationId: rule.organizationId,
      incidentId: incident.id,
      channelId,
      kind,
      dedupeKey: `${incident.id}:${channelId}:${kind}`,
      payload: payload as unknown as Prisma.InputJsonValue,
    })),
    skipDuplicates: true,
    select: { id: true },
  });
  return created.map((n) => n.id);
}
