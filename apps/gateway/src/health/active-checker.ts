import { type ActiveHealthCheck } from "@switchyard/contracts";
import { Client } from "undici";

export interface HealthCheckResult {
  ok: boolean;
  at: number;
  /** `status_200`, `timeout`, `connect_error`, ... */
  detail: string;
}

/**
 * Active health checks for one target on their own keep-alive connection, so a busy proxy pool never
 * queues a check behind traffic and makes a healthy target look dead. Checks never overlap: the next
 * one is scheduled when the previous one has finished.
 */
export class ActiveHealthChecker {
  private readonly client: Client;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  lastResult: HealthCheckResult | null = null;

  constructor(
    origin: string,
    private policy: ActiveHealthCheck,
    private readonly onResult: (result: HealthCheckResult) => void,
  ) {
    this.client = new Client(origin, {
      pipelining: 1,
      keepAliveTimeout: 30_000,
      connect: { timeout: policy.timeoutMs },
    });
  }

  start(): void {
    this.schedule(0);
  }

  configure(policy: ActiveHealthCheck): void {
    const intervalChanged = policy.intervalMs !== this.policy.intervalMs;
    this.policy = policy;
    if (intervalChanged && this.timer !== null) {
      clearTimeout(this.timer);
      this.schedule(0);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.client.destroy();
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.runCheck(), delayMs);
    this.timer.unref();
  }

  private async runCheck(): Promise<void> {
    this.timer = null;
    const startedAt = Date.now();
    const result = await this.probe();
    if (this.stopped) return;
    this.lastResult = result;
    this.onResult(result);
    this.schedule(Math.max(0, this.policy.intervalMs - (Date.now() - startedAt)));
  }

  private async probe(): Promise<HealthCheckResult> {
    const policy = this.policy;
    try {
      const response = await this.client.request({
        method: "GET",
        path: policy.path,
        headers: policy.host
          ? { host: policy.host, "user-agent": "switchyard-gateway-health" }
          : { "user-agent": "switchyard-gateway-health" },
        headersTimeout: policy.timeoutMs,
        bodyTimeout: policy.timeoutMs,
      });
      await response.body.dump();
      const ok = response.statusCode >= 200 && response.statusCode < 400;
      return { ok, at: Date.now(), detail: `status_${response.statusCode}` };
    } catch (error) {
      return { ok: false, at: Date.now(), detail: classifyUpstreamError(error) };
    }
  }
}

/** A short, stable reason for breaker and health status, from undici's and the OS's error codes. */
export function classifyUpstreamError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case "UND_ERR_HEADERS_TIMEOUT":
    case "UND_ERR_BODY_TIMEOUT":
      return "timeout";
    case "UND_ERR_CONNECT_TIMEOUT":
      return "connect_timeout";
    case "ECONNREFUSED":
    case "EHOSTUNREACH":
    case "ENETUNREACH":
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "connect_error";
    case "ECONNRESET":
    case "EPIPE":
    case "UND_ERR_SOCKET":
      return "reset";
    case "UND_ERR_CLOSED":
    case "UND_ERR_DESTROYED":
      return "pool_closed";
    default:
      return "upstream_error";
  }
}
