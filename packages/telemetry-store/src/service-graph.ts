import type { Pool, PoolClient } from "pg";
import { GATEWAY_SERVICE_NAME, type NormalizedSpan } from "@switchyard/contracts";
import { minuteOf } from "./aggregate";
import { spanIsError } from "./span-rules";
import { bucketIndex, emptyBuckets } from "./histogram";

/**
 * Calls from one service to another in one minute, answered by one version of the server, as added onto
 * `telemetry_edge`.
 */
export interface EdgeRow {
  organizationId: string;
  minuteMs: number;
  client: string;
  server: string;
  /** The server span's version, as the rollups key it ('' when the span has none). */
  serverVersion: string;
  count: number;
  errors: number;
  durationSumMs: number;
  buckets: number[];
}

/** A child span whose parent was not in its batch: the service-graph job looks the parent up later. */
export interface UnresolvedChild {
  traceId: string;
  parentSpanId: string;
  service: string;
  /** The child's version ('' for none): the version of the server side of the call. */
  version: string;
  startUs: number;
  durationUs: number;
  error: boolean;
}

/**
 * The caller's name on the map: a gateway parent is named by its instance (`switchyard-gateway/<agent id>`),
 * so two gateways in front of the same services are two callers.
 */
function callerName(span: Pick<NormalizedSpan, "service" | "attributes">): string {
  const instance = span.attributes["service.instance.id"];
  return span.service === GATEWAY_SERVICE_NAME && instance !== undefined
    ? `${span.service}/${String(instance)}`
    : span.service;
}

const edgeKey = (e: Pick<EdgeRow, "organizationId" | "minuteMs" | "client" | "server" | "serverVersion">) =>
  `${e.organizationId}\0${e.minuteMs}\0${e.client}\0${e.server}\0${e.serverVersion}`;

/** Sums calls per edge and minute, so a batch or a job run makes one upsert per edge row. */
export class EdgeAccumulator {
  private readonly rows = new Map<string, EdgeRow>();

  /**
   * One call from `client` (the parent's caller name) to the child's service and version, in the child's
   * minute.
   */
  addCall(organizationId: string, client: string, child: UnresolvedChild): void {
    const durationMs = child.durationUs / 1000;
    const id = {
      organizationId,
      minuteMs: minuteOf(child.startUs),
      client,
      server: child.service,
      serverVersion: child.version,
    };
    const key = edgeKey(id);
    let row = this.rows.get(key);
    if (!row) {
      row = {
        ...id,
        count: 0,
        errors: 0,
        durationSumMs: 0,
        buckets: emptyBuckets(),
      };
      this.rows.set(key, row);
    }
    row.count++;
    if (child.error) row.errors++;
    row.durationSumMs += durationMs;
    row.buckets[bucketIndex(durationMs)]!++;
  }

  values(): EdgeRow[] {
    return [...this.rows.values()];
  }
}

/**
 * Splits a batch's child spans into calls whose parent is in the batch (counted now, into `edges`, when
 * parent and child are in different services) and children whose parent is not (returned, for the job).
 */
export function resolveWithinBatch(
  organizationId: string,
  spans: readonly NormalizedSpan[],
  edges: EdgeAccumulator,
): UnresolvedChild[] {
  const byId = new Map<string, NormalizedSpan>();
  for (const span of spans) byId.set(`${span.traceId}:${span.spanId}`, span);
  const unresolved: UnresolvedChild[] = [];
  for (const span of spans) {
    if (span.parentSpanId === null) continue;
    const child: UnresolvedChild = {
      traceId: span.traceId,
      parentSpanId: span.parentSpanId,
      service: span.service,
      version: span.version ?? "",
      startUs: span.startUs,
      durationUs: span.durationUs,
      error: spanIsError(span),
    };
    const parent = byId.get(`${span.traceId}:${span.parentSpanId}`);
    if (parent === undefined) unresolved.push(child);
    else if (parent.service !== span.service) edges.addCall(organizationId, callerName(parent), child);
  }
  return unresolved;
}

/** Adds edge rows onto `telemetry_edge`, in key order so concurrent writers lock rows in the same order. */
export async function upsertEdges(client: PoolClient, rows: EdgeRow[]): Promise<void> {
  if (rows.length === 0) return;
  const sorted = [...rows].sort((a, b) => (edgeKey(a) < edgeKey(b) ? -1 : 1));
  await client.query(
    `INSERT INTO telemetry_edge AS e (organization_id, minute, client_service, server_service, server_version,
       count, errors, duration_sum_ms, buckets)
     SELECT t.organization_id, to_timestamp(t.minute_ms / 1000.0), t.client_service, t.server_service,
       t.server_version, t.count, t.errors, t.duration_sum_ms, t.buckets::bigint[]
     FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[],
       $8::float8[], $9::text[])
       AS t(organization_id, minute_ms, client_service, server_service, server_version, count, errors,
         duration_sum_ms, buckets)
     ON CONFLICT (organization_id, minute, client_service, server_service, server_version) DO UPDATE SET
       count = e.count + excluded.count, errors = e.errors + excluded.errors,
       duration_sum_ms = e.duration_sum_ms + excluded.duration_sum_ms,
       buckets = ARRAY(SELECT a + b FROM unnest(e.buckets, excluded.buckets) AS u(a, b))`,
    [
      sorted.map((r) => r.organizationId),
      sorted.map((r) => r.minuteMs),
      sorted.map((r) => r.client),
      sorted.map((r) => r.server),
      sorted.map((r) => r.serverVersion),
      sorted.map((r) => r.count),
      sorted.map((r) => r.errors),
      sorted.map((r) => r.durationSumMs),
      sorted.map((r) => `{${r.buckets.join(",")}}`),
    ],
  );
}

