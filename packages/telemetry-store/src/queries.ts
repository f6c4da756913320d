import type { Pool } from "pg";
import type { NormalizedSpan } from "@switchyard/contracts";
import { addBuckets, emptyBuckets, percentileFromBuckets } from "./histogram";
import { routeMatchesSql, SPAN_FAILS_TRACE_SQL } from "./span-rules";

export interface RedQuery {
  organizationId: string;
  from: Date;
  to: Date;
  stepSeconds: number;
  service?: string;
  route?: string;
  version?: string;
}

export interface RedPoint {
  /** Start of the step. */
  time: Date;
  count: number;
  errors: number;
  /** Requests per second over the step. */
  rate: number;
  /** errors / count, 0 when there were no requests. */
  errorRate: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

export interface ServiceGraphEdge {
  client: string;
  server: string;
  count: number;
  errors: number;
  rate: number;
  errorRate: number;
  p99Ms: number | null;
}

/** One edge's calls summed over a window, before its rates and percentile are worked out. */
export interface EdgeTally {
  client: string;
  server: string;
  count: number;
  errors: number;
  buckets: number[];
}

export function edgeSummary(tally: EdgeTally, seconds: number): ServiceGraphEdge {
  return {
    client: tally.client,
    server: tally.server,
    count: tally.count,
    errors: tally.errors,
    rate: tally.count / seconds,
    errorRate: tally.count === 0 ? 0 : tally.errors / tally.count,
    p99Ms: percentileFromBuckets(tally.buckets, 0.99),
  };
}

export const byClientAndServer = (a: ServiceGraphEdge, b: ServiceGraphEdge) =>
  a.client.localeCompare(b.client) || a.server.localeCompare(b.server);

export interface StoredSpan extends NormalizedSpan {
  organizationId: string;
}

export interface TraceSearchQuery {
  organizationId: string;
  from: Date;
  to: Date;
  service?: string;
  /** Route as a "By route" row names it (`rollupRouteOf`). */
  route?: string;
  /**
   * "error" matches the spans that make a trace a failed one (`spanFailsTrace`: an error on a SERVER or
   * CONSUMER span, or on the root); "ok" the rest.
   */
  status?: "ok" | "error";
  minDurationMs?: number;
  limit: number;
}

export interface IngestStats {
  signal: "traces" | "metrics";
  batches: number;
  /** Spans or request-histogram points written. */
  stored: number;
  rejected: number;
  /** Metric points accepted but not rolled up. */
  ignored: number;
  /** Items of accepted batches that Postgres refused to store (see `telemetry_batch.drop_reason`). */
  dropped: number;
}

export interface TraceSummary {
  traceId: string;
  service: string;
  name: string;
  route: string | null;
  start: Date;
  durationMs: number;
  error: boolean;
}

/** Folds rollup-shaped rows into per-step RED points. Pure, so the math is tested without a database. */
export function foldRed(
  rows: ReadonlyArray<{ minute: Date; count: number; errors: number; buckets: number[] }>,
  from: Date,
  to: Date,
  stepSeconds: number,
): RedPoint[] {
  const stepMs = stepSeconds * 1000;
  const steps = Math.max(0, Math.ceil((to.getTime() - from.getTime()) / stepMs));
  const acc = Array.from({ length: steps }, () => ({ count: 0, errors: 0, buckets: emptyBuckets() }));
  for (const row of rows) {
    const index = Math.floor((row.minute.getTime() - from.getTime()) / stepMs);
    const step = acc[index];
    if (!step) continue;
    step.count += row.count;
    step.errors += row.errors;
    addBuckets(step.buckets, row.buckets);
  }
  return acc.map((step, i) => ({
    time: new Date(from.getTime() + i * stepMs),
    count: step.count,
    errors: step.errors,
    rate: step.count / stepSeconds,
    errorRate: step.count === 0 ? 0 : step.errors / step.count,
    p50Ms: percentileFromBuckets(step.buckets, 0.5),
    p95Ms: percentileFromBuckets(step.buckets, 0.95),
    p99Ms: percentileFromBuckets(step.buckets, 0.99),
  }));
}

/** The read side every consumer uses (dashboards and the alert evaluator). Every query is per organization. */
export class TelemetryQueries {
  constructor(private readonly pool: Pool) {}

  /**
   * RED per step. For each service, metrics-source rows are used when it has any in the range, otherwise
   * spans-source rows, so sampled gateway spans never distort counts that its metrics report exactly.
   */
  async red(query: RedQuery): Promise<RedPoint[]> {
    const { rows } = await this.pool.query<{
      minute: Date;
      service: string;
      source: string;
      count: string;
      errors: string;
      buckets: string[];
    }>(
      `SELECT minute, service, source, count, errors, buckets FROM telemetry_rollup
       WHERE organization_id = $1 AND minute >= $2 AND minute < $3
         AND ($4::text IS NULL OR service = $4) AND ($5::text IS NULL OR route = $5)
         AND ($6::text IS NULL OR version = $6)`,
      [
        query.organizationId,
        query.from,
        query.to,
        query.service ?? null,
        query.route ?? null,
        query.version ?? null,
      ],
    );
    const withMetrics = new Set(rows.filter((r) => r.source === "metrics").map((r) => r.service));
    const chosen = rows
      .filter((r) => (withMetrics.has(r.service) ? r.source === "metrics" : r.source === "spans"))
      .map((r) => ({
        minute: r.minute,
        count: Number(r.count),
        errors: Number(r.errors),
        buckets: r.buckets.map(Number),
      }));
    return foldRed(chosen, query.from, query.to, query.stepSeconds);
  }

