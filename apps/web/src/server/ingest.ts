import { getDb } from "@switchyard/db";
import { createAuthenticator, createIngestQueue, createOtlpHandler, type Signal } from "@switchyard/ingest";
import { webEnv } from "@/env";
import { logger } from "@/server/logger";

type Handler = (request: Request) => Promise<Response>;

// One queue connection and one token cache per process, kept across Next.js dev reloads.
const globalForIngest = globalThis as unknown as { switchyardIngest?: Record<Signal, Handler> };

function createHandlers(): Record<Signal, Handler> {
  const env = webEnv();
  const options = {
    authenticate: createAuthenticator(getDb()),
    queue: createIngestQueue({ redisUrl: env.REDIS_URL, prefix: env.SWITCHYARD_QUEUE_PREFIX }),
    onError: (error: unknown, context: { signal: Signal; status: number }) =>
      logger.warn({ err: error, ...context }, "OTLP ingest failed"),
  };
  return { traces: createOtlpHandler("traces", options), metrics: createOtlpHandler("metrics", options) };
}

/** The OTLP/HTTP handler for one signal, as mounted at /v1/traces and /v1/metrics. */
export function ingestHandler(signal: Signal): Handler {
  globalForIngest.switchyardIngest ??= createHandlers();
  return globalForIngest.switchyardIngest[signal];
}
