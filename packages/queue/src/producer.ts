import { type JobsOptions, type Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { JobName } from "@switchyard/contracts";
import { describeRedisTarget } from "./connection";
import { createQueue, type QueueConnectionOptions } from "./create-queue";
import { parseJobPayload, type JobPayloadInput } from "./payloads";
import { queueForJob, type QueueName } from "./queues";

/** Redis could not be reached, so the job was not enqueued. */
export class QueueUnavailableError extends Error {
  override name = "QueueUnavailableError";
}

export interface JobProducer {
  /** Validates the payload against the job's schema, then adds the job. Resolves to the job id. */
  enqueue<N extends JobName>(name: N, payload: JobPayloadInput<N>, options?: JobsOptions): Promise<string>;
  /** Closes the producer's queues. The connection belongs to the caller, who closes it. */
  close(): Promise<void>;
}

/**
 * Enqueues jobs from web or worker. Pass a connection from `createRedisConnection(url, "producer")`: with it,
 * enqueue rejects with QueueUnavailableError within about two seconds when Redis is down instead of hanging.
 */
export function createJobProducer(
  options: QueueConnectionOptions & { readyTimeoutMs?: number },
): JobProducer {
  const { connection } = options;
  const readyTimeoutMs = options.readyTimeoutMs ?? 2_000;
  // A Queue created while Redis is down keeps its failed start-up forever, so queues are created only once
  // the connection is ready, and dropped again if their start-up fails.
  const queues = new Map<QueueName, Promise<Queue>>();
  let closed = false;

  function queueFor(name: QueueName): Promise<Queue> {
    let queue = queues.get(name);
    if (!queue) {
      queue = (async () => {
        const created = createQueue(name, options);
        try {
          await created.waitUntilReady();
          return created;
        } catch (error) {
          queues.delete(name);
          await created.close().catch(() => undefined);
          throw error;
        }
      })();
      queues.set(name, queue);
    }
    return queue;
  }

  return {
    async enqueue(name, payload, jobOptions) {
      if (closed) throw new Error(`the job producer is closed; job "${name}" was not enqueued`);
      const data = parseJobPayload(name, payload);
      const unavailable = (error: unknown) =>
        new QueueUnavailableError(
          `Redis at ${describeRedisTarget(connection)} is unreachable (${(error as Error).message}); ` +
            `job "${name}" was not enqueued`,
          { cause: error },
        );

      let queue: Queue;
      try {
        await waitUntilConnected(connection, readyTimeoutMs);
        queue = await queueFor(queueForJob(name));
      } catch (error) {
        throw unavailable(error);
      }
      try {
        const job = await queue.add(name, data, jobOptions);
        if (!job.id) throw new Error("BullMQ returned a job without an id");
        return job.id;
      } catch (error) {
        throw connection.status === "ready" ? error : unavailable(error);
      }
    },
    async close() {
      closed = true;
      const pending = [...queues.values()];
      queues.clear();
      await Promise.all(pending.map((q) => q.then((queue) => queue.close()).catch(() => undefined)));
    },
  };
}

/** Resolves once the connection is ready; rejects on its next error or after `timeoutMs`. */
async function waitUntilConnected(connection: Redis, timeoutMs: number): Promise<void> {
  if (connection.status === "ready") return;
  if (connection.status === "end") throw new Error("the connection was closed");
  if (connection.status === "wait") connection.connect().catch(() => undefined);
  await new Promise<void>((resolve, reject) => {
    const onReady = () => settle(resolve);
    const onError = (error: Error) => settle(() => reject(error));
    const timer = setTimeout(
      () => settle(() => reject(new Error(`not connected after ${timeoutMs} ms`))),
      timeoutMs,
    );
    function settle(finish: () => void) {
      clearTimeout(timer);
      connection.off("ready", onReady);
      connection.off("error", onError);
      finish();
    }
    connection.once("ready", onReady);
    connection.once("error", onError);
  });
}
