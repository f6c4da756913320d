import {
  LONG_POLL_SPAN_ATTRIBUTE,
  SpanKind,
  type NormalizedSpan,
  type RequestHistogramPoint,
  type StatusClass,
} from "@switchyard/contracts";
import { addBuckets, bucketIndex, emptyBuckets } from "./histogram";
import { rollupRouteOf, spanIsError } from "./span-rules";

export interface RollupRow {
  /** Start of the row's period: the minute, or the 10-second slot in the fine rollups. */
  minuteMs: number;
  /** When the requests happened (span start, metric point time); the fine rollups slot rows by it. */
  timeMs: number;
  service: string;
  route: string;
  version: string;
  statusClass: StatusClass;
  source: "metrics" | "spans";
  count: number;
  errors: number;
  durationSumMs: number;
  buckets: number[];
}

const MINUTE_MS = 60_000;
/** Slot of the fine rollups that alerting reads for windows shorter than a few minutes. */
export const FINE_ROLLUP_MS = 10_000;

export function minuteOf(timeUs: number): number {
  return Math.floor(timeUs / 1000 / MINUTE_MS) * MINUTE_MS;
}

export function statusClassOfCode(code: number | null): StatusClass {
  if (code === null || code < 100 || code >= 600) return "unknown";
  return `${Math.floor(code / 100)}xx` as StatusClass;
}

function addRow(rows: Map<string, RollupRow>, row: RollupRow): void {
  const key = `${row.minuteMs}\0${row.service}\0${row.route}\0${row.version}\0${row.statusClass}\0${row.source}`;
  const existing = rows.get(key);
  if (!existing) {
    rows.set(key, { ...row, buckets: [...row.buckets] });
    return;
  }
  existing.count += row.count;
  existing.errors += row.errors;
  existing.durationSumMs += row.durationSumMs;
  addBuckets(existing.buckets, row.buckets);
}

/**
 * Sums rows that share a key, so one batch makes one upsert per (minute, dimensions), and the same per
 * 10-second slot for the fine rollups.
 */
export class RollupAccumulator {
  private readonly rows = new Map<string, RollupRow>();
  private readonly fine = new Map<string, RollupRow>();

  add(row: RollupRow): void {
    addRow(this.rows, row);
    addRow(this.fine, { ...row, minuteMs: Math.floor(row.timeMs / FINE_ROLLUP_MS) * FINE_ROLLUP_MS });
  }

  values(): RollupRow[] {
    return [...this.rows.values()];
  }

  fineValues(): RollupRow[] {
    return [...this.fine.values()];
  }
}

/** A request held open on purpose (marked by its service): its duration is waiting, not latency. */
export function isLongPoll(span: Pick<NormalizedSpan, "attributes">): boolean {
  return span.attributes[LONG_POLL_SPAN_ATTRIBUTE] === true;
}

/**
 * SERVER spans as span-source rollups: a service that only sends traces still gets RED. Routes as
 * `rollupRouteOf` names them; errors are 5xx responses and spans with ERROR status (`spanIsError`). Long
 * polls stay out (they would make every service that offers one look seconds slow); their spans are still
 * stored for traces.
 */
export function rollupSpans(spans: readonly NormalizedSpan[], into: RollupAccumulator): void {
  for (const span of spans) {
    if (span.kind !== SpanKind.SERVER || isLongPoll(span)) continue;
    const durationMs = span.durationUs / 1000;
    const buckets = emptyBuckets();
    buckets[bucketIndex(durationMs)] = 1;
    const isError = spanIsError(span);
    into.add({
      minuteMs: minuteOf(span.startUs),
      timeMs: Math.floor(span.startUs / 1000),
      service: span.service,
      route: rollupRouteOf(span),
      version: span.version ?? "",
      statusClass: statusClassOfCode(span.httpStatusCode),
      source: "spans",
      count: 1,
      errors: isError ? 1 : 0,
      durationSumMs: durationMs,
      buckets,
    });
  }
}

/** The last point of a cumulative series as stored. */
export interface SeriesState {
  startUs: number;
  timeUs: number;
  count: number;
  sumMs: number;
  buckets: number[];
}

export interface DeltaResult {
  /** Null when the point adds nothing (a duplicate or an older point than the state). */
  delta: { count: number; sumMs: number; buckets: number[] } | null;
  /** The state to keep; unchanged when the point is older than the state. */
  state: SeriesState;
}

/**
 * The increment a cumulative point adds over the series' stored state. A later start time, or a count that
 * went down under the same start time, is a reset (the process restarted): the whole point is new.
 */
export function cumulativeDelta(point: RequestHistogramPoint, state: SeriesState | undefined): DeltaResult {
  const next: SeriesState = {
    startUs: point.startUs,
    timeUs: point.timeUs,
    count: point.count,
    sumMs: point.sumMs,
    buckets: point.buckets,
  };
  const whole = { delta: { count: point.count, sumMs: point.sumMs, buckets: point.buckets }, state: next };
  if (!state || point.startUs > state.startUs) return whole;
  // Older than the stored point (out of order, or a re-sent export): the newer point already included it.
  if (point.startUs < state.startUs || point.timeUs <= state.timeUs) return { delta: null, state };
  const wentDown =
    point.count < state.count || point.buckets.some((count, i) => count < (state.buckets[i] ?? 0));
  if (wentDown) return whole;
  return {
    delta: {
      count: point.count - state.count,
      sumMs: Math.max(0, point.sumMs - state.sumMs),
      buckets: point.buckets.map((count, i) => count - (state.buckets[i] ?? 0)),
    },
    state: next,
  };
}

export function pointRollup(
  point: RequestHistogramPoint,
  delta: { count: number; sumMs: number; buckets: number[] },
): RollupRow {
  return {
    minuteMs: minuteOf(point.timeUs),
    timeMs: Math.floor(point.timeUs / 1000),
    service: point.service,
    route: point.route,
    version: point.version,
    statusClass: point.statusClass,
    source: "metrics",
    count: delta.count,
    errors: point.statusClass === "5xx" ? delta.count : 0,
    durationSumMs: delta.sumMs,
    buckets: delta.buckets,
  };
}
