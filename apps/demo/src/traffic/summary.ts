import { type RequestKind } from "./mix";

export interface LatencySummary {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface TrafficSummary {
  target: string;
  seed: number;
  sent: number;
  durationMs: number;
  achievedRps: number;
  /** HTTP status, or `error:<code>` when no response came back (refused, reset, timeout). */
  byStatus: Record<string, number>;
  /** The x-service-version header of each response (`none` when absent). */
  byVersion: Record<string, number>;
  /** The x-served-by header of each response (`none` when absent). */
  byInstance: Record<string, number>;
  byKind: Partial<Record<RequestKind, number>>;
  /** Milliseconds, over requests that got a response. */
  latencyMs: LatencySummary;
}

/** Nearest-rank percentile of an ascending array; 0 when empty. */
export function percentile(sorted: ArrayLike<number>, fraction: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(fraction * sorted.length)));
  return sorted[rank - 1]!;
}

export function summarizeLatency(samples: Float64Array): LatencySummary {
  const sorted = samples.slice().sort();
  const round = (value: number) => Math.round(value * 100) / 100;
  return {
    p50: round(percentile(sorted, 0.5)),
    p95: round(percentile(sorted, 0.95)),
    p99: round(percentile(sorted, 0.99)),
    max: round(percentile(sorted, 1)),
  };
}

export function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

function breakdown(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? "-" : entries.map(([key, count]) => `${key} ${count}`).join(" · ");
}

export function formatSummary(summary: TrafficSummary): string {
  const { latencyMs } = summary;
  return [
    `traffic: ${summary.sent} requests to ${summary.target} in ${(summary.durationMs / 1000).toFixed(1)} s ` +
      `(${summary.achievedRps.toFixed(1)} req/s), seed ${summary.seed}`,
    `  status:   ${breakdown(summary.byStatus)}`,
    `  version:  ${breakdown(summary.byVersion)}`,
    `  instance: ${breakdown(summary.byInstance)}`,
    `  kind:     ${breakdown(summary.byKind as Record<string, number>)}`,
    `  latency:  p50 ${latencyMs.p50} ms · p95 ${latencyMs.p95} ms · p99 ${latencyMs.p99} ms · max ${latencyMs.max} ms`,
  ].join("\n");
}
