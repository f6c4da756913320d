/**
 * Splits and normalises an HTTP request-target before routing.
 *
 * Routing and the upstream must see the same path, otherwise a request can match one route and be
 * interpreted by the upstream as another (`/api/%75sers` vs `/api/users`, `/public/../admin`). So:
 * - percent-encoded unreserved characters are decoded and other escapes upper-cased (RFC 3986 6.2.2),
 *   and the normalised path is what goes upstream;
 * - `.` and `..` segments, literal or encoded, are refused rather than resolved: a client that sends
 *   them is either broken or probing, and resolving them here would let a prefix rule be walked around;
 * - encoded slashes and backslashes (`%2F`, `%5C`) and raw backslashes are refused, because upstreams
 *   disagree on whether they separate segments;
 * - duplicate slashes are kept as sent (collapsing them changes meaning for some upstreams), so
 *   `//api` does not match a `/api` prefix route.
 * Absolute-form targets (`GET http://host/path`) are reduced to their path and query.
 */

export type RequestTarget = { ok: true; path: string; query: string } | { ok: false; reason: string };

const SLASH = 47;
const DOT = 46;
const PERCENT = 37;
const BACKSLASH = 92;

export function parseRequestTarget(raw: string): RequestTarget {
  let target = raw;
  if (target.charCodeAt(0) !== SLASH) {
    const scheme = target.startsWith("http://") ? 7 : target.startsWith("https://") ? 8 : -1;
    if (scheme < 0) return { ok: false, reason: "request target must be a path" };
    const pathStart = target.indexOf("/", scheme);
    const queryStart = target.indexOf("?", scheme);
    if (pathStart < 0 || (queryStart >= 0 && queryStart < pathStart)) {
      target = queryStart >= 0 ? "/" + target.slice(queryStart) : "/";
    } else {
      target = target.slice(pathStart);
    }
  }

  const queryAt = target.indexOf("?");
  const rawPath = queryAt < 0 ? target : target.slice(0, queryAt);
  const query = queryAt < 0 ? "" : target.slice(queryAt);
  const hash = rawPath.indexOf("#");
  const pathOnly = hash < 0 ? rawPath : rawPath.slice(0, hash);

  if (isPlainPath(pathOnly)) return { ok: true, path: pathOnly, query };
  return normalise(pathOnly, query);
}

/** The common case: no escapes, no backslashes, no dot segments. Checked without allocating. */
function isPlainPath(path: string): boolean {
  for (let i = 0; i < path.length; i++) {
    const code = path.charCodeAt(i);
    if (code === PERCENT || code === BACKSLASH) return false;
    if (code === DOT && path.charCodeAt(i - 1) === SLASH) return false;
  }
  return true;
}

function normalise(path: string, query: string): RequestTarget {
  let out = "";
  for (let i = 0; i < path.length; i++) {
    const code = path.charCodeAt(i);
    if (code === BACKSLASH) return { ok: false, reason: "backslash in path" };
    if (code !== PERCENT) {
      out += path[i];
      continue;
    }
    const hex = path.slice(i + 1, i + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return { ok: false, reason: "malformed percent-encoding in path" };
    const byte = parseInt(hex, 16);
    if (byte === SLASH || byte === BACKSLASH) return { ok: false, reason: "encoded slash in path" };
    if (byte === 0) return { ok: false, reason: "encoded NUL in path" };
    out += isUnreserved(byte) ? String.fromCharCode(byte) : "%" + hex.toUpperCase();
    i += 2;
  }
  for (const segment of out.split("/")) {
    if (segment === "." || segment === "..") return { ok: false, reason: "dot segment in path" };
  }
  return { ok: true, path: out, query };
}

function isUnreserved(byte: number): boolean {
  return (
    (byte >= 0x41 && byte <= 0x5a) ||
    (byte >= 0x61 && byte <= 0x7a) ||
    (byte >= 0x30 && byte <= 0x39) ||
    byte === 0x2d ||
    byte === 0x2e ||
    byte === 0x5f ||
    byte === 0x7e
  );
}
