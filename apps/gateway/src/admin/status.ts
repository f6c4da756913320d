import { type TargetStatus } from "@switchyard/contracts";
import { type CompiledConfig } from "../runtime/compiled-config";

export interface TargetDetail extends TargetStatus {
  lastHealthCheck: { ok: boolean; at: string; detail: string } | null;
  latencyEwmaMs: number;
}

/** Targets of the revision in use, with live health, ejection and breaker state. */
export function describeTargets(compiled: CompiledConfig | null, now = Date.now()): TargetDetail[] {
  if (compiled === null) return [];
  const targets: TargetDetail[] = [];
  for (const service of compiled.services.values()) {
    for (const target of service.targets) {
      const state = target.state;
      const check = state.lastHealthCheck;
      targets.push({
        serviceId: service.id,
        targetId: target.id,
        url: state.origin,
        version: target.version,
        weight: target.weight,
        healthy: state.activeHealthy,
        ejected: state.outlier.isEjected(now),
        ejectedUntil: state.outlier.isEjected(now)
          ? new Date(state.outlier.ejectedUntil).toISOString()
          : null,
        breaker: state.breaker.status(),
        inflight: state.inflight,
        lastHealthCheck:
          check === null
            ? null
            : { ok: check.ok, at: new Date(check.at).toISOString(), detail: check.detail },
        latencyEwmaMs: Math.round(state.latencyEwmaMs * 1000) / 1000,
      });
    }
  }
  return targets;
}

export function describeRoutes(compiled: CompiledConfig | null) {
  if (compiled === null) return [];
  return compiled.config.routes.map((route) => ({
    id: route.id,
    priority: route.priority,
    match: route.match,
    service: route.service,
    timeoutMs: route.timeoutMs,
    retryAttempts: route.retry.attempts,
    rateLimit: route.rateLimit ?? null,
    split: compiled.config.services[route.service]?.split ?? null,
  }));
}
