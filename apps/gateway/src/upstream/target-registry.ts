import { type GatewayConfig } from "@switchyard/contracts";
import { TargetState, type UpstreamOptions } from "./target-state";

export function targetKey(serviceId: string, targetId: string): string {
  return `${serviceId}/${targetId}`;
}

/**
 * Owns every {@link TargetState}. A new revision is prepared first (reusing the states whose service,
 * target id and URL are unchanged), and only after it has been swapped in are the states it no longer
 * names retired: their health checks stop at once, and their pools close after a grace period so that
 * requests still running on the previous revision (including their retries) can finish.
 */
export class TargetRegistry {
  private states = new Map<string, TargetState>();
  private readonly retired = new Map<TargetState, NodeJS.Timeout>();

  constructor(
    private readonly options: UpstreamOptions,
    private readonly retireGraceMs = 60_000,
  ) {}

  prepare(config: GatewayConfig): Map<string, TargetState> {
    const next = new Map<string, TargetState>();
    for (const [serviceId, service] of Object.entries(config.services)) {
      for (const target of service.targets) {
        const key = targetKey(serviceId, target.id);
        const origin = new URL(target.url).origin;
        const existing = this.states.get(key) ?? next.get(key);
        const state =
          existing && existing.origin === origin
            ? existing
            : new TargetState(serviceId, target.id, origin, service, this.options);
        next.set(key, state);
      }
    }
    return next;
  }

  /** Makes `next` (from {@link prepare}) current: applies policies and retires what it dropped. */
  commit(next: Map<string, TargetState>, config: GatewayConfig): void {
    for (const state of next.values()) state.configure(config.services[state.serviceId]!);
    for (const [key, state] of this.states) {
      if (next.get(key) !== state) this.retire(state);
    }
    this.states = next;
  }

  /** Drops states created by a {@link prepare} that was never committed. */
  discard(prepared: Map<string, TargetState>): void {
    for (const [key, state] of prepared) {
      if (this.states.get(key) !== state) void state.destroy();
    }
  }

  all(): TargetState[] {
    return [...this.states.values()];
  }

  /**
   * Closes every pool at shutdown, after the drain. `force` (the drain timed out) destroys them instead,
   * so a request that is still hanging cannot keep the process alive.
   */
  async closeAll(force = false): Promise<void> {
    const end = (state: TargetState) => (force ? state.destroy() : state.close());
    const closing = [...this.states.values()].map(end);
    for (const [state, timer] of this.retired) {
      clearTimeout(timer);
      closing.push(end(state));
    }
    this.retired.clear();
    this.states = new Map();
    await Promise.all(closing);
  }

  private retire(state: TargetState): void {
    void state.stopHealthChecks();
    const timer = setTimeout(() => {
      this.retired.delete(state);
      void state.close();
    }, this.retireGraceMs);
    timer.unref();
    this.retired.set(state, timer);
  }
}
