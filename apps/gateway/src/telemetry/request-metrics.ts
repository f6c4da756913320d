/**
 * In-memory aggregation of per-request metrics. The proxy resolves a {@link MetricSeries} (route,
 * service, target version) once per revision, so recording a request is a few array writes with no
 * attribute hashing; the exporter reads the cumulative totals every export interval.
 */

/**
 * Histogram bucket upper bounds in milliseconds (inclusive, as OTLP defines them). Dense below 100 ms
 * where a proxy's own latency lives, with edges at the UI's trace colours (100 ms, 500 ms) and the
 * brief's alert thresholds (1 s) and default upstream timeout (30 s).
 */
export const DURATION_BOUNDARIES_MS: readonly number[] = [
  1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000,
];

export class DurationHistogram {
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  readonly counts = new Float64Array(DURATION_BOUNDARIES_MS.length + 1);

  record(ms: number): void {
    this.count++;
    this.sum += ms;
    if (ms < this.min) this.min = ms;
    if (ms > this.max) this.max = ms;
    let bucket = 0;
    while (bucket < DURATION_BOUNDARIES_MS.length && ms > DURATION_BOUNDARIES_MS[bucket]!) bucket++;
    this.counts[bucket]!++;
  }
}

export interface SeriesAttributes {
  readonly route: string;
  readonly service: string;
  readonly "target.version": string;
}

/** One (route, service, target version) combination, split by status class. */
export class MetricSeries {
  /** Indexed by `status / 100`: 1xx..5xx. */
  readonly byStatusClass: (DurationHistogram | null)[] = [null, null, null, null, null, null];

  constructor(readonly attributes: SeriesAttributes) {}

  record(status: number, durationMs: number): void {
    const statusClass = status >= 100 && status < 600 ? (status / 100) | 0 : 5;
    (this.byStatusClass[statusClass] ??= new DurationHistogram()).record(durationMs);
  }
}

export const NO_VALUE = "none";
const OVERFLOW = "_other";

export class RequestMetrics {
  private readonly series = new Map<string, MetricSeries>();
  private readonly overflow = new MetricSeries({
    route: OVERFLOW,
    service: OVERFLOW,
    "target.version": OVERFLOW,
  });
  /** Cumulative data points all start when the agent did. */
  readonly startedAt = Date.now();

  constructor(private readonly maxSeries = 2_000) {}

  /**
   * Get-or-create; series live as long as the process so that cumulative totals stay monotonic
   * across revisions. Past `maxSeries` new combinations share one overflow series.
   */
  seriesFor(route: string, service: string, version: string): MetricSeries {
    const key = `${route}\u0000${service}\u0000${version}`;
    let series = this.series.get(key);
    if (series === undefined) {
      if (this.series.size >= this.maxSeries) return this.overflow;
      series = new MetricSeries({ route, service, "target.version": version });
      this.series.set(key, series);
    }
    return series;
  }

  *allSeries(): Iterable<MetricSeries> {
    yield* this.series.values();
    if (this.overflow.byStatusClass.some((histogram) => histogram !== null)) yield this.overflow;
  }

  totalRequests(): number {
    let total = 0;
    for (const series of this.allSeries()) {
      for (const histogram of series.byStatusClass) total += histogram?.count ?? 0;
    }
    return total;
  }
}
