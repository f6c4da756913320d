import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { TelemetryIngestJob } from "@switchyard/contracts";
import { closeRedisConnection, createQueue, createRedisConnection } from "@switchyard/queue";

/** Where accepted batches go. `add` resolves only once the job is stored in Redis. */
export interface IngestQueue {
  add(payload: TelemetryIngestJob): Promise<void>;
  /** Jobs waiting to be written; cached briefly, so many uploads cost one Redis round trip. */
  depth(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Ingest jobs retry for days (20 attempts, exponential from 1 s): a 2xx promised the data would be stored,
 * so a database outage must be waited out rather than lose the batch. The job id is the batch id, so an
 * exporter's retry of the same upload while the first is still queued is one job.
 */
const INGEST_JOB_OPTIONS = {
  attempts: 20,
  backoff: { type: "exponential" as const, delay: 1_000 },
  removeOnComplete: { count: 200 },
  removeOnFail: { count: 5_000, age: 7 * 24 * 3600 },
};

export function createIngestQueue(options: {
  redisUrl: string;
  prefix: string;
  depthCacheMs?: number;
}): IngestQueue {
  const connection: Redis = createRedisConnection(options.redisUrl, "producer", {
    connectionName: "switchyard-ingest",
    // ioredis reconnects by itself; the handler answers 503 meanwhile.
    onError: () => undefined,
  });
  let queue: Queue | undefined;
  const depthCacheMs = options.depthCacheMs ?? 500;
  let cachedDepth: { value: number; at: number } | undefined;
  let pendingDepth: Promise<number> | undefined;

  return {
    async add(payload) {
      // Added without the producer's schema check: the payload is built from the normaliser's typed output
      // and the worker parses every job anyway, and the second parse cost a third of the ingest's CPU.
      await untilReady(connection, 2_000);
      queue ??= createQueue("telemetry", { connection, prefix: options.prefix });
      await queue.add("telemetry.ingest", payload, { ...INGEST_JOB_OPTIONS, jobId: payload.batchId });
    },
    async depth() {
      const now = Date.now();
      if (cachedDepth && now - cachedDepth.at < depthCacheMs) return cachedDepth.value;
      pendingDepth ??= (async () => {
        try {
          await untilReady(connection, 2_000);
          queue ??= createQueue("telemetry", { connection, prefix: options.prefix });
          const counts = await queue.getJobCounts("wait", "delayed", "prioritized");
          const value = Object.values(counts).reduce((sum, count) => sum + count, 0);
          cachedDepth = { value, at: Date.now() };
          return value;
        } finally {
          pendingDepth = undefined;
        }
      })();
      return pendingDepth;
    },
    async close() {
      await queue?.close();
      await closeRedisConnection(connection);
    },
  };
}

/** Waits for the first connection (at start-up) up to `timeoutMs`; rejects at once when it was lost. */
async function untilReady(connection: Redis, timeoutMs: number): Promise<void> {
  if (connection.status === "ready") return;
  if (!["wait", "connecting", "connect"].includes(connection.status))
    throw new Error(`Redis connection is ${connection.status}`);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      connection.off("ready", onReady);
      reject(new Error(`Redis not connected after ${timeoutMs} ms`));
    }, timeoutMs);
    function onReady() {
      clearTimeout(timer);
      resolve();
    }
    connection.once("ready", onReady);
  });
}
