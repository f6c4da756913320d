import type { StepNumbers, VersionWindow } from "@switchyard/contracts";
import { percentileFromBuckets, type VersionCounts } from "@switchyard/telemetry-store";

export type VersionTotals = Record<string, VersionCounts>;

/**
 * The telemetry reading taken when a step starts: cumulative totals per version from the minute that holds
 * `since`. Each check reads again from the same minute and subtracts this, so the step's numbers cover only
 * what arrived after it started (up to the export interval of traffic from just before the change, which
 * reaches the store a little later).
 */
export interface StepBaseline {
  since: string;
  totals: VersionTotals;
}

function windowOf(version: string, current: VersionCounts | undefined, base: VersionCounts | undefined) {
  const requests = Math.max(0, (current?.count ?? 0) - (base?.count ?? 0));
  const errors = Math.min(requests, Math.max(0, (current?.errors ?? 0) - (base?.errors ?? 0)));
  const buckets = (current?.buckets ?? []).map((n, i) => Math.max(0, n - (base?.buckets[i] ?? 0)));
  const p99 = percentileFromBuckets(buckets, 0.99);
  return {
    version,
    requests,
    errors,
    errorRate: requests === 0 ? 0 : errors / requests,
    p99Ms: p99 === null ? null : Math.round(p99 * 100) / 100,
  } satisfies VersionWindow;
}

/** Canary and stable over the step's window: the current totals minus the step's baseline. */
export function stepNumbers(
  versions: { stable: string; canary: string },
  baseline: StepBaseline,
  current: VersionTotals,
  elapsedSeconds: number,
): StepNumbers {
  return {
    canary: windowOf(versions.canary, current[versions.canary], baseline.totals[versions.canary]),
    stable: windowOf(versions.stable, current[versions.stable], baseline.totals[versions.stable]),
    elapsedSeconds: Math.max(0, Math.round(elapsedSeconds * 10) / 10),
  };
}
