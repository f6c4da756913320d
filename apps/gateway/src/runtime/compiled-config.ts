import {
  type GatewayConfig,
  type GatewayRoute,
  type GatewayService,
  type HeaderChanges,
} from "@switchyard/contracts";
import { createBalancer, fnv1a, type Balancer, type PoolMember } from "../balancing/balancer";
import { type RouteLimiterRegistry, type RouteLimiter } from "../ratelimit/route-limiter";
import {
  hostMatcherOf,
  methodBit,
  methodMaskOf,
  RouteTable,
  type RouteMatcher,
} from "../routing/route-table";
import { TrafficSplitter } from "../routing/traffic-split";
import { NO_VALUE, type MetricSeries, type RequestMetrics } from "../telemetry/request-metrics";
import { targetKey, type TargetRegistry } from "../upstream/target-registry";
import { type TargetState } from "../upstream/target-state";

export interface CompiledTarget extends PoolMember {
  readonly id: string;
  readonly serviceId: string;
  readonly version: string;
  readonly weight: number;
  readonly hashSeed: number;
  readonly state: TargetState;
  /** Index into the service's `versions`, used to find the metric series without hashing. */
  readonly versionIndex: number;
}

export interface CompiledService {
  readonly id: string;
  readonly config: GatewayService;
  readonly targets: readonly CompiledTarget[];
  readonly versions: readonly string[];
  /** All targets, or the stable side when the service has a split. */
  readonly primary: Balancer<CompiledTarget>;
  readonly canary: Balancer<CompiledTarget> | null;
  readonly splitter: TrafficSplitter | null;
}

export interface CompiledRetry {
  readonly attempts: number;
  readonly initialIntervalMs: number;
  readonly maxIntervalMs: number;
  readonly methodMask: number;
  /** Indexed by `status - 500`. */
  readonly onStatus: Uint8Array;
}

export interface CompiledRoute extends RouteMatcher {
  readonly id: string;
  readonly service: CompiledService;
  readonly stripPrefix: string | null;
  readonly timeoutMs: number;
  readonly retry: CompiledRetry;
  readonly limiter: RouteLimiter | null;
  readonly requestHeaders: CompiledHeaderChanges | null;
  readonly responseHeaders: CompiledHeaderChanges | null;
  /** Aligned with `service.versions`. */
  readonly metricsByVersion: readonly MetricSeries[];
  /** For requests that ended before a target was chosen (rate limited, nothing healthy). */
  readonly metricsWithoutTarget: MetricSeries;
}

export interface CompiledHeaderChanges {
  /** Lower-case names to drop, including the ones `set` replaces. */
  readonly remove: readonly string[];
  /** Flat name/value list appended after removal. */
  readonly set: readonly string[];
}

/** One revision, compiled once: the request path only reads it. */
export interface CompiledConfig {
  readonly config: GatewayConfig;
  readonly table: RouteTable<CompiledRoute>;
  readonly services: ReadonlyMap<string, CompiledService>;
  readonly metricsWithoutRoute: MetricSeries;
}

export interface CompileDependencies {
  readonly targets: TargetRegistry;
  readonly limiters: RouteLimiterRegistry;
  readonly metrics: RequestMetrics;
}

/** A compiled revision plus what must be committed to the registries once it is swapped in. */
export interface PreparedRevision {
  readonly compiled: CompiledConfig;
  commit(): void;
  discard(): void;
}

export function compileConfig(config: GatewayConfig, deps: CompileDependencies): PreparedRevision {
  const states = deps.targets.prepare(config);
  const limiters = new Map<string, RouteLimiter>();
  let compiled: CompiledConfig;
  try {
    const services = new Map<string, CompiledService>();
    for (const [serviceId, service] of Object.entries(config.services)) {
      services.set(serviceId, compileService(serviceId, service, states));
    }
    const routes = config.routes.map((route) => compileRoute(route, services, deps, limiters));
    compiled = {
      config,
      table: new RouteTable(routes),
      services,
      metricsWithoutRoute: deps.metrics.seriesFor(NO_VALUE, NO_VALUE, NO_VALUE),
    };
  } catch (error) {
    deps.targets.discard(states);
    throw error;
  }
  return {
    compiled,
    commit: () => {
      deps.targets.commit(states, config);
      deps.limiters.commit(limiters);
    },
    discard: () => deps.targets.discard(states),
  };
}

function compileService(
  serviceId: string,
  service: GatewayService,
  states: Map<string, TargetState>,
): CompiledService {
  const versions = [...new Set(service.targets.map((target) => target.version))];
  const targets: CompiledTarget[] = service.targets.map((target) => ({
    id: target.id,
    serviceId,
    version: target.version,
    weight: target.weight,
    hashSeed: fnv1a(target.id),
    state: states.get(targetKey(serviceId, target.id))!,
    versionIndex: versions.indexOf(target.version),
  }));
  const split = service.split;
  if (!split) {
    return {
      id: serviceId,
      config: service,
      targets,
      versions,
      primary: createBalancer(service.strategy, targets),
      canary: null,
      splitter: null,
    };
  }
  return {
    id: serviceId,
    config: service,
    targets,
    versions,
    primary: createBalancer(
      service.strategy,
      targets.filter((target) => target.version === split.stableVersion),
    ),
    canary: createBalancer(
      service.strategy,
      targets.filter((target) => target.version === split.canaryVersion),
    ),
    splitter: new TrafficSplitter(split),
  };
}

function compileRoute(
  route: GatewayRoute,
  services: Map<string, CompiledService>,
  deps: CompileDependencies,
  limiters: Map<string, RouteLimiter>,
): CompiledRoute {
  const service = services.get(route.service)!;
  const onStatus = new Uint8Array(100);
  for (const status of route.retry.onStatus) onStatus[status - 500] = 1;
  let retryMethods = 0;
  for (const method of route.retry.methods) retryMethods |= methodBit(method);
  return {
    id: route.id,
    priority: route.priority,
    host: hostMatcherOf(route.match.host),
    exactPath: route.match.path ?? null,
    pathPrefix: route.match.pathPrefix ?? null,
    methodMask: methodMaskOf(route.match.methods),
    // Same object shape for every matcher (value present or not), for monomorphic reads.
    headers: route.match.headers.map((header) => ({ name: header.name, value: header.value })),
    service,
    stripPrefix: route.stripPrefix ?? null,
    timeoutMs: route.timeoutMs,
    retry: {
      attempts: route.retry.attempts,
      initialIntervalMs: route.retry.initialIntervalMs,
      maxIntervalMs: route.retry.maxIntervalMs,
      methodMask: retryMethods,
      onStatus,
    },
    limiter: route.rateLimit ? deps.limiters.prepare(route.id, route.rateLimit, limiters) : null,
    requestHeaders: compileHeaderChanges(route.requestHeaders),
    responseHeaders: compileHeaderChanges(route.responseHeaders),
    metricsByVersion: service.versions.map((version) =>
      deps.metrics.seriesFor(route.id, service.id, version),
    ),
    metricsWithoutTarget: deps.metrics.seriesFor(route.id, service.id, NO_VALUE),
  };
}

function compileHeaderChanges(changes: HeaderChanges | undefined): CompiledHeaderChanges | null {
  if (!changes || (changes.remove.length === 0 && Object.keys(changes.set).length === 0)) return null;
  const set = Object.entries(changes.set).flat();
  return { remove: [...new Set([...changes.remove, ...Object.keys(changes.set)])], set };
}
