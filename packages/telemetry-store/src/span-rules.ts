import { SpanKind, SpanStatus, UNMATCHED_ROUTE, type NormalizedSpan } from "@switchyard/contracts";

/**
 * How a span counts, in TypeScript for the rollups and in SQL for the queries over stored spans. Each SQL
 * fragment reads the columns of `telemetry_span` and must say what its function says (the store's
 * integration tests check both on the same spans).
 */

/**
 * A failed call: ERROR status or a 5xx response. A 4xx is the caller's mistake, not the service's (the HTTP
 * semantic conventions leave a SERVER span's status unset for it), and a request that ended without an
 * answer (a long poll the client gave up on) has neither.
 */
export function spanIsError(span: Pick<NormalizedSpan, "status" | "httpStatusCode">): boolean {
  return span.status === SpanStatus.ERROR || (span.httpStatusCode !== null && span.httpStatusCode >= 500);
}

const SPAN_IS_ERROR_SQL = `(status = ${SpanStatus.ERROR} OR coalesce(http_status_code, 0) >= 500)`;

/**
 * A span that makes its trace a failed one: an error (`spanIsError`) on a span that carries an outcome, i.e.
 * the handling of a request or message (SERVER, CONSUMER: what the rollups count, for SERVER) or the root
 * of the trace (a job, a script). Inside a request, an INTERNAL or CLIENT span's ERROR status is its
 * instrumentation's view of one step (an auth library marks its handler failed when it answers a wrong
 * password with 401, a client call may be retried); the request failed when the span answering it says so.
 * The trace view still shows every span's own status.
 */
export function spanFailsTrace(
  span: Pick<NormalizedSpan, "status" | "httpStatusCode" | "kind" | "parentSpanId">,
): boolean {
  const carriesOutcome =
    span.kind === SpanKind.SERVER || span.kind === SpanKind.CONSUMER || span.parentSpanId === null;
  return carriesOutcome && spanIsError(span);
}

export const SPAN_FAILS_TRACE_SQL = `((kind IN (${SpanKind.SERVER}, ${SpanKind.CONSUMER}) OR parent_span_id IS NULL)
  AND ${SPAN_IS_ERROR_SQL})`;

/** An HTTP span, by the method attribute of the current or the older semantic conventions. */
function isHttpSpan(span: Pick<NormalizedSpan, "attributes">): boolean {
  return span.attributes["http.request.method"] !== undefined || span.attributes["http.method"] !== undefined;
}

/**
 * The route a SERVER span rolls up under: its route; for an HTTP request that no route matched,
 * UNMATCHED_ROUTE (its name would be the bare method, "GET"); for other requests (gRPC, messaging), its
 * name, which the semantic conventions make the operation ("orders.Orders/Get").
 */
export function rollupRouteOf(span: Pick<NormalizedSpan, "route" | "name" | "attributes">): string {
  return span.route ?? (isHttpSpan(span) ? UNMATCHED_ROUTE : span.name);
}

/**
 * Stored spans with this route (`param`, a placeholder such as `$5`): the ones with it as their route, and
 * the SERVER spans without one that `rollupRouteOf` rolls up under it, so a row of a "By route" table
 * finds the traces it counted.
 */
export function routeMatchesSql(param: string): string {
  return `(route = ${param} OR (route IS NULL AND kind = ${SpanKind.SERVER} AND ${param} = CASE
    WHEN attributes ? 'http.request.method' OR attributes ? 'http.method' THEN '${UNMATCHED_ROUTE}'
    ELSE name END))`;
}
