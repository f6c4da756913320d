import { LATENCY_BUCKET_BOUNDS_MS, LATENCY_BUCKET_COUNT } from "@switchyard/contracts";

export function emptyBuckets(): number[] {
  return new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
}

/** Index of the bucket a duration falls in: the first bound at or above it (OTLP's (lower, upper]). */
export function bucketIndex(durationMs: number): number {
  let index = 0;
  while (index < LATENCY_BUCKET_BOUNDS_MS.length && LATENCY_BUCKET_BOUNDS_MS[index]! < durationMs) index++;
  return index;
}

export function addBuckets(into: number[], from: readonly number[]): void {
  for (let i = 0; i < into.length; i++) into[i]! += from[i] ?? 0;
}

/**
 * The q-quantile (0..1) of a bucketed histogram, interpolating linearly inside the bucket that holds the
 * rank. The first bucket starts at 0 ms; the overflow bucket has no upper bound, so a rank there reports
 * the last bound (a floor, not an estimate). Null when the histogram is empty.
 */
export function percentileFromBuckets(buckets: readonly number[], q: number): number | null {
  const total = buckets.reduce((sum, count) => sum + count, 0);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    const count = buckets[i]!;
    if (count === 0) continue;
    if (seen + count >= rank) {
      if (i >= LATENCY_BUCKET_BOUNDS_MS.length)
        return LATENCY_BUCKET_BOUNDS_MS[LATENCY_BUCKET_BOUNDS_MS.length - 1]!;
      const lower = i === 0 ? 0 : LATENCY_BUCKET_BOUNDS_MS[i - 1]!;
      const upper = LATENCY_BUCKET_BOUNDS_MS[i]!;
      return lower + ((rank - seen) / count) * (upper - lower);
    }
    seen += count;
  }
  return LATENCY_BUCKET_BOUNDS_MS[LATENCY_BUCKET_BOUNDS_MS.length - 1]!;
}
