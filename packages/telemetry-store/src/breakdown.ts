import type { Pool } from "pg";
import { LATENCY_BUCKET_COUNT } from "@switchyard/contracts";
import { addBuckets, emptyBuckets, percentileFromBuckets } from "./histogram";
import {
  byClientAndServer,
  edgeSummary,
  foldRed,
  type EdgeTally,
  type RedPoint,
  type ServiceGraphEdge,
} from "./queries";

/**
 * Dashboard reads that cover many series at once (every service, every route of a service, every edge).
 * They sum in SQL per step, so a week of minute rollups comes back as a few thousand rows instead of
 * hundreds of thousands, and they give exactly the numbers `TelemetryQueries.red` and `serviceGraph`
 * give for one series (same source choice, same bucket percentiles).
 */

export type BreakdownKey = "service" | "route" | "version";

export interface BreakdownQuery {
  organizationId: string;
  from: Date;
  to: Date;
  stepSeconds: number;
  by: BreakdownKey;
  service?: string;
}

export interface RedTotals {
  count: number;
  errors: number;
  rate: number;
  errorRate: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

export interface RedSeries {
  key: string;
  totals: RedTotals;
  points: RedPoint[];
}

// Summing each bucket by index is several times faster than unnest + regroup on wide scans.
const BUCKET_SUMS = Array.from({ length: LATENCY_BUCKET_COUNT }, (_, i) => `sum(buckets[${i + 1}])`).join(
  ", ",
);
const KEY_COLUMNS: Record<BreakdownKey, string> = {
  service: "service",
  route: "route",
  version: "version",
};

const HOUR_MS = 3_600_000;

/**
 * Whole-hour windows with whole-hour steps read the hourly tables (kept equal to the sum of their minutes
 * by triggers); anything else reads minutes.
 */
export function hourAligned(from: Date, to: Date, stepSeconds: number): boolean {
  return (
    from.getTime() % HOUR_MS === 0 && to.getTime() % HOUR_MS === 0 && (stepSeconds * 1000) % HOUR_MS === 0
  );
}

interface StepRow {
  service: string;
  source: string;
  key: string;
  step: number;
  count: string;
  errors: string;
  buckets: string[];
}

export function totalsOf(
  count: number,
  errors: number,
  buckets: readonly number[],
  seconds: number,
): RedTotals {
  return {
    count,
    errors,
    rate: count / Math.max(1, seconds),
    errorRate: count === 0 ? 0 : errors / count,
    p50Ms: percentileFromBuckets(buckets, 0.5),
    p95Ms: percentileFromBuckets(buckets, 0.95),
    p99Ms: percentileFromBuckets(buckets, 0.99),
  };
}

/** RED per step and in total for each service (or each route or version of one service). */
export async function redBreakdown(pool: Pool, query: BreakdownQuery): Promise<RedSeries[]> {
  const stepMs = query.stepSeconds * 1000;
  const [table, time] = hourAligned(query.from, query.to, query.stepSeconds)
    ? ["telemetry_rollup_hour", "hour"]
    : ["telemetry_rollup", "minute"];
  const { rows } = await pool.query<StepRow>(
    `SELECT service, source, ${KEY_COLUMNS[query.by]} AS key,
       floor(extract(epoch FROM ${time} - $2::timestamptz) / $4)::int AS step,
       sum(count) AS count, sum(errors) AS errors, ARRAY[${BUCKET_SUMS}] AS buckets
     FROM ${table}
     WHERE organization_id = $1 AND ${time} >= $2 AND ${time} < $3 AND ($5::text IS NULL OR service = $5)
     GROUP BY 1, 2, 3, 4`,
    [query.organizationId, query.from, query.to, query.stepSeconds, query.service ?? null],
  );
  // Per (service, key), as `red` decides per service within its filter.
  const seriesId = (r: StepRow) => `${r.service}\0${r.key}`;
  const withMetrics = new Set(rows.filter((r) => r.source === "metrics").map(seriesId));
  const byKey = new Map<string, Array<{ minute: Date; count: number; errors: number; buckets: number[] }>>();
  for (const row of rows) {
    if (row.source !== (withMetrics.has(seriesId(row)) ? "metrics" : "spans")) continue;
    let list = byKey.get(row.key);
    if (!list) byKey.set(row.key, (list = []));
    list.push({
      minute: new Date(query.from.getTime() + row.step * stepMs),
      count: Number(row.count),
      errors: Number(row.errors),
      buckets: row.buckets.map(Number),
    });
  }
  const seconds = (query.to.getTime() - query.from.getTime()) / 1000;
  return [...byKey.entries()]
    .map(([key, list]) => {
      const buckets = emptyBuckets();
      let count = 0;
      let errors = 0;
      for (const step of list) {
        count += step.count;
        errors += step.errors;
        addBuckets(buckets, step.buckets);
      }
      return {
        key,
        totals: totalsOf(count, errors, buckets, seconds),
        points: foldRed(list, query.from, query.to, query.stepSeconds),
      };
    })
    .sort((a, b) => a.key.localeCompare(b.key));
}

/** Calls on one edge answered by one version of the server ('' for spans without a version). */
export interface EdgeVersionTotals {
  version: string;
  totals: RedTotals;
}

/** An edge of `serviceGraphSummary`: its totals, and the same calls split by the server's version. */
export interface ServiceGraphSummaryEdge extends ServiceGraphEdge {
  /** Sorted by version; counts and errors add up to the edge's own. */
  versions: EdgeVersionTotals[];
}

/**
 * The service graph with the aggregation done in SQL; the same edges `TelemetryQueries.serviceGraph` gives,
 * each with its calls per server version (an edge is the sum of its versions, so the split of a canary on
 * one caller's edge is that caller's own).
 */
export async function serviceGraphSummary(
  pool: Pool,
  query: { organizationId: string; from: Date; to: Date },
): Promise<ServiceGraphSummaryEdge[]> {
  const [table, time] = hourAligned(query.from, query.to, 3600)
    ? ["telemetry_edge_hour", "hour"]
    : ["telemetry_edge", "minute"];
  const { rows } = await pool.query<{
    client_service: string;
    server_service: string;
    server_version: string;
    count: string;
    errors: string;
    buckets: string[];
  }>(
    `SELECT client_service, server_service, server_version, sum(count) AS count, sum(errors) AS errors,
       ARRAY[${BUCKET_SUMS}] AS buckets
     FROM ${table}
     WHERE organization_id = $1 AND ${time} >= $2 AND ${time} < $3
     GROUP BY 1, 2, 3`,
    [query.organizationId, query.from, query.to],
  );
  const seconds = Math.max(1, (query.to.getTime() - query.from.getTime()) / 1000);
  const edges = new Map<string, EdgeTally & { versions: EdgeVersionTotals[] }>();
  for (const row of rows) {
    const key = `${row.client_service}\0${row.server_service}`;
    let edge = edges.get(key);
    if (!edge) {
      edge = {
        client: row.client_service,
        server: row.server_service,
        count: 0,
        errors: 0,
        buckets: emptyBuckets(),
        versions: [],
      };
      edges.set(key, edge);
    }
    const count = Number(row.count);
    const errors = Number(row.errors);
    const buckets = row.buckets.map(Number);
    edge.count += count;
    edge.errors += errors;
    addBuckets(edge.buckets, buckets);
    edge.versions.push({ version: row.server_version, totals: totalsOf(count, errors, buckets, seconds) });
  }
  return [...edges.values()]
    .map((edge) => ({
      ...edgeSummary(edge, seconds),
      versions: edge.versions.sort((a, b) => a.version.localeCompare(b.version)),
    }))
    .sort(byClientAndServer);
}