/** Leaves children for the service-graph job, in the caller's transaction. */
export async function queueUnresolved(
  client: PoolClient,
  organizationId: string,
  children: readonly UnresolvedChild[],
  queuedAt?: Date,
): Promise<void> {
  if (children.length === 0) return;
  await client.query(
    `INSERT INTO telemetry_graph_pending (organization_id, queued_at, trace_ids, parent_span_ids, services,
       versions, start_us, duration_us, errors)
     VALUES ($1, coalesce($2, now()), $3, $4, $5, $6, $7, $8, $9)`,
    [
      organizationId,
      queuedAt ?? null,
      children.map((c) => c.traceId),
      children.map((c) => c.parentSpanId),
      children.map((c) => c.service),
      children.map((c) => c.version),
      children.map((c) => c.startUs),
      children.map((c) => c.durationUs),
      children.map((c) => c.error),
    ],
  );
}

/** How long a child whose parent has not arrived is looked for again; then it is counted in no edge. */
export const PARENT_WAIT_MS = 10 * 60_000;
/** Any fixed number every worker agrees on: one graph update at a time. */
const GRAPH_LOCK_KEY = 731_905_517;

interface PendingRow {
  organization_id: string;
  queued_at: Date;
  trace_ids: string[];
  parent_span_ids: string[];
  services: string[];
  versions: string[];
  start_us: string[];
  duration_us: string[];
  errors: boolean[];
}

/**
 * The service-graph job: takes the children queued by writers (and by earlier runs), looks up each one's
 * parent among the stored spans by trace id, and adds a call to the edges when the parent is found in
 * another service. A child whose parent has not arrived is queued again until PARENT_WAIT_MS after it was
 * first queued. Everything happens in one transaction (a failed run takes nothing), and each child is
 * counted at most once because counting it removes it. Runs are serialised by an advisory lock; a run that
 * finds another in progress does nothing, and the next one picks the rows up.
 */
export async function updateServiceGraph(
  pool: Pool,
  nowMs = Date.now(),
): Promise<{ calls: number; waiting: number; expired: number; skipped: boolean }> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const { rows: lock } = await client.query<{ locked: boolean }>(
      "SELECT pg_try_advisory_xact_lock($1) AS locked",
      [GRAPH_LOCK_KEY],
    );
    if (!lock[0]!.locked) {
      await client.query("ROLLBACK");
      return { calls: 0, waiting: 0, expired: 0, skipped: true };
    }
    const { rows: pending } = await client.query<PendingRow>(
      `DELETE FROM telemetry_graph_pending RETURNING organization_id, queued_at, trace_ids, parent_span_ids,
         services, versions, start_us, duration_us, errors`,
    );
    const children = pending.flatMap((row) =>
      row.trace_ids.map((traceId, i) => ({
        row,
        child: {
          traceId,
          parentSpanId: row.parent_span_ids[i]!,
          service: row.services[i]!,
          version: row.versions[i]!,
          startUs: Number(row.start_us[i]),
          durationUs: Number(row.duration_us[i]),
          error: row.errors[i]!,
        } satisfies UnresolvedChild,
      })),
    );
    const parents = await findParents(client, children);
    const edges = new EdgeAccumulator();
    const waiting = new Map<PendingRow, UnresolvedChild[]>();
    let calls = 0;
    let expired = 0;
    children.forEach(({ row, child }, i) => {
      const parent = parents[i];
      if (parent !== undefined) {
        if (parent.service !== child.service) {
          edges.addCall(row.organization_id, parent.caller, child);
          calls++;
        }
      } else if (nowMs - row.queued_at.getTime() < PARENT_WAIT_MS) {
        let list = waiting.get(row);
        if (!list) waiting.set(row, (list = []));
        list.push(child);
      } else expired++;
    });
    await upsertEdges(client, edges.values());
    for (const [row, list] of waiting)
      await queueUnresolved(client, row.organization_id, list, row.queued_at);
    await client.query("COMMIT");
    return {
      calls,
      waiting: [...waiting.values()].reduce((n, list) => n + list.length, 0),
      expired,
      skipped: false,
    };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Each child's parent (service and caller name), or undefined where it is not stored (yet). */
async function findParents(
  client: PoolClient,
  children: ReadonlyArray<{ row: PendingRow; child: UnresolvedChild }>,
): Promise<Array<{ service: string; caller: string } | undefined>> {
  if (children.length === 0) return [];
  // LATERAL with LIMIT keeps the plan one index probe per child on (organization_id, trace_id), whatever
  // the statistics say; a join could be planned as a scan of whole day partitions.
  const { rows } = await client.query<{ i: string; service: string; instance: string | null }>(
    `SELECT u.i, p.service, p.instance
     FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS u(organization_id, trace_id, span_id, i)
     CROSS JOIN LATERAL (
       SELECT s.service, s.attributes ->> 'service.instance.id' AS instance FROM telemetry_span s
       WHERE s.organization_id = u.organization_id AND s.trace_id = u.trace_id AND s.span_id = u.span_id
       LIMIT 1
     ) p`,
    [
      children.map(({ row }) => row.organization_id),
      children.map(({ child }) => child.traceId),
      children.map(({ child }) => child.parentSpanId),
    ],
  );
  const parents = new Array<{ service: string; caller: string } | undefined>(children.length);
  for (const row of rows) {
    const attributes: Record<string, string> =
      row.instance === null ? {} : { "service.instance.id": row.instance };
    parents[Number(row.i) - 1] = {
      service: row.service,
      caller: callerName({ service: row.service, attributes }),
    };
  }
  return parents;
}
