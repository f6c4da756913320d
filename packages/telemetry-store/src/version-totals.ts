import type { Pool } from "pg";
import { LATENCY_BUCKET_COUNT } from "@switchyard/contracts";

/** Requests, errors and the latency histogram of one version, summed over a range of minutes. */
export interface VersionCounts {
  count: number;
  errors: number;
  buckets: number[];
}

const BUCKET_SUMS = Array.from({ length: LATENCY_BUCKET_COUNT }, (_, i) => `sum(buckets[${i + 1}])`).join(
  ", ",
);

/**
 * What a service has served per version from the minute that holds `since` until now, as the gateways
 * report it (metrics source only: the gateway is what splits traffic between versions, and its request
 * metrics count every request, where spans may be sampled). Rollups are per minute and only ever grow, so
 * the difference of two readings with the same `since` is exactly what arrived in between: that is how a
 * rollout step gets a window shorter than a minute.
 */
export async function versionTotalsSince(
  pool: Pool,
  query: { organizationId: string; service: string; since: Date },
): Promise<Record<string, VersionCounts>> {
  const { rows } = await pool.query<{ version: string; count: string; errors: string; buckets: string[] }>(
    `SELECT version, sum(count) AS count, sum(errors) AS errors, ARRAY[${BUCKET_SUMS}] AS buckets
     FROM telemetry_rollup
     WHERE organization_id = $1 AND service = $2 AND source = 'metrics'
       AND minute >= date_trunc('minute', $3::timestamptz)
     GROUP BY version`,
    [query.organizationId, query.service, query.since],
  );
  return Object.fromEntries(
    rows.map((row) => [
      row.version,
      { count: Number(row.count), errors: Number(row.errors), buckets: row.buckets.map(Number) },
    ]),
  );
}
