import { type BreakerStateName, type BreakerStatus, type CircuitBreakerPolicy } from "@switchyard/contracts";
import { RollingWindow } from "./rolling-window";

/**
 * Per-target circuit breaker. Closed: counts failures (consecutive, and the ratio over a rolling
 * window). Open: refuses every attempt until `openMs` has passed. Half-open: lets at most
 * `halfOpenProbes` attempts run at once; `successesToClose` successes close it, any failure reopens.
 *
 * Selection and accounting are separate: a balancer asks {@link canAttempt} of several targets, and
 * only the chosen one calls {@link onAttempt}, so scanning never consumes a half-open probe slot.
 */
export class CircuitBreaker {
  private stateName: BreakerStateName = "closed";
  private consecutiveFailures = 0;
  private openedAt = 0;
  private probesInFlight = 0;
  private probeSuccesses = 0;
  private lastFailureAt: number | null = null;
  private lastFailureReason: string | null = null;
  private window: RollingWindow;

  constructor(private policy: CircuitBreakerPolicy) {
    this.window = new RollingWindow(policy.windowMs);
  }

  /** Applies a new revision's policy; the current state is kept. */
  configure(policy: CircuitBreakerPolicy): void {
    if (policy.windowMs !== this.policy.windowMs) this.window = new RollingWindow(policy.windowMs);
    this.policy = policy;
    if (!policy.enabled) this.close();
  }

  get state(): BreakerStateName {
    return this.stateName;
  }

  canAttempt(now: number): boolean {
    switch (this.stateName) {
      case "closed":
        return true;
      case "open":
        return now - this.openedAt >= this.policy.openMs;
      case "half_open":
        return this.probesInFlight < this.policy.halfOpenProbes;
    }
  }

  /** Called for the chosen target; returns whether this attempt is a half-open probe. */
  onAttempt(now: number): boolean {
    if (this.stateName === "open" && now - this.openedAt >= this.policy.openMs) {
      this.stateName = "half_open";
      this.probesInFlight = 0;
      this.probeSuccesses = 0;
    }
    if (this.stateName !== "half_open") return false;
    this.probesInFlight++;
    return true;
  }

  onSuccess(now: number, wasProbe: boolean): void {
    if (!this.policy.enabled) return;
    if (wasProbe) {
      this.releaseProbe();
      if (this.stateName === "half_open" && ++this.probeSuccesses >= this.policy.successesToClose)
        this.close();
      return;
    }
    if (this.stateName === "closed") {
      this.consecutiveFailures = 0;
      this.window.record(now, false);
    }
  }

  onFailure(now: number, reason: string, wasProbe: boolean): void {
    this.lastFailureAt = now;
    this.lastFailureReason = reason;
    if (!this.policy.enabled) return;
    if (wasProbe) {
      this.releaseProbe();
      if (this.stateName === "half_open") this.open(now);
      return;
    }
    if (this.stateName !== "closed") return;
    this.consecutiveFailures++;
    this.window.record(now, true);
    if (this.consecutiveFailures >= this.policy.consecutiveFailures || this.ratioExceeded(now))
      this.open(now);
  }

  /** The attempt ended without a verdict (the client went away): free its probe slot. */
  onAbandoned(wasProbe: boolean): void {
    if (wasProbe) this.releaseProbe();
  }

  status(): BreakerStatus {
    return {
      state: this.stateName,
      failures: this.consecutiveFailures,
      successes: this.probeSuccesses,
      lastFailureAt: this.lastFailureAt === null ? null : new Date(this.lastFailureAt).toISOString(),
      lastFailureReason: this.lastFailureReason,
    };
  }

  private ratioExceeded(now: number): boolean {
    const { total, failures } = this.window.counts(now);
    return total >= this.policy.minRequests && failures / total > this.policy.errorRatio;
  }

  private releaseProbe(): void {
    if (this.probesInFlight > 0) this.probesInFlight--;
  }

  private open(now: number): void {
    this.stateName = "open";
    this.openedAt = now;
    this.probesInFlight = 0;
    this.probeSuccesses = 0;
  }

  private close(): void {
    this.stateName = "closed";
    this.consecutiveFailures = 0;
    this.probesInFlight = 0;
    this.window.reset();
  }
}
