/**
 * Header handling on raw header lists (`[name, value, name, value, ...]`), which is what Node's parser
 * and undici already hold, so the proxy never builds header objects on the hot path.
 *
 * Hop-by-hop fields (RFC 9110 7.6.1) describe one connection and must not be forwarded: `connection`,
 * `keep-alive`, `proxy-connection`, `transfer-encoding`, `te` (except `te: trailers`), `upgrade`,
 * `trailer`, `proxy-authorization`, `proxy-authenticate`, `http2-settings`, plus any field the
 * `connection` header names. `expect` is answered by Node itself and undici refuses to send it.
 * Client-sent `x-forwarded-proto` and `x-forwarded-host` are dropped because the gateway sets them.
 */

export function findHeader(raw: readonly string[], lowerName: string): string | undefined {
  const length = lowerName.length;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === length && (name === lowerName || name.toLowerCase() === lowerName)) return raw[i + 1];
  }
  return undefined;
}

const enum RequestField {
  Drop = 1,
  Host,
  RequestId,
  Traceparent,
  ForwardedFor,
  Connection,
  Te,
  ContentLength,
  TransferEncoding,
  Cookie,
}

const REQUEST_FIELDS = new Map<string, RequestField>([
  ["host", RequestField.Host],
  ["x-request-id", RequestField.RequestId],
  ["traceparent", RequestField.Traceparent],
  ["x-forwarded-for", RequestField.ForwardedFor],
  ["connection", RequestField.Connection],
  ["te", RequestField.Te],
  ["content-length", RequestField.ContentLength],
  ["transfer-encoding", RequestField.TransferEncoding],
  ["cookie", RequestField.Cookie],
  ["keep-alive", RequestField.Drop],
  ["proxy-connection", RequestField.Drop],
  ["upgrade", RequestField.Drop],
  ["trailer", RequestField.Drop],
  ["expect", RequestField.Drop],
  ["proxy-authorization", RequestField.Drop],
  ["http2-settings", RequestField.Drop],
  ["x-forwarded-proto", RequestField.Drop],
  ["x-forwarded-host", RequestField.Drop],
]);

/** Hop-by-hop fields, plus `x-request-id`, which the gateway always sets itself on the way back. */
const RESPONSE_DROPPED = new Set([
  "x-request-id",
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "te",
  "upgrade",
  "trailer",
  "proxy-authenticate",
  "http2-settings",
]);

/** Only names with these lengths can be special, so all others skip lower-casing and the map lookup. */
function lengthsOf(names: Iterable<string>): Uint8Array {
  const table = new Uint8Array(64);
  for (const name of names) table[name.length] = 1;
  return table;
}
const REQUEST_SPECIAL_LENGTHS = lengthsOf(REQUEST_FIELDS.keys());
const CONTENT_LENGTH = "content-length";
const RESPONSE_SPECIAL_LENGTHS = lengthsOf([...RESPONSE_DROPPED, "content-length"]);

/** What the proxy needs from the request head, collected in one pass. */
export interface RequestHead {
  /** Fields to forward, hop-by-hop and gateway-owned ones removed. */
  forward: string[];
  host: string | undefined;
  requestId: string | undefined;
  traceparent: string | undefined;
  forwardedFor: string | undefined;
  contentLength: string | undefined;
  chunked: boolean;
  cookie: string | undefined;
}

export function scanRequestHeaders(raw: readonly string[]): RequestHead {
  const head: RequestHead = {
    forward: [],
    host: undefined,
    requestId: undefined,
    traceparent: undefined,
    forwardedFor: undefined,
    contentLength: undefined,
    chunked: false,
    cookie: undefined,
  };
  const forward = head.forward;
  let connectionListed: string[] | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    const field =
      name.length < 64 && REQUEST_SPECIAL_LENGTHS[name.length]
        ? REQUEST_FIELDS.get(name.toLowerCase())
        : undefined;
    switch (field) {
      case undefined:
        forward.push(name, value);
        break;
      case RequestField.Drop:
        break;
      case RequestField.Host:
        // A second Host header is ignored: undici refuses duplicates and the first is what Node routes on.
        if (head.host === undefined) {
          head.host = value;
          forward.push(name, value);
        }
        break;
      case RequestField.RequestId:
        head.requestId ??= value;
        break;
      case RequestField.Traceparent:
        head.traceparent ??= value;
        break;
      case RequestField.ForwardedFor:
        head.forwardedFor = head.forwardedFor === undefined ? value : `${head.forwardedFor}, ${value}`;
        break;
      case RequestField.Connection:
        connectionListed = collectConnectionTokens(value, connectionListed);
        break;
      case RequestField.Te:
        if (value.trim().toLowerCase() === "trailers") forward.push(name, value);
        break;
      case RequestField.ContentLength:
        if (head.contentLength === undefined) {
          head.contentLength = value;
          forward.push(name, value);
        }
        break;
      case RequestField.TransferEncoding:
        head.chunked = true;
        break;
      case RequestField.Cookie:
        head.cookie = head.cookie === undefined ? value : `${head.cookie}; ${value}`;
        forward.push(name, value);
        break;
    }
  }
  if (connectionListed !== null) head.forward = removeFields(forward, connectionListed);
  return head;
}

/** Tokens of a `Connection` header other than the ones that never name a field. */
function collectConnectionTokens(value: string, into: string[] | null): string[] | null {
  // Nearly every Connection header is exactly one of these; skip the split for them.
  if (value === "keep-alive" || value === "close" || value === "Keep-Alive" || value === "Close") return into;
  let result = into;
  for (const token of value.split(",")) {
    const name = token.trim().toLowerCase();
    if (name === "" || name === "close" || name === "keep-alive" || name === "upgrade") continue;
    (result ??= []).push(name);
  }
  return result;
}

/** A copy of `fields` without the listed (lower-case) names. */
export function removeFields(fields: readonly string[], lowerNames: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < fields.length; i += 2) {
    const name = fields[i]!;
    if (!lowerNames.includes(name.toLowerCase())) out.push(name, fields[i + 1]!);
  }
  return out;
}

/**
 * Converts undici's raw response header buffers into a flat list for `writeHead`, minus hop-by-hop
 * fields, those the upstream's `Connection` header names, and `x-request-id`. The body length, when
 * the upstream states one, is reported through `head`.
 */
export function forwardableResponseHeaders(
  raw: readonly Buffer[],
  out: string[],
  head: { contentLength: number },
): string[] {
  let connectionListed: string[] | null = null;
  head.contentLength = -1;
  for (let i = 0; i < raw.length; i += 2) {
    const nameBuffer = raw[i]!;
    const name = nameBuffer.toString("latin1");
    const value = raw[i + 1]!.toString("latin1");
    const length = nameBuffer.length;
    if (length < 64 && RESPONSE_SPECIAL_LENGTHS[length]) {
      const lower = name.toLowerCase();
      if (RESPONSE_DROPPED.has(lower)) {
        if (lower === "connection") connectionListed = collectConnectionTokens(value, connectionListed);
        continue;
      }
      if (lower === CONTENT_LENGTH) head.contentLength = Number(value);
    }
    out.push(name, value);
  }
  return connectionListed === null ? out : removeFields(out, connectionListed);
}
