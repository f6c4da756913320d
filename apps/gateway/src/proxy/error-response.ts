import { type ServerResponse } from "node:http";
import { type GatewayErrorCode } from "@switchyard/contracts";

const MESSAGES: Record<GatewayErrorCode, string> = {
  bad_request: "The request target is not acceptable",
  not_ready: "The gateway has no configuration yet",
  no_route: "No route matches this request",
  rate_limited: "Rate limit exceeded, retry later",
  no_healthy_target: "No healthy target is available for this service",
  circuit_open: "Every available target of this service has an open circuit breaker",
  upstream_error: "The upstream service failed to answer",
  upstream_timeout: "The upstream service did not answer in time",
};

export const ERROR_STATUS: Record<GatewayErrorCode, number> = {
  bad_request: 400,
  not_ready: 503,
  no_route: 404,
  rate_limited: 429,
  no_healthy_target: 503,
  circuit_open: 503,
  upstream_error: 502,
  upstream_timeout: 504,
};

/**
 * Writes the gateway's JSON error body. `extraHeaders` is a flat name/value list (Retry-After,
 * RateLimit-*). Returns the number of body bytes written.
 */
export function writeErrorResponse(
  res: ServerResponse,
  code: GatewayErrorCode,
  requestId: string,
  extraHeaders: readonly string[] | null,
  closeConnection: boolean,
  detail?: string,
): number {
  const body = JSON.stringify({
    error: { code, message: detail ? `${MESSAGES[code]}: ${detail}` : MESSAGES[code], requestId },
  });
  const headers = [
    "content-type",
    "application/json; charset=utf-8",
    "content-length",
    String(Buffer.byteLength(body)),
    "cache-control",
    "no-store",
    "x-request-id",
    requestId,
  ];
  if (extraHeaders !== null) headers.push(...extraHeaders);
  if (closeConnection) headers.push("connection", "close");
  res.writeHead(ERROR_STATUS[code], headers);
  res.end(body);
  return body.length;
}
