import {
  classifyHealth,
  GATEWAY_SERVICE_NAME,
  gatewayInstanceOf,
  resolveTimeRange,
  type HealthStatus,
  type HealthThresholds,
  type TimeRange,
} from "@switchyard/contracts";
import pg from "pg";
import {
  redBreakdown,
  serviceGraphSummary,
  TelemetryQueries,
  totalsOf,
  type EdgeVersionTotals,
  type RedPoint,
  type RedSeries,
  type RedTotals,
  type ServiceGraphEdge,
  type ServiceGraphSummaryEdge,
  type TraceSummary,
} from "@switchyard/telemetry-store";

/** The pg pool the telemetry store reads from; typed through the store so this package needs no pg import. */
export type TelemetryPool = ConstructorParameters<typeof TelemetryQueries>[0];

/** What the dashboard reads telemetry through: the store's queries and the pool its breakdowns run on. */
export class TelemetryReader {
  readonly queries: TelemetryQueries;
  constructor(readonly pool: TelemetryPool) {
    this.queries = new TelemetryQueries(pool);
  }
}

/** A reader with its own small pool: dashboard reads stay off the pool Prisma uses for the rest. */
export function createTelemetryReader(connectionString: string, maxConnections = 5): TelemetryReader {
  return new TelemetryReader(new pg.Pool({ connectionString, max: maxConnections }));
}

export interface ResolvedWindow {
  from: Date;
  to: Date;
  stepSeconds: number;
}

export interface ServiceRow {
  name: string;
  totals: RedTotals;
  health: HealthStatus;
  points: RedPoint[];
}

export interface Overview {
  window: ResolvedWindow;
  services: ServiceRow[];
}

export function windowFor(range: TimeRange, now: Date): ResolvedWindow {
  return resolveTimeRange(range, now);
}

export async function loadOverview(
  reader: TelemetryReader,
  organizationId: string,
  window: ResolvedWindow,
  thresholds: HealthThresholds,
): Promise<Overview> {
  const series = await redBreakdown(reader.pool, { organizationId, by: "service", ...window });
  return {
    window,
    services: series.map((s) => ({
      name: s.key,
      totals: s.totals,
      health: classifyHealth(s.totals, thresholds),
      points: s.points,
    })),
  };
}

/** A service reached through the gateway is drawn as a gateway node; the agent reports under this name. */
export function isGatewayService(name: string): boolean {
  return /gateway/i.test(name);
}

/**
 * A gateway instance reports no RED of its own (its metrics are per upstream service), so its node shows the
 * calls it made. Percentiles of several edges cannot be combined from their summaries and stay empty.
 */
function callerTotals(client: string, edges: ServiceGraphEdge[]): RedTotals {
  let count = 0;
  let errors = 0;
  let rate = 0;
  for (const edge of edges) {
    if (edge.client !== client) continue;
    count += edge.count;
    errors += edge.errors;
    rate += edge.rate;
  }
  return {
    count,
    errors,
    rate,
    errorRate: count === 0 ? 0 : errors / count,
    p50Ms: null,
    p95Ms: null,
    p99Ms: null,
  };
}

export interface MapNode {
  id: string;
  /** What the map shows: the service name, or a gateway instance's agent id. */
  label: string;
  kind: "gateway" | "service";
  totals: RedTotals | null;
  health: HealthStatus;
}

export interface MapEdge extends ServiceGraphSummaryEdge {
  /**
   * This edge's calls per version of the server that answered them, when more than one version answered
   * (a canary): the edge is drawn split. They add up to the edge's own numbers.
   */
  versions: EdgeVersionTotals[];
}

export interface ServiceMap {
  window: ResolvedWindow;
  nodes: MapNode[];
  edges: MapEdge[];
}

