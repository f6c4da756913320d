import { Queue, type DefaultJobOptions } from "bullmq";
import type { Redis } from "ioredis";
import { defaultQueuePrefix, type QueueName } from "./queues";

/** Keeps Redis bounded: recent completed jobs for inspection, failed ones longer for debugging. */
export const defaultJobOptions: DefaultJobOptions = {
  attempts: 3,
  backoff: { type: "exponential", delay: 1_000 },
  removeOnComplete: { count: 1_000, age: 24 * 3600 },
  removeOnFail: { count: 5_000, age: 7 * 24 * 3600 },
};

export interface QueueConnectionOptions {
  connection: Redis;
  prefix?: string;
}

export function createQueue(name: QueueName, options: QueueConnectionOptions): Queue {
  return new Queue(name, {
    connection: options.connection,
    prefix: options.prefix ?? defaultQueuePrefix,
    defaultJobOptions,
  });
}
