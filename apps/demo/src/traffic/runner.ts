import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { Pool } from "undici";
import { createRequestSequence, type PlannedRequest } from "./mix";
import { resolveTrafficConfig, TRAFFIC_LIMITS, type TrafficOptionsInput } from "./options";
import { increment, summarizeLatency, type TrafficSummary } from "./summary";

export interface TrafficOptions extends TrafficOptionsInput {
  /** Stops sending early; requests in flight still complete and are counted. */
  signal?: AbortSignal;
  /** Called for every request as it is sent, in sequence order. */
  onRequest?: (request: PlannedRequest, index: number) => void;
}

// The scheduler never sleeps longer than this, so an abort or the deadline is noticed promptly.
const MAX_TICK_MS = 50;

function headerText(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? "none";
}

function failureCode(error: unknown): string {
  if (typeof error === "object" && error !== null && "code" in error) {
    const code = String(error.code);
    return code.startsWith("UND_ERR_") && code.endsWith("TIMEOUT") ? "timeout" : code;
  }
  return error instanceof Error ? error.name : "unknown";
}

/**
 * Sends the seeded request mix to `target` at `rps` (open loop: requests are due at fixed times, whatever the
 * answers), with at most `concurrency` in flight, until the duration or the count is reached.
 */
export async function runTraffic(options: TrafficOptions): Promise<TrafficSummary> {
  const { signal, onRequest, ...input } = options;
  const config = resolveTrafficConfig(input);
  const target = new URL(config.target);
  // A pool is bound to one origin: the generator cannot send anywhere but the target it was given.
  const pool = new Pool(target.origin, {
    connections: config.concurrency,
    headersTimeout: config.timeoutMs,
    bodyTimeout: config.timeoutMs,
  });
  const basePath = target.pathname.replace(/\/+$/, "");
  const nextRequest = createRequestSequence(config.seed, config.pathPrefix);
  // The most requests this run can send: its count, or what its duration allows at its rate.
  const byDuration =
    config.durationMs === undefined ? Infinity : Math.ceil((config.durationMs / 1000) * config.rps) + 1;
  const limit = Math.min(config.count ?? TRAFFIC_LIMITS.maxCount, byDuration, TRAFFIC_LIMITS.maxCount);
  const latencies = new Float64Array(limit);
  let answered = 0;
  const summary: TrafficSummary = {
    target: config.target,
    seed: config.seed,
    sent: 0,
    durationMs: 0,
    achievedRps: 0,
    byStatus: {},
    byVersion: {},
    byInstance: {},
    byKind: {},
    latencyMs: { p50: 0, p95: 0, p99: 0, max: 0 },
  };

  async function send(planned: PlannedRequest): Promise<void> {
    const startedAt = performance.now();
    try {
      const response = await pool.request({
        path: basePath + planned.path,
        method: planned.method,
        headers: {
          ...config.headers,
          ...(planned.body ? { "content-type": "application/json" } : {}),
        },
        body: planned.body,
      });
      await response.body.dump();
      latencies[answered++] = performance.now() - startedAt;
      increment(summary.byStatus, String(response.statusCode));
      increment(summary.byVersion, headerText(response.headers["x-service-version"]));
      increment(summary.byInstance, headerText(response.headers["x-served-by"]));
    } catch (error) {
      increment(summary.byStatus, `error:${failureCode(error)}`);
    }
  }

  const startedAt = performance.now();
  const deadline = config.durationMs === undefined ? Infinity : startedAt + config.durationMs;
  const inFlight = new Set<Promise<void>>();
  try {
    while (summary.sent < limit && !signal?.aborted) {
      const now = performance.now();
      if (now >= deadline) break;
      const dueAt = startedAt + (summary.sent * 1000) / config.rps;
      if (dueAt > now) {
        await sleep(Math.min(dueAt - now, deadline - now, MAX_TICK_MS));
        continue;
      }
      if (inFlight.size >= config.concurrency) {
        await Promise.race(inFlight);
        continue;
      }
      const planned = nextRequest();
      onRequest?.(planned, summary.sent);
      summary.sent++;
      increment(summary.byKind, planned.kind);
      const pending = send(planned).finally(() => inFlight.delete(pending));
      inFlight.add(pending);
    }
    await Promise.all(inFlight);
  } finally {
    await pool.close();
  }

  summary.durationMs = Math.round(performance.now() - startedAt);
  summary.achievedRps =
    summary.durationMs > 0 ? Math.round((summary.sent * 100_000) / summary.durationMs) / 100 : 0;
  summary.latencyMs = summarizeLatency(latencies.subarray(0, answered));
  return summary;
}
