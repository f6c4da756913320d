import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { TelemetryIngestJob } from "@switchyard/contracts";
import { closeRedisConnection, createQueue, createRedisConnection } from "@switchyard/queue";

/** How far the writers are behind: what admission control decides on. */
export interface IngestBacklog {
  /** Batches waiting to be written (retries waiting out their backoff included). */
  waiting: number;
  /** How long the oldest batch still waiting for a writer has waited; 0 when none waits. */
  oldestWaitMs: number;
}

/** Where accepted batches go. `add` resolves only once the job is stored in Redis. */
export interface IngestQueue {
  add(payload: TelemetryIngestJob): Promise<void>;
  /** The backlog, cached briefly, so many uploads cost one look at Redis. */
  backlog(): Promise<IngestBacklog>;
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
  backlogCacheMs?: number;
}): IngestQueue {
  const connection: Redis = createRedisConnection(options.redisUrl, "producer", {
    connectionName: "switchyard-ingest",
    // ioredis reconnects by itself; the handler answers 503 meanwhile.
    onError: () => undefined,
  });
  let queue: Queue | undefined;
  // Short, because the wait it reports is what keeps the lag bounded: at 80 batches a second, a stale
  // answer lets a tenth of a second of extra work in per 100 ms of cache.
  const backlogCacheMs = options.backlogCacheMs ?? 100;
  let cached: { value: IngestBacklog; at: number } | undefined;
  let pending: Promise<IngestBacklog> | undefined;

  async function readBacklog(queue: Queue): Promise<IngestBacklog> {
    const counts = await queue.getJobCounts("wait", "delayed", "prioritized");
    const waiting = Object.values(counts).reduce((sum, count) => sum + count, 0);
    if (!counts.wait) return { waiting, oldestWaitMs: 0 };
    // Only the oldest job's add time is read, not the job: its data is a whole OTLP body.
    const [oldestId] = await queue.getRanges(["wait"], 0, 0, true);
    const addedAt = oldestId ? Number(await connection.hget(queue.toKey(oldestId), "timestamp")) : NaN;
    return { waiting, oldestWaitMs: Number.isFinite(addedAt) ? Math.max(0, Date.now() - addedAt) : 0 };
  }

  return {
    async add(payload) {
      // Added without the producer's schema check: the payload is built from the normaliser's typed output
      // and the worker parses every job anyway, and the second parse cost a third of the ingest's CPU.
      await untilReady(connection, 2_000);
      queue ??= createQueue("telemetry", { connection, prefix: options.prefix });
      await queue.add("telemetry.ingest", payload, { ...INGEST_JOB_OPTIONS, jobId: payload.batchId });
    },
    async backlog() {
      const now = Date.now();
      if (cached && now - cached.at < backlogCacheMs) return cached.value;
      pending ??= (async () => {
        try {
          await untilReady(connection, 2_000);
          queue ??= createQueue("telemetry", { connection, prefix: options.prefix });
          const value = await readBacklog(queue);
          cached = { value, at: Date.now() };
          return value;
        } finally {
          pending = undefined;
        }
      })();
      return pending;
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
