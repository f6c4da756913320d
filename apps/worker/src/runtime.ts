import { Worker, type Queue } from "bullmq";
import pg from "pg";
import { createRevisionNotifier } from "@switchyard/traffic";
import { TelemetryWriter } from "@switchyard/telemetry-store";
import { createDb } from "@switchyard/db";
import { deriveChannelKey } from "@switchyard/alerting";
import type { Logger } from "@switchyard/observability";
import {
  closeRedisConnection,
  createJobProducer,
  createQueue,
  createRedisConnection,
  parseJobPayload,
  queueForJob,
  queueNames,
  type QueueName,
} from "@switchyard/queue";
import { createJobProcessor } from "./process-job";
import { jobRegistry } from "./registry";
import { jobSchedules } from "./schedules";

export interface WorkerRuntimeOptions {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  logger: Logger;
  /**
   * The web app's BETTER_AUTH_SECRET: notification channels are decrypted with a key derived from it.
   * Without it (tests that run no alerting) notification jobs fail, naming what is missing.
   */
  authSecret?: string;
  /** The web app's URL, for links in notifications (default http://localhost:3000). */
  publicUrl?: string;
  /** Jobs each queue runs at once. */
  concurrency?: number;
}

export interface WorkerRuntime {
  /** Stops taking jobs, waits for running ones, then closes queues, Redis and the database. Idempotent. */
  close(): Promise<void>;
}

/** Starts one BullMQ Worker per queue and upserts the job schedulers. */
export async function startWorkerRuntime(options: WorkerRuntimeOptions): Promise<WorkerRuntime> {
  const { logger, prefix } = options;
  const db = createDb(options.databaseUrl);
  const telemetryPool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: (options.concurrency ?? 4) + 2,
  });
  telemetryPool.on("error", (error) =>
    logger.warn({ err: error }, "idle telemetry database connection failed"),
  );
  const telemetryWriter = new TelemetryWriter(telemetryPool);
  const onRedisError = (role: string) => (error: Error) =>
    logger.warn({ err: error, role }, "Redis connection error; reconnecting");
  // Producer and worker roles get their own connections: the worker's blocking commands must not queue
  // behind scheduler writes, and the two need different retry settings (see createRedisConnection).
  const producerConnection = createRedisConnection(options.redisUrl, "producer", {
    connectionName: "switchyard-worker-producer",
    onError: onRedisError("producer"),
  });
  const workerConnection = createRedisConnection(options.redisUrl, "worker", {
    connectionName: "switchyard-worker",
    onError: onRedisError("worker"),
  });

  const revisions = createRevisionNotifier({ redisUrl: options.redisUrl, prefix });
  const jobs = createJobProducer({ connection: producerConnection, prefix });
  const processJob = createJobProcessor({
    registry: jobRegistry,
    db,
    telemetryPool,
    telemetryWriter,
    revisions,
    jobs,
    alerting: {
      channelKey: options.authSecret ? deriveChannelKey(options.authSecret) : null,
      publicUrl: options.publicUrl ?? "http://localhost:3000",
    },
    logger,
  });
  const workers = queueNames.map((name) => {
    const worker = new Worker(name, processJob, {
      connection: workerConnection,
      prefix,
      concurrency: options.concurrency ?? 4,
    });
    worker.on("failed", (job, error) =>
      logger.warn(
        { err: error, jobId: job?.id, jobName: job?.name, queue: name, attemptsMade: job?.attemptsMade },
        "job failed",
      ),
    );
    worker.on("completed", (job, result: unknown) =>
      logger.debug({ jobId: job.id, jobName: job.name, queue: name, result }, "job completed"),
    );
    worker.on("error", (error) => logger.error({ err: error, queue: name }, "worker error"));
    return worker;
  });

  const queues = new Map<QueueName, Queue>();
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await Promise.all(workers.map((worker) => worker.close()));
      await Promise.all([...queues.values()].map((queue) => queue.close()));
      await jobs.close();
      await Promise.all([closeRedisConnection(producerConnection), closeRedisConnection(workerConnection)]);
      await revisions.close();
      await Promise.all([db.$disconnect(), telemetryPool.end()]);
    })();
    return closing;
  };

  try {
    await Promise.all(workers.map((worker) => worker.waitUntilReady()));
    for (const schedule of jobSchedules) {
      const queueName = queueForJob(schedule.job);
      let queue = queues.get(queueName);
      if (!queue) {
        queue = createQueue(queueName, { connection: producerConnection, prefix });
        queues.set(queueName, queue);
      }
      await queue.upsertJobScheduler(
        schedule.job,
        { every: schedule.everyMs },
        // A scheduled run that fails is simply superseded by the next one.
        { name: schedule.job, data: parseJobPayload(schedule.job, schedule.payload), opts: { attempts: 1 } },
      );
    }
  } catch (error) {
    await close();
    throw error;
  }

  logger.info(
    { queues: queueNames, prefix, schedules: jobSchedules.map((s) => ({ job: s.job, everyMs: s.everyMs })) },
    "worker started",
  );
  return { close };
}
