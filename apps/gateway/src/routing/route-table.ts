import { hasPathPrefix, type HttpMethod } from "@switchyard/contracts";
import { findHeader } from "../proxy/raw-headers";

/** Everything the table needs to decide whether a route matches, precomputed once per revision. */
export interface RouteMatcher {
  readonly priority: number;
  /**
   * Lower-cased host, or `*.example.com` stored as the suffix `.example.com`. One object shape for
   * both kinds keeps the property reads in `match` monomorphic.
   */
  readonly host: { readonly exact: string | null; readonly suffix: string | null } | null;
  readonly exactPath: string | null;
  readonly pathPrefix: string | null;
  /** Bit set of {@link methodBit}; 0 accepts any method. */
  readonly methodMask: number;
  readonly headers: ReadonlyArray<{ readonly name: string; readonly value?: string | undefined }>;
}

const METHOD_BITS: Record<string, number> = {
  GET: 1,
  HEAD: 2,
  POST: 4,
  PUT: 8,
  PATCH: 16,
  DELETE: 32,
  OPTIONS: 64,
};
/** Methods outside the configurable set (TRACE, PROPFIND, ...) only match routes without a method list. */
const OTHER_METHOD = 128;

export function methodBit(method: string): number {
  return METHOD_BITS[method] ?? OTHER_METHOD;
}

export function methodMaskOf(methods: readonly HttpMethod[] | undefined): number {
  let mask = 0;
  for (const method of methods ?? []) mask |= methodBit(method);
  return mask;
}

export function hostMatcherOf(host: string | undefined): RouteMatcher["host"] {
  if (host === undefined) return null;
  return host.startsWith("*.") ? { exact: null, suffix: host.slice(1) } : { exact: host, suffix: null };
}

/**
 * Routes sorted once: explicit priority first, then the more specific match (exact path, longer
 * prefix, host, headers, methods), then declaration order. Matching is a linear scan of cheap
 * comparisons, which beats any index for the tens of routes a gateway group has.
 */
export class RouteTable<R extends RouteMatcher> {
  private readonly routes: readonly R[];
  /** Whether any route looks at the Host header, so requests skip normalising it otherwise. */
  readonly usesHost: boolean;

  constructor(routes: readonly R[]) {
    const indexed = routes.map((route, index) => ({ route, index }));
    indexed.sort((a, b) => compareSpecificity(a.route, b.route) || a.index - b.index);
    this.routes = indexed.map(({ route }) => route);
    this.usesHost = routes.some((route) => route.host !== null);
  }

  /** `host` is lower-cased without port (or "" when no route uses it). */
  match(method: string, host: string, path: string, rawHeaders: readonly string[]): R | undefined {
    const bit = methodBit(method);
    for (const route of this.routes) {
      if (route.methodMask !== 0 && (route.methodMask & bit) === 0) continue;
      if (route.exactPath !== null) {
        if (route.exactPath !== path) continue;
      } else if (route.pathPrefix !== null && !hasPathPrefix(path, route.pathPrefix)) {
        continue;
      }
      if (route.host !== null && !hostMatches(route.host, host)) continue;
      if (route.headers.length > 0 && !headersMatch(route.headers, rawHeaders)) continue;
      return route;
    }
    return undefined;
  }

  get size(): number {
    return this.routes.length;
  }
}

function compareSpecificity(a: RouteMatcher, b: RouteMatcher): number {
  return (
    b.priority - a.priority ||
    Number(b.exactPath !== null) - Number(a.exactPath !== null) ||
    (b.exactPath ?? b.pathPrefix ?? "").length - (a.exactPath ?? a.pathPrefix ?? "").length ||
    Number(b.host !== null) - Number(a.host !== null) ||
    b.headers.length - a.headers.length ||
    Number(b.methodMask !== 0) - Number(a.methodMask !== 0)
  );
}

function hostMatches(matcher: NonNullable<RouteMatcher["host"]>, host: string): boolean {
  if (matcher.exact !== null) return matcher.exact === host;
  const suffix = matcher.suffix!;
  return host.length > suffix.length && host.endsWith(suffix);
}

function headersMatch(wanted: RouteMatcher["headers"], rawHeaders: readonly string[]): boolean {
  for (const header of wanted) {
    const actual = findHeader(rawHeaders, header.name);
    if (actual === undefined) return false;
    if (header.value !== undefined && actual !== header.value) return false;
  }
  return true;
}

/** Lower-cases the Host header and drops the port (keeping IPv6 brackets intact). */
export function normaliseHost(host: string | undefined): string {
  if (!host) return "";
  const lower = host.toLowerCase();
  const bracket = lower.lastIndexOf("]");
  const colon = lower.lastIndexOf(":");
  return colon > bracket ? lower.slice(0, colon) : lower;
}
