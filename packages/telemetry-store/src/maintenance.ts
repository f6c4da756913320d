import type { Pool } from "pg";
import { GATEWAY_SERVICE_NAME, LATENCY_BUCKET_BOUNDS_MS } from "@switchyard/contracts";
import { emptyBuckets } from "./histogram";
import { createPartition, dayStartMs, partitionName } from "./partitions";

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** SQL for the bucket index of a duration in ms, the same rule as `bucketIndex`. */
const BUCKET_INDEX_SQL = `CASE ${LATENCY_BUCKET_BOUNDS_MS.map((bound, i) => `WHEN d <= ${bound} THEN ${i}`).join(" ")} ELSE ${LATENCY_BUCKET_BOUNDS_MS.length} END`;

/**
 * Recomputes the service-graph edges of every organization for the minutes since `lookbackMinutes` ago
 * from the stored spans: a child span whose parent is in another service is one call from the parent's
 * service to the child's. Parent and child may arrive in different batches, which is why this runs on a
 * schedule over recent minutes instead of at write time; replacing the minutes makes it idempotent.
 * A gateway parent is named by its instance (`switchyard-gateway/<agent id>`): two gateways in front of the
 * same services are two callers.
 */
export async function recomputeServiceGraph(pool: Pool, lookbackMinutes: number, nowMs = Date.now()) {
  const fromMs = Math.floor((nowMs - lookbackMinutes * MINUTE_MS) / MINUTE_MS) * MINUTE_MS;
  const from = new Date(fromMs).toISOString();
  const client = await pool.connect();
  try {
    const { rows } = await client.query<{
      organization_id: string;
      minute: Date;
      client_service: string;
      server_service: string;
      bucket: number;
      count: string;
      errors: string;
      duration_sum_ms: number;
    }>(
      `SELECT organization_id, minute, client_service, server_service, bucket, count(*) AS count,
         count(*) FILTER (WHERE is_error) AS errors, sum(d) AS duration_sum_ms
       FROM (
         SELECT c.organization_id, date_trunc('minute', c.start_time) AS minute,
           CASE WHEN p.service = $2 AND p.attributes ? 'service.instance.id'
             THEN p.service || '/' || (p.attributes ->> 'service.instance.id') ELSE p.service END AS client_service,
           c.service AS server_service, c.duration_us / 1000.0 AS d,
           (c.status = 2 OR coalesce(c.http_status_code, 0) >= 500) AS is_error
         FROM telemetry_span c
         JOIN telemetry_span p ON p.organization_id = c.organization_id AND p.trace_id = c.trace_id
           AND p.span_id = c.parent_span_id
         WHERE c.start_time >= $1 AND p.start_time >= $1::timestamptz - interval '10 minutes'
           AND c.parent_span_id IS NOT NULL AND p.service <> c.service
       ) calls, LATERAL (SELECT ${BUCKET_INDEX_SQL} AS bucket) b
       GROUP BY 1, 2, 3, 4, 5`,
      [from, GATEWAY_SERVICE_NAME],
    );
    const edges = new Map<
      string,
      {
        organizationId: string;
        minute: Date;
        client: string;
        server: string;
        count: number;
        errors: number;
        sum: number;
        buckets: number[];
      }
    >();
    for (const row of rows) {
      const key = `${row.organization_id}\0${row.minute.toISOString()}\0${row.client_service}\0${row.server_service}`;
      let edge = edges.get(key);
      if (!edge) {
        edge = {
          organizationId: row.organization_id,
          minute: row.minute,
          client: row.client_service,
          server: row.server_service,
          count: 0,
          errors: 0,
          sum: 0,
          buckets: emptyBuckets(),
        };
        edges.set(key, edge);
      }
      edge.count += Number(row.count);
      edge.errors += Number(row.errors);
      edge.sum += Number(row.duration_sum_ms);
      edge.buckets[row.bucket]! += Number(row.count);
    }
    const list = [...edges.values()];
    await client.query("BEGIN");
    await client.query("DELETE FROM telemetry_edge WHERE minute >= $1", [from]);
    if (list.length > 0) {
      await client.query(
        `INSERT INTO telemetry_edge (organization_id, minute, client_service, server_service, count, errors,
           duration_sum_ms, buckets)
         SELECT t.organization_id, t.minute, t.client_service, t.server_service, t.count, t.errors,
           t.duration_sum_ms, t.buckets::bigint[]
         FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::bigint[], $6::bigint[],
           $7::float8[], $8::text[])
           AS t(organization_id, minute, client_service, server_service, count, errors, duration_sum_ms, buckets)`,
        [
          list.map((e) => e.organizationId),
          list.map((e) => e.minute.toISOString()),
          list.map((e) => e.client),
          list.map((e) => e.server),
          list.map((e) => e.count),
          list.map((e) => e.errors),
          list.map((e) => e.sum),
          list.map((e) => `{${e.buckets.join(",")}}`),
        ],
      );
    }
    await client.query("COMMIT");
    return { edges: list.length };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

export interface RetentionOptions {
  /** Raw spans (day partitions) and batch markers older than this are dropped. */
  retentionDays: number;
  /** Day partitions created ahead of today, so writers rarely create one on the hot path. */
  partitionsAhead: number;
  /** Rollups and edges are kept longer than raw spans: they are small and feed long-range charts. */
  rollupRetentionDays: number;
}

/** Creates partitions ahead, drops day partitions past retention, deletes old rollups, edges and markers. */
export async function applyRetention(pool: Pool, options: RetentionOptions, nowMs = Date.now()) {
  const today = dayStartMs(nowMs);
  for (let day = 0; day <= options.partitionsAhead; day++) await createPartition(pool, today + day * DAY_MS);
  const oldestKeptDay = today - options.retentionDays * DAY_MS;
  const { rows } = await pool.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i
     JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
     WHERE p.relname = 'telemetry_span'`,
  );
  const dropped: string[] = [];
  for (const { name } of rows) {
    const match = /^telemetry_span_(\d{4})(\d{2})(\d{2})$/.exec(name);
    if (!match) continue;
    const dayMs = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
    if (dayMs < oldestKeptDay && name === partitionName(dayMs)) {
      await pool.query(`DROP TABLE IF EXISTS ${name}`);
      dropped.push(name);
    }
  }
  const rawCutoff = new Date(oldestKeptDay).toISOString();
  const rollupCutoff = new Date(today - options.rollupRetentionDays * DAY_MS).toISOString();
  const markers = await pool.query("DELETE FROM telemetry_batch WHERE written_at < $1", [rawCutoff]);
  const rollups = await pool.query("DELETE FROM telemetry_rollup WHERE minute < $1", [rollupCutoff]);
  const edges = await pool.query("DELETE FROM telemetry_edge WHERE minute < $1", [rollupCutoff]);
  const states = await pool.query("DELETE FROM telemetry_series_state WHERE updated_at < $1", [rawCutoff]);
  return {
    droppedPartitions: dropped,
    deletedMarkers: markers.rowCount ?? 0,
    deletedRollups: rollups.rowCount ?? 0,
    deletedEdges: edges.rowCount ?? 0,
    deletedSeriesStates: states.rowCount ?? 0,
  };
}
