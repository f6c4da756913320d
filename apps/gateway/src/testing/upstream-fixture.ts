/**
 * A small upstream for the gateway's integration tests, run as its own process so a test can kill it.
 * Every request other than `/health`, `/__fixture` and `/stream/*` (a chunked body of `?kb=` KiB) is
 * echoed as JSON with `x-served-by`. Faults are
 * set with `PUT /__fixture` (`{ status, delayMs, healthFailing }`); `GET /__fixture` reports them and
 * the number of requests served.
 */
import { createServer, type ServerResponse } from "node:http";
import { parseArgs } from "node:util";
import { z } from "zod";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    name: { type: "string", default: "upstream" },
    version: { type: "string", default: "v1" },
  },
  strict: true,
});

const faultSchema = z.strictObject({
  status: z.number().int().min(0).max(599).default(0),
  delayMs: z.number().int().min(0).max(60_000).default(0),
  healthFailing: z.boolean().default(false),
});
let fault = faultSchema.parse({});
let served = 0;

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    "x-served-by": values.name,
    "x-service-version": values.version,
  });
  res.end(text);
}

/** A chunked body of `kb` KiB written 16 KiB at a time, waiting for the client when it falls behind. */
function stream(res: ServerResponse, kb: number): void {
  res.writeHead(200, { "content-type": "application/octet-stream", "x-served-by": values.name });
  const chunk = Buffer.alloc(16 * 1024, "x");
  let left = Math.ceil(kb / 16);
  const pump = () => {
    while (left > 0) {
      left--;
      if (!res.write(chunk)) return void res.once("drain", pump);
    }
    res.end();
  };
  pump();
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const body = Buffer.concat(chunks).toString("utf8");
    if (req.url === "/__fixture") {
      if (req.method === "PUT") {
        const parsed = faultSchema.safeParse(JSON.parse(body || "{}"));
        if (!parsed.success) return json(res, 400, { error: parsed.error.message });
        fault = parsed.data;
      }
      return json(res, 200, { served, fault });
    }
    if (req.url === "/health") {
      return fault.healthFailing
        ? json(res, 503, { status: "unhealthy" })
        : json(res, 200, { status: "healthy" });
    }
    served++;
    if (req.url?.startsWith("/stream/"))
      return stream(res, Number(new URL(req.url, "http://x").searchParams.get("kb") ?? 1024));
    const respond = () =>
      fault.status > 0
        ? json(res, fault.status, { error: "injected", name: values.name })
        : json(res, 200, {
            name: values.name,
            version: values.version,
            method: req.method,
            url: req.url,
            headers: req.headers,
            body,
          });
    if (fault.delayMs > 0) setTimeout(respond, fault.delayMs);
    else respond();
  });
});

server.listen(Number(values.port), "127.0.0.1", () => {
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ listening: port })}\n`);
});

process.on("SIGTERM", () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
