import type { Pool, PoolClient } from "pg";
import type { NormalizedSpan, RequestHistogramPoint, TelemetryIngestPayload } from "@switchyard/contracts";
import {
  cumulativeDelta,
  pointRollup,
  RollupAccumulator,
  rollupSpans,
  type RollupRow,
  type SeriesState,
} from "./aggregate";
import { dayStartMs, SpanPartitions } from "./partitions";
import { EdgeAccumulator, queueUnresolved, resolveWithinBatch, upsertEdges } from "./service-graph";

export interface WriteResult {
  /** True when the batch had been written before (a retried job): nothing was written again. */
  duplicate: boolean;
  spans: number;
  points: number;
  rollupRows: number;
  /** Failed requests the batch added to the rollups; alerting evaluates early when there are any. */
  errors: number;
  /** Set when Postgres refused the batch's data: nothing of it was stored, and its items count as dropped. */
  dropped?: { items: number; reason: string };
}

/**
 * SQLSTATE classes of errors caused by the data itself (22 data exception, 23 integrity constraint
 * violation, 54 program limit exceeded, e.g. a key too large for its index): retrying the same batch fails
 * the same way. 23514 is left out: it is also "no partition of relation found", which a retry fixes.
 */
function refusesData(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" && /^(22|23|54)/.test(code) && code !== "23514";
}

const MAX_REASON_LENGTH = 500;

const EPOCH_PLUS_MICROS = (param: string) => `'epoch'::timestamptz + ${param} * interval '1 microsecond'`;

async function insertSpans(client: PoolClient, organizationId: string, spans: readonly NormalizedSpan[]) {
  if (spans.length === 0) return;
  const traceIds: string[] = [];
  const spanIds: string[] = [];
  const parents: Array<string | null> = [];
  const services: string[] = [];
  const names: string[] = [];
  const kinds: number[] = [];
  const starts: number[] = [];
  const durations: number[] = [];
  const statuses: number[] = [];
  const routes: Array<string | null> = [];
  const versions: Array<string | null> = [];
  const codes: Array<number | null> = [];
  const attributes: string[] = [];
  for (const span of spans) {
    traceIds.push(span.traceId);
    spanIds.push(span.spanId);
    parents.push(span.parentSpanId);
    services.push(span.service);
    names.push(span.name);
    kinds.push(span.kind);
    starts.push(span.startUs);
    durations.push(span.durationUs);
    statuses.push(span.status);
    routes.push(span.route);
    versions.push(span.version);
    codes.push(span.httpStatusCode);
    attributes.push(JSON.stringify(span.attributes));
  }
  await client.query(
    `INSERT INTO telemetry_span (organization_id, trace_id, span_id, parent_span_id, service, name, kind,
       start_time, duration_us, status, route, version, http_status_code, attributes)
     SELECT $1, t.trace_id, t.span_id, t.parent_span_id, t.service, t.name, t.kind,
       ${EPOCH_PLUS_MICROS("t.start_us")}, t.duration_us, t.status, t.route, t.version, t.code, t.attributes::jsonb
     FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::smallint[], $8::bigint[],
       $9::bigint[], $10::smallint[], $11::text[], $12::text[], $13::int[], $14::text[])
       AS t(trace_id, span_id, parent_span_id, service, name, kind, start_us, duration_us, status, route,
            version, code, attributes)`,
    [
      organizationId,
      traceIds,
      spanIds,
      parents,
      services,
      names,
      kinds,
      starts,
      durations,
      statuses,
      routes,
      versions,
      codes,
      attributes,
    ],
  );
}

const rollupKey = (r: RollupRow) =>
  `${r.minuteMs}\0${r.service}\0${r.route}\0${r.version}\0${r.statusClass}\0${r.source}`;

/** The per-minute rollups, and the 10-second ones alerting reads (kept about an hour). */
const rollupTables = {
  minute: { table: "telemetry_rollup", slot: "minute" },
  fine: { table: "telemetry_rollup_10s", slot: "slot" },
} as const;

