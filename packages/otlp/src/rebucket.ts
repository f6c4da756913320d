import { LATENCY_BUCKET_BOUNDS_MS, LATENCY_BUCKET_COUNT } from "@switchyard/contracts";

/**
 * Moves explicit-bucket histogram counts onto the fixed latency buckets. Each source bucket's count goes
 * to the first fixed bucket whose bound is at or above the source bucket's upper bound, so identical bounds
 * (the gateway's) map one to one and coarser or finer ones never report a latency lower than observed.
 * `boundsMs` are the source's upper bounds already converted to ms; `counts` has one more entry.
 */
export function rebucket(boundsMs: readonly number[], counts: readonly number[]): number[] {
  const out = new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
  let fixed = 0;
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i]!;
    if (count === 0) continue;
    const upper = i < boundsMs.length ? boundsMs[i]! : Number.POSITIVE_INFINITY;
    while (fixed < LATENCY_BUCKET_BOUNDS_MS.length && LATENCY_BUCKET_BOUNDS_MS[fixed]! < upper) fixed++;
    out[fixed]! += count;
  }
  return out;
}
