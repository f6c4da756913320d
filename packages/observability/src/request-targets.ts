import type { Attributes } from "@opentelemetry/api";

/** The OTLP/HTTP ingest paths (`/v1/traces`, `/v1/metrics`, `/v1/logs`), with or without a query string. */
export function isOtlpIngestPath(url: string | undefined): boolean {
  return url !== undefined && /^\/v1\/(traces|metrics|logs)(\?|$)/.test(url);
}

/**
 * The request target (path and query) of a SERVER span as it starts: `http.target` in the older HTTP
 * conventions (Next.js's request span, the http instrumentation by default), `url.path` and `url.query` in
 * the stable ones.
 */
export function requestTargetOf(attributes: Attributes): string | undefined {
  const target = attributes["http.target"];
  if (typeof target === "string") return target;
  const path = attributes["url.path"];
  if (typeof path !== "string") return undefined;
  const query = attributes["url.query"];
  return typeof query === "string" && query !== "" ? `${path}?${query}` : path;
}
