import { type GatewayService } from "@switchyard/contracts";
import { Pool } from "undici";
import { ActiveHealthChecker, type HealthCheckResult } from "../health/active-checker";
import { OutlierDetector } from "../health/outlier-detector";
import { CircuitBreaker } from "../resilience/circuit-breaker";

export interface UpstreamOptions {
  /** Keep-alive connections per target. */
  connections: number;
  keepAliveTimeoutMs: number;
  connectTimeoutMs: number;
}

/** Weight of the newest latency sample in the moving average used by power-of-two-choices. */
const LATENCY_EWMA_ALPHA = 0.2;

/**
 * Live state of one upstream target, shared by every revision that names the same service, target id
 * and URL, so a config swap keeps its connections, health verdicts and breaker.
 */
export class TargetState {
  readonly pool: Pool;
  readonly breaker: CircuitBreaker;
  readonly outlier: OutlierDetector;
  inflight = 0;
  latencyEwmaMs = 0;
  /** Verdict of active checks; true until checks say otherwise (and always when they are off). */
  activeHealthy = true;
  private checker: ActiveHealthChecker | null = null;
  private checkFailures = 0;
  private checkSuccesses = 0;
  private service: GatewayService;

  constructor(
    readonly serviceId: string,
    readonly targetId: string,
    readonly origin: string,
    service: GatewayService,
    options: UpstreamOptions,
  ) {
    this.service = service;
    this.pool = new Pool(origin, {
      connections: options.connections,
      pipelining: 1,
      keepAliveTimeout: options.keepAliveTimeoutMs,
      connect: { timeout: options.connectTimeoutMs },
    });
    this.breaker = new CircuitBreaker(service.circuitBreaker);
    this.outlier = new OutlierDetector(service.healthCheck.passive);
  }

  /** Applies a revision's policies to the running state. */
  configure(service: GatewayService): void {
    this.service = service;
    this.breaker.configure(service.circuitBreaker);
    this.outlier.configure(service.healthCheck.passive);
    const active = service.healthCheck.active;
    if (!active.enabled) {
      void this.checker?.stop();
      this.checker = null;
      this.activeHealthy = true;
    } else if (this.checker === null) {
      this.checker = new ActiveHealthChecker(this.origin, active, (result) => this.onHealthCheck(result));
      this.checker.start();
    } else {
      this.checker.configure(active);
    }
  }

  isSelectable(now: number): boolean {
    return this.activeHealthy && now >= this.outlier.ejectedUntil && this.breaker.canAttempt(now);
  }

  /** Returns whether the attempt is a half-open breaker probe, to hand back with its outcome. */
  beginAttempt(now: number): boolean {
    this.inflight++;
    return this.breaker.onAttempt(now);
  }

  recordLatency(ms: number): void {
    this.latencyEwmaMs =
      this.latencyEwmaMs === 0 ? ms : this.latencyEwmaMs + LATENCY_EWMA_ALPHA * (ms - this.latencyEwmaMs);
  }

  endWithSuccess(now: number, wasProbe: boolean): void {
    this.inflight--;
    this.breaker.onSuccess(now, wasProbe);
  }

  endWithFailure(now: number, reason: string, wasProbe: boolean): void {
    this.inflight--;
    this.breaker.onFailure(now, reason, wasProbe);
    this.outlier.onFailure(now);
  }

  endAbandoned(wasProbe: boolean): void {
    this.inflight--;
    this.breaker.onAbandoned(wasProbe);
  }

  get lastHealthCheck(): HealthCheckResult | null {
    return this.checker?.lastResult ?? null;
  }

  async stopHealthChecks(): Promise<void> {
    const checker = this.checker;
    this.checker = null;
    await checker?.stop();
  }

  /** Stops checks at once; the pool finishes in-flight requests before it closes. */
  async close(): Promise<void> {
    await this.stopHealthChecks();
    await this.pool.close();
  }

  async destroy(): Promise<void> {
    await this.stopHealthChecks();
    await this.pool.destroy();
  }

  private onHealthCheck(result: HealthCheckResult): void {
    const policy = this.service.healthCheck.active;
    if (result.ok) {
      this.checkFailures = 0;
      this.checkSuccesses++;
      if (!this.activeHealthy && this.checkSuccesses >= policy.healthyThreshold) {
        this.activeHealthy = true;
        this.outlier.readmit();
      }
    } else {
      this.checkSuccesses = 0;
      this.checkFailures++;
      if (this.activeHealthy && this.checkFailures >= policy.unhealthyThreshold) this.activeHealthy = false;
    }
  }
}