export async function loadServiceMap(
  reader: TelemetryReader,
  organizationId: string,
  window: ResolvedWindow,
  thresholds: HealthThresholds,
): Promise<ServiceMap> {
  // The map shows totals only: one step over the whole window keeps the breakdowns to one row per series.
  const whole = { ...window, stepSeconds: (window.to.getTime() - window.from.getTime()) / 1000 };
  const [edges, services] = await Promise.all([
    serviceGraphSummary(reader.pool, { organizationId, from: window.from, to: window.to }),
    redBreakdown(reader.pool, { organizationId, by: "service", ...whole }),
  ]);
  const totalsByService = new Map(services.map((s) => [s.key, s.totals]));
  const names = new Set<string>(totalsByService.keys());
  // Once the gateway's instances are drawn, the gateway service's own node (its spans' totals, no edges)
  // would only duplicate them.
  if (edges.some((edge) => gatewayInstanceOf(edge.client) !== null)) names.delete(GATEWAY_SERVICE_NAME);
  for (const edge of edges) names.add(edge.client).add(edge.server);
  const nodes = [...names].sort().map((id): MapNode => {
    const instance = gatewayInstanceOf(id);
    const totals = totalsByService.get(id) ?? (instance === null ? null : callerTotals(id, edges));
    return {
      id,
      label: instance ?? id,
      kind: instance !== null || isGatewayService(id) ? "gateway" : "service",
      totals,
      health: totals ? classifyHealth(totals, thresholds) : "idle",
    };
  });
  return {
    window,
    nodes,
    edges: edges.map((edge) => ({ ...edge, versions: edge.versions.length > 1 ? edge.versions : [] })),
  };
}

export interface ServiceDetail {
  window: ResolvedWindow;
  service: string;
  totals: RedTotals;
  health: HealthStatus;
  points: RedPoint[];
  byRoute: RedSeries[];
  byVersion: RedSeries[];
  recentErrors: TraceSummary[];
  recentSlow: TraceSummary[];
}

/** Slow means past the design brief's red line for a trace. */
export const SLOW_TRACE_MS = 500;

export async function loadServiceDetail(
  reader: TelemetryReader,
  organizationId: string,
  window: ResolvedWindow,
  thresholds: HealthThresholds,
  filter: { service: string; route?: string; version?: string },
): Promise<ServiceDetail> {
  const base = { organizationId, ...window, service: filter.service };
  const [whole, byRoute, byVersion, recentErrors, recentSlow] = await Promise.all([
    redBreakdown(reader.pool, { ...base, by: "service" }),
    redBreakdown(reader.pool, { ...base, by: "route" }),
    redBreakdown(reader.pool, { ...base, by: "version" }),
    reader.queries.searchTraces({ ...base, route: filter.route, status: "error", limit: 10 }),
    reader.queries.searchTraces({ ...base, route: filter.route, minDurationMs: SLOW_TRACE_MS, limit: 10 }),
  ]);
  const selected = await selectedSeries(reader, base, filter, { whole, byRoute, byVersion });
  const totals = selected?.totals ?? totalsOf(0, 0, [], 1);
  const points =
    selected?.points ?? (await reader.queries.red({ ...base, route: filter.route, version: filter.version }));
  return {
    window,
    service: filter.service,
    totals,
    health: classifyHealth(totals, thresholds),
    points,
    byRoute,
    byVersion,
    recentErrors,
    recentSlow,
  };
}

/**
 * The series the page is filtered to. One filter is a row of a breakdown already loaded; route and version
 * together are read on their own (rare, and the store's `red` answers it directly).
 */
async function selectedSeries(
  reader: TelemetryReader,
  base: { organizationId: string; from: Date; to: Date; stepSeconds: number; service: string },
  filter: { route?: string; version?: string },
  loaded: { whole: RedSeries[]; byRoute: RedSeries[]; byVersion: RedSeries[] },
): Promise<{ totals: RedTotals; points: RedPoint[] } | undefined> {
  if (filter.route !== undefined && filter.version !== undefined) {
    const seconds = (base.to.getTime() - base.from.getTime()) / 1000;
    const query = { ...base, route: filter.route, version: filter.version };
    const [points, [all]] = await Promise.all([
      reader.queries.red(query),
      reader.queries.red({ ...query, stepSeconds: seconds }),
    ]);
    if (!all) return undefined;
    const { time: _time, ...totals } = all;
    return { points, totals: { ...totals, rate: all.count / seconds } };
  }
  if (filter.route !== undefined) return loaded.byRoute.find((s) => s.key === filter.route);
  if (filter.version !== undefined) return loaded.byVersion.find((s) => s.key === filter.version);
  return loaded.whole[0];
}
