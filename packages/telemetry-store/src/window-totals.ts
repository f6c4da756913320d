import type { Pool } from "pg";
import { addBuckets, emptyBuckets } from "./histogram";

/** How long the 10-second rollups are kept; windows up to half of it read them (see windowTotals). */
export const FINE_ROLLUP_RETENTION_MS = 60 * 60_000;
const FINE_WINDOW_MAX_MS = FINE_ROLLUP_RETENTION_MS / 2;

export interface WindowQuery {
  organizationId: string;
  /** The window is [end - windowMs, end). */
  end: Date;
  windowMs: number;
  service?: string | null;
  route?: string | null;
  version?: string | null;
}

export interface WindowTotals {
  count: number;
  errors: number;
  buckets: number[];
}

/**
 * Requests per service over a recent window, the freshest the store has: windows up to 30 minutes read
 * the 10-second rollups (a 30 s window is three slots), longer ones the per-minute rollups, where a minute
 * at the edge weighs little. Like the dashboards, a service's figures come from its metrics rollups when
 * it has any in the window, else from its spans, so the two sources never add up twice.
 */
export async function windowTotals(pool: Pool, query: WindowQuery): Promise<Map<string, WindowTotals>> {
  const [table, slot] =
    query.windowMs <= FINE_WINDOW_MAX_MS ? ["telemetry_rollup_10s", "slot"] : ["telemetry_rollup", "minute"];
  const params: unknown[] = [query.organizationId, new Date(query.end.getTime() - query.windowMs), query.end];
  const filters = (["service", "route", "version"] as const)
    .filter((field) => query[field] != null)
    .map((field) => {
      params.push(query[field]);
      return `AND ${field} = $${params.length}`;
    });
  const { rows } = await pool.query<{
    service: string;
    source: string;
    count: string;
    errors: string;
    buckets: string[][];
  }>(
    `SELECT service, source, sum(count) AS count, sum(errors) AS errors, array_agg(buckets) AS buckets
     FROM ${table}
     WHERE organization_id = $1 AND ${slot} >= $2 AND ${slot} < $3 ${filters.join(" ")}
     GROUP BY service, source`,
    params,
  );
  const bySource = new Map<string, Map<string, WindowTotals>>();
  for (const row of rows) {
    const buckets = emptyBuckets();
    for (const rowBuckets of row.buckets) addBuckets(buckets, rowBuckets.map(Number));
    const sources = bySource.get(row.service) ?? new Map<string, WindowTotals>();
    sources.set(row.source, { count: Number(row.count), errors: Number(row.errors), buckets });
    bySource.set(row.service, sources);
  }
  const totals = new Map<string, WindowTotals>();
  for (const [service, sources] of bySource) {
    totals.set(service, (sources.get("metrics") ?? sources.get("spans"))!);
  }
  return totals;
}