  async serviceGraph(query: { organizationId: string; from: Date; to: Date }): Promise<ServiceGraphEdge[]> {
    const { rows } = await this.pool.query<{
      client_service: string;
      server_service: string;
      count: string;
      errors: string;
      buckets: string[];
    }>(
      `SELECT client_service, server_service, count, errors, buckets FROM telemetry_edge
       WHERE organization_id = $1 AND minute >= $2 AND minute < $3`,
      [query.organizationId, query.from, query.to],
    );
    const seconds = Math.max(1, (query.to.getTime() - query.from.getTime()) / 1000);
    const edges = new Map<string, EdgeTally>();
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
        };
        edges.set(key, edge);
      }
      edge.count += Number(row.count);
      edge.errors += Number(row.errors);
      addBuckets(edge.buckets, row.buckets.map(Number));
    }
    return [...edges.values()].map((edge) => edgeSummary(edge, seconds)).sort(byClientAndServer);
  }

  /**
   * What an organization sent over a range, by signal, from the batch markers: stored, rejected at the
   * ingest (with reasons in the OTLP responses), accepted but not rolled up (metrics other than the
   * request-duration histograms) and accepted but refused by the database (dropped, with the reason on
   * the marker).
   */
  async ingestStats(query: { organizationId: string; from: Date; to: Date }): Promise<IngestStats[]> {
    const { rows } = await this.pool.query<{
      signal: "traces" | "metrics";
      batches: string;
      stored: string;
      rejected: string;
      ignored: string;
      dropped: string;
    }>(
      `SELECT signal, count(*) AS batches, sum(items_stored) AS stored, sum(items_rejected) AS rejected,
         sum(items_ignored) AS ignored, sum(items_dropped) AS dropped
       FROM telemetry_batch WHERE organization_id = $1 AND written_at >= $2 AND written_at < $3
       GROUP BY signal ORDER BY signal`,
      [query.organizationId, query.from, query.to],
    );
    return rows.map((row) => ({
      signal: row.signal,
      batches: Number(row.batches),
      stored: Number(row.stored),
      rejected: Number(row.rejected),
      ignored: Number(row.ignored),
      dropped: Number(row.dropped),
    }));
  }

  /** Every stored span of a trace, by start time. Empty when the trace is unknown in this organization. */
  async traceById(organizationId: string, traceId: string): Promise<StoredSpan[]> {
    const { rows } = await this.pool.query<SpanRow>(
      `SELECT ${SPAN_COLUMNS} FROM telemetry_span WHERE organization_id = $1 AND trace_id = $2
       ORDER BY start_time, span_id`,
      [organizationId, traceId.toLowerCase()],
    );
    return rows.map(toStoredSpan);
  }

  /** Newest traces first, each summarised by its outermost matching span. */
  async searchTraces(query: TraceSearchQuery): Promise<TraceSummary[]> {
    const { rows } = await this.pool.query<{
      trace_id: string;
      service: string;
      name: string;
      route: string | null;
      start_time: Date;
      duration_us: string;
      error: boolean;
    }>(
      // The newest matching spans (bounded), then per trace the one that started first: the outermost
      // match, i.e. the request into the service rather than a call it made while serving it.
      `SELECT trace_id, service, name, route, start_time, duration_us, error FROM (
         SELECT DISTINCT ON (trace_id) trace_id, service, name, route, start_time, duration_us, error FROM (
           SELECT trace_id, service, name, route, start_time, duration_us, ${SPAN_FAILS_TRACE_SQL} AS error
           FROM telemetry_span
           WHERE organization_id = $1 AND start_time >= $2 AND start_time < $3
             AND ($4::text IS NULL OR service = $4) AND ($5::text IS NULL OR ${routeMatchesSql("$5")})
             AND ($6::text IS NULL OR ($6 = 'error') = ${SPAN_FAILS_TRACE_SQL})
             AND duration_us >= $7
           ORDER BY start_time DESC, trace_id LIMIT $8
         ) AS recent
         ORDER BY trace_id, start_time, duration_us DESC
       ) AS per_trace
       ORDER BY start_time DESC, trace_id LIMIT $9`,
      [
        query.organizationId,
        query.from,
        query.to,
        query.service ?? null,
        query.route ?? null,
        query.status ?? null,
        Math.round((query.minDurationMs ?? 0) * 1000),
        query.limit * 4,
        query.limit,
      ],
    );
    return rows.map((row) => ({
      traceId: row.trace_id,
      service: row.service,
      name: row.name,
      route: row.route,
      start: row.start_time,
      durationMs: Number(row.duration_us) / 1000,
      error: row.error,
    }));
  }
}

const SPAN_COLUMNS = `organization_id, trace_id, span_id, parent_span_id, service, name, kind,
  (extract(epoch FROM start_time) * 1000000)::bigint AS start_us, duration_us, status, route, version,
  http_status_code, attributes`;

interface SpanRow {
  organization_id: string;
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  service: string;
  name: string;
  kind: number;
  start_us: string;
  duration_us: string;
  status: number;
  route: string | null;
  version: string | null;
  http_status_code: number | null;
  attributes: NormalizedSpan["attributes"];
}

function toStoredSpan(row: SpanRow): StoredSpan {
  return {
    organizationId: row.organization_id,
    traceId: row.trace_id,
    spanId: row.span_id,
    parentSpanId: row.parent_span_id,
    service: row.service,
    name: row.name,
    kind: row.kind,
    startUs: Number(row.start_us),
    durationUs: Number(row.duration_us),
    status: row.status,
    route: row.route,
    version: row.version,
    httpStatusCode: row.http_status_code,
    attributes: row.attributes,
  };
}
