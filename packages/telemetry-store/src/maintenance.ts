import type { Pool } from "pg";
import { createPartition, dayStartMs, partitionName } from "./partitions";
import { FINE_ROLLUP_RETENTION_MS } from "./window-totals";

const DAY_MS = 86_400_000;

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
  // Alerting reads the 10-second rollups for short windows only (see FINE_ROLLUP_RETENTION_MS).
  const fineCutoff = new Date(nowMs - FINE_ROLLUP_RETENTION_MS).toISOString();
  const fine = await pool.query("DELETE FROM telemetry_rollup_10s WHERE slot < $1", [fineCutoff]);
  const edges = await pool.query("DELETE FROM telemetry_edge WHERE minute < $1", [rollupCutoff]);
  const states = await pool.query("DELETE FROM telemetry_series_state WHERE updated_at < $1", [rawCutoff]);
  return {
    droppedPartitions: dropped,
    deletedMarkers: markers.rowCount ?? 0,
    deletedRollups: rollups.rowCount ?? 0,
    deletedFineRollups: fine.rowCount ?? 0,
    deletedEdges: edges.rowCount ?? 0,
    deletedSeriesStates: states.rowCount ?? 0,
  };
}