/** Adds rows onto the rollups. Rows go in key order so concurrent batches lock them in the same order. */
export async function upsertRollups(
  client: PoolClient,
  organizationId: string,
  rows: RollupRow[],
  { table, slot }: (typeof rollupTables)[keyof typeof rollupTables] = rollupTables.minute,
) {
  if (rows.length === 0) return;
  const sorted = [...rows].sort((a, b) => (rollupKey(a) < rollupKey(b) ? -1 : 1));
  await client.query(
    `INSERT INTO ${table} AS r (organization_id, ${slot}, service, route, version, status_class, source,
       count, errors, duration_sum_ms, buckets)
     SELECT $1, to_timestamp(t.minute_ms / 1000.0), t.service, t.route, t.version, t.status_class, t.source,
       t.count, t.errors, t.duration_sum_ms, t.buckets::bigint[]
     FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[],
       $9::bigint[], $10::float8[], $11::text[])
       AS t(minute_ms, service, route, version, status_class, source, count, errors, duration_sum_ms, buckets)
     ON CONFLICT (organization_id, ${slot}, service, route, version, status_class, source) DO UPDATE SET
       count = r.count + excluded.count,
       errors = r.errors + excluded.errors,
       duration_sum_ms = r.duration_sum_ms + excluded.duration_sum_ms,
       buckets = ARRAY(SELECT a + b FROM unnest(r.buckets, excluded.buckets) AS u(a, b))`,
    [
      organizationId,
      sorted.map((r) => r.minuteMs),
      sorted.map((r) => r.service),
      sorted.map((r) => r.route),
      sorted.map((r) => r.version),
      sorted.map((r) => r.statusClass),
      sorted.map((r) => r.source),
      sorted.map((r) => r.count),
      sorted.map((r) => r.errors),
      sorted.map((r) => r.durationSumMs),
      sorted.map((r) => `{${r.buckets.join(",")}}`),
    ],
  );
}

/** Turns cumulative points into deltas against the stored series state, updating that state. */
async function metricRollups(
  client: PoolClient,
  organizationId: string,
  points: readonly RequestHistogramPoint[],
  into: RollupAccumulator,
): Promise<void> {
  const cumulative = points.filter((p) => p.temporality === "cumulative");
  for (const point of points) {
    if (point.temporality === "delta") into.add(pointRollup(point, point));
  }
  if (cumulative.length === 0) return;
  const keys = [...new Set(cumulative.map((p) => p.seriesKey))].sort();
  // Two batches of one new series must not both take it as "first seen": a placeholder row (start_us -1)
  // is inserted first, so the second writer waits on the first's insert and then reads its committed state.
  // Rows are taken in key order so concurrent batches cannot deadlock.
  await client.query(
    `INSERT INTO telemetry_series_state (organization_id, series_key, start_us, time_us, count, duration_sum_ms,
       buckets)
     SELECT $1, key, -1, -1, 0, 0, '{}' FROM unnest($2::text[]) AS key ORDER BY key
     ON CONFLICT (organization_id, series_key) DO NOTHING`,
    [organizationId, keys],
  );
  const existing = await client.query<{
    series_key: string;
    start_us: string;
    time_us: string;
    count: string;
    duration_sum_ms: number;
    buckets: string[];
  }>(
    `SELECT series_key, start_us, time_us, count, duration_sum_ms, buckets FROM telemetry_series_state
     WHERE organization_id = $1 AND series_key = ANY($2::text[]) ORDER BY series_key FOR UPDATE`,
    [organizationId, keys],
  );
  const states = new Map<string, SeriesState>();
  for (const row of existing.rows) {
    if (Number(row.start_us) < 0) continue;
    states.set(row.series_key, {
      startUs: Number(row.start_us),
      timeUs: Number(row.time_us),
      count: Number(row.count),
      sumMs: row.duration_sum_ms,
      buckets: row.buckets.map(Number),
    });
  }
  for (const point of [...cumulative].sort((a, b) => a.timeUs - b.timeUs)) {
    const { delta, state } = cumulativeDelta(point, states.get(point.seriesKey));
    states.set(point.seriesKey, state);
    if (delta && delta.count > 0) into.add(pointRollup(point, delta));
  }
  const changed = keys.map((key) => [key, states.get(key)!] as const);
  await client.query(
    `INSERT INTO telemetry_series_state AS s (organization_id, series_key, start_us, time_us, count,
       duration_sum_ms, buckets)
     SELECT $1, t.series_key, t.start_us, t.time_us, t.count, t.duration_sum_ms, t.buckets::bigint[]
     FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::float8[], $7::text[])
       AS t(series_key, start_us, time_us, count, duration_sum_ms, buckets)
     ON CONFLICT (organization_id, series_key) DO UPDATE SET start_us = excluded.start_us,
       time_us = excluded.time_us, count = excluded.count, duration_sum_ms = excluded.duration_sum_ms,
       buckets = excluded.buckets, updated_at = now()`,
    [
      organizationId,
      changed.map(([key]) => key),
      changed.map(([, s]) => s.startUs),
      changed.map(([, s]) => s.timeUs),
      changed.map(([, s]) => s.count),
      changed.map(([, s]) => s.sumMs),
      changed.map(([, s]) => `{${s.buckets.join(",")}}`),
    ],
  );
}

