import type { Pool } from "pg";
import { heartbeatSchema, type AlertSignal } from "@switchyard/contracts";
import type { Database } from "@switchyard/db";
import { percentileFromBuckets, windowTotals, type WindowTotals } from "@switchyard/telemetry-store";
import type { Scope } from "./silences";

/** One subject's value for a rule at one evaluation: a service's error rate, an agent's silence, … */
export interface Observation {
  value: number | null;
  /** The traffic it is about, for silences and messages. */
  scope: Scope;
  /** Set for agent signals. */
  agent: string | null;
}

export interface RuleForSignals {
  organizationId: string;
  signal: AlertSignal;
  service: string | null;
  route: string | null;
  version: string | null;
  windowSeconds: number;
}

export interface SignalSources {
  db: Database;
  telemetryPool: Pool;
  now: Date;
}

function requestValue(
  signal: AlertSignal,
  totals: WindowTotals | undefined,
  windowSeconds: number,
): number | null {
  const count = totals?.count ?? 0;
  switch (signal) {
    case "REQUEST_RATE":
      return count / windowSeconds;
    case "ERROR_RATE":
      return count === 0 ? null : totals!.errors / count;
    case "P95_LATENCY":
      return totals ? percentileFromBuckets(totals.buckets, 0.95) : null;
    case "P99_LATENCY":
      return totals ? percentileFromBuckets(totals.buckets, 0.99) : null;
    default:
      throw new Error(`${signal} is not a request signal`);
  }
}

/** Error rate, latency and request rate per service over the rule's window, from the freshest rollups. */
async function observeRequests(
  rule: RuleForSignals,
  sources: SignalSources,
): Promise<Map<string, Observation>> {
  const totals = await windowTotals(sources.telemetryPool, {
    organizationId: rule.organizationId,
    end: sources.now,
    windowMs: rule.windowSeconds * 1000,
    service: rule.service,
    route: rule.route,
    version: rule.version,
  });
  // A named service is always a subject, so "request rate below" fires when its traffic stops altogether.
  const services = new Set([...totals.keys(), ...(rule.service ? [rule.service] : [])]);
  const observations = new Map<string, Observation>();
  for (const service of services) {
    observations.set(service, {
      value: requestValue(rule.signal, totals.get(service), rule.windowSeconds),
      scope: { service, route: rule.route, version: rule.version },
      agent: null,
    });
  }
  return observations;
}

async function onlineHeartbeats(rule: RuleForSignals, sources: SignalSources) {
  const agents = await sources.db.agent.findMany({
    where: { organizationId: rule.organizationId, status: "ONLINE", revokedAt: null },
    select: { lastHeartbeat: true },
  });
  return agents.flatMap((agent) => {
    const parsed = heartbeatSchema.safeParse(agent.lastHeartbeat);
    return parsed.success ? [parsed.data] : [];
  });
}

/**
 * Healthy targets per service as the online agents report them: healthy, not ejected, breaker not open.
 * A service counts the worst agent's view, because that agent's share of the traffic fails.
 */
async function observeHealthyTargets(
  rule: RuleForSignals,
  sources: SignalSources,
): Promise<Map<string, Observation>> {
  const worst = new Map<string, number>();
  for (const heartbeat of await onlineHeartbeats(rule, sources)) {
    const perService = new Map<string, number>();
    for (const target of heartbeat.targets) {
      if (rule.service && target.serviceId !== rule.service) continue;
      if (rule.version && target.version !== rule.version) continue;
      const usable = target.healthy && !target.ejected && target.breaker.state !== "open";
      perService.set(target.serviceId, (perService.get(target.serviceId) ?? 0) + (usable ? 1 : 0));
    }
    for (const [service, healthy] of perService)
      worst.set(service, Math.min(worst.get(service) ?? healthy, healthy));
  }
  const observations = new Map<string, Observation>();
  for (const [service, healthy] of worst) {
    observations.set(service, {
      value: healthy,
      scope: { service, route: null, version: rule.version },
      agent: null,
    });
  }
  return observations;
}

/** Seconds since each connected, unrevoked agent was last heard from. */
async function observeAgentSilence(
  rule: RuleForSignals,
  sources: SignalSources,
): Promise<Map<string, Observation>> {
  const agents = await sources.db.agent.findMany({
    where: { organizationId: rule.organizationId, revokedAt: null, lastSeenAt: { not: null } },
    select: { name: true, lastSeenAt: true, group: { select: { name: true } } },
  });
  const observations = new Map<string, Observation>();
  for (const agent of agents) {
    const label = `${agent.group.name}/${agent.name}`;
    observations.set(label, {
      value: Math.max(0, (sources.now.getTime() - agent.lastSeenAt!.getTime()) / 1000),
      scope: { service: null, route: null, version: null },
      agent: label,
    });
  }
  return observations;
}

/** Automatic canary rollbacks (rollout runs rolled back) per service within the window. */
async function observeRollbacks(
  rule: RuleForSignals,
  sources: SignalSources,
): Promise<Map<string, Observation>> {
  const events = await sources.db.rolloutEvent.findMany({
    where: {
      organizationId: rule.organizationId,
      kind: "rolled_back",
      createdAt: { gte: new Date(sources.now.getTime() - rule.windowSeconds * 1000), lte: sources.now },
      run: {
        ...(rule.service && { serviceId: rule.service }),
        ...(rule.version && { canaryVersion: rule.version }),
      },
    },
    select: { run: { select: { serviceId: true } } },
  });
  const observations = new Map<string, Observation>();
  for (const { run } of events) {
    const previous = observations.get(run.serviceId)?.value ?? 0;
    observations.set(run.serviceId, {
      value: previous + 1,
      scope: { service: run.serviceId, route: null, version: rule.version },
      agent: null,
    });
  }
  return observations;
}

/** The rule's value per subject at `sources.now`. */
export function observe(rule: RuleForSignals, sources: SignalSources): Promise<Map<string, Observation>> {
  switch (rule.signal) {
    case "ERROR_RATE":
    case "P95_LATENCY":
    case "P99_LATENCY":
    case "REQUEST_RATE":
      return observeRequests(rule, sources);
    case "NO_HEALTHY_TARGET":
      return observeHealthyTargets(rule, sources);
    case "AGENT_SILENT":
      return observeAgentSilence(rule, sources);
    case "CANARY_ROLLED_BACK":
      return observeRollbacks(rule, sources);
  }
}

/** What an incident's subject stands for, when the latest evaluation had no value for it. */
export function subjectScope(
  rule: Pick<RuleForSignals, "signal" | "route" | "version">,
  subject: string,
): Omit<Observation, "value"> {
  if (rule.signal === "AGENT_SILENT") {
    return { scope: { service: null, route: null, version: null }, agent: subject };
  }
  return { scope: { service: subject, route: rule.route, version: rule.version }, agent: null };
}
