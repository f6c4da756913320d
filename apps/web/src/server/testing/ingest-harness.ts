import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import {
  createAuthenticator,
  createIngestQueue,
  createOtlpHandler,
  generateIngestKey,
  type IngestLimits,
  type IngestQueue,
} from "@switchyard/ingest";
import { TelemetryQueries } from "@switchyard/telemetry-store";
import type { TestDatabase, TestRedis } from "@switchyard/test-fixtures";

/**
 * The ingest exactly as the web app mounts it at /v1/traces and /v1/metrics, served by a plain Node HTTP
 * server on an ephemeral loopback port, so real exporters talk to it over the network.
 */
export interface IngestServer {
  url: string;
  queue: IngestQueue;
  close(): Promise<void>;
}

/**
 * The whole body is read before the handler runs (as a proxy in front of the app would), so a refused
 * upload is answered on an intact connection; the handler's own streaming cap is still what refuses it.
 */
async function toRequest(req: IncomingMessage, origin: string): Promise<Request> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  return new Request(new URL(req.url ?? "/", origin), {
    method: req.method,
    headers,
    body: req.method === "GET" || req.method === "HEAD" ? undefined : new Blob([body]).stream(),
    duplex: "half",
  } as RequestInit);
}

export async function startIngestServer(
  testDb: TestDatabase,
  redis: TestRedis,
  options: { limits?: Partial<IngestLimits>; authTtlMs?: number } = {},
): Promise<IngestServer> {
  const queue = createIngestQueue({ redisUrl: redis.url, prefix: redis.prefix, backlogCacheMs: 0 });
  const handlerOptions = {
    authenticate: createAuthenticator(testDb.db, { ttlMs: options.authTtlMs ?? 5_000 }),
    queue,
    limits: options.limits,
  };
  const handlers: Record<string, (request: Request) => Promise<Response>> = {
    "/v1/traces": createOtlpHandler("traces", handlerOptions),
    "/v1/metrics": createOtlpHandler("metrics", handlerOptions),
  };
  let origin = "";
  const server: Server = createServer((req, res) => {
    const handler = handlers[new URL(req.url ?? "/", "http://x").pathname];
    if (!handler) {
      res.writeHead(404).end();
      return;
    }
    void toRequest(req, origin)
      .then(handler)
      .then(async (response) => {
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(Buffer.from(await response.arrayBuffer()));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    queue,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await queue.close();
    },
  };
}

export async function createOrganizationWithKey(testDb: TestDatabase, id: string) {
  await testDb.db.organization.create({ data: { id, name: id, slug: id } });
  const { key, hash, displayPrefix } = generateIngestKey();
  const row = await testDb.db.ingestKey.create({
    data: { organizationId: id, name: "test", keyHash: hash, keyPrefix: displayPrefix },
  });
  return { organizationId: id, key, keyId: row.id };
}

export function telemetryQueries(testDb: TestDatabase) {
  const pool = new pg.Pool({ connectionString: testDb.url, max: 2 });
  return { queries: new TelemetryQueries(pool), pool };
}