/**
 * Writes one ingest batch in one transaction: the batch marker first (a second writer of the same batch
 * waits on it and then finds it taken), then spans, service-graph calls whose parent is in the batch (the
 * other children are queued for the service-graph job), series state and rollup increments. A crash anywhere
 * rolls everything back, and the retried job writes it all exactly once.
 */
export class TelemetryWriter {
  private readonly partitions: SpanPartitions;

  constructor(private readonly pool: Pool) {
    this.partitions = new SpanPartitions(pool);
  }

  async write(batch: TelemetryIngestPayload): Promise<WriteResult> {
    const { organizationId } = batch;
    if (batch.signal === "traces") {
      await this.partitions.ensure(new Set(batch.spans.map((s) => dayStartMs(s.startUs / 1000))));
    }
    const stored = batch.signal === "traces" ? batch.spans.length : batch.points.length;
    const ignored = batch.signal === "metrics" ? batch.ignored : 0;
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      const marker = await client.query(
        `INSERT INTO telemetry_batch (organization_id, batch_id, signal, items_stored, items_rejected, items_ignored)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING 1`,
        [organizationId, batch.batchId, batch.signal, stored, batch.rejected, ignored],
      );
      if (marker.rowCount === 0) {
        await client.query("ROLLBACK");
        return { duplicate: true, spans: 0, points: 0, rollupRows: 0, errors: 0 };
      }
      const rollups = new RollupAccumulator();
      if (batch.signal === "traces") {
        await insertSpans(client, organizationId, batch.spans);
        rollupSpans(batch.spans, rollups);
        const edges = new EdgeAccumulator();
        await queueUnresolved(client, organizationId, resolveWithinBatch(organizationId, batch.spans, edges));
        await upsertEdges(client, edges.values());
      } else {
        await metricRollups(client, organizationId, batch.points, rollups);
      }
      const rows = rollups.values();
      await upsertRollups(client, organizationId, rows);
      await upsertRollups(client, organizationId, rollups.fineValues(), rollupTables.fine);
      await client.query("COMMIT");
      return {
        duplicate: false,
        spans: batch.signal === "traces" ? stored : 0,
        points: batch.signal === "metrics" ? stored : 0,
        rollupRows: rows.length,
        errors: rows.reduce((sum, row) => sum + row.errors, 0),
      };
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      if ((error as { code?: string }).code === "23514") {
        // "no partition of relation found": the retention job dropped one this process still believed in.
        for (const span of batch.signal === "traces" ? batch.spans : [])
          this.partitions.forget(dayStartMs(span.startUs / 1000));
      }
      if (refusesData(error)) return this.recordDropped(batch, stored, ignored, error as Error);
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * Marks a batch whose data Postgres refused as written with all its items dropped, and why: a retry of
   * the job then finds the marker, and the loss shows in the ingest statistics instead of vanishing when
   * BullMQ gives up.
   */
  private async recordDropped(
    batch: TelemetryIngestPayload,
    items: number,
    ignored: number,
    error: Error,
  ): Promise<WriteResult> {
    const reason = `${(error as { code?: string }).code ?? ""} ${error.message}`
      .trim()
      .slice(0, MAX_REASON_LENGTH);
    const marker = await this.pool.query(
      `INSERT INTO telemetry_batch (organization_id, batch_id, signal, items_stored, items_rejected, items_ignored,
         items_dropped, drop_reason)
       VALUES ($1, $2, $3, 0, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING 1`,
      [batch.organizationId, batch.batchId, batch.signal, batch.rejected, ignored, items, reason],
    );
    if (marker.rowCount === 0) return { duplicate: true, spans: 0, points: 0, rollupRows: 0, errors: 0 };
    return { duplicate: false, spans: 0, points: 0, rollupRows: 0, errors: 0, dropped: { items, reason } };
  }
}
