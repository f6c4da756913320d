import { createLogger } from "@switchyard/observability";
import {
  closeRedisConnection,
  createJobProducer,
  createRedisConnection,
  type JobProducer,
} from "@switchyard/queue";
import type { TestDatabase, TestRedis } from "@switchyard/test-fixtures";
import { startWorkerRuntime, type WorkerRuntime, type WorkerRuntimeOptions } from "../runtime";

/** The real worker on a test's own database and Redis prefix; silent unless `options` brings a logger. */
export function startTestWorker(
  testDb: TestDatabase,
  redis: TestRedis,
  options: Partial<WorkerRuntimeOptions> = {},
): Promise<WorkerRuntime> {
  return startWorkerRuntime({
    databaseUrl: testDb.url,
    redisUrl: redis.url,
    prefix: redis.prefix,
    logger: createLogger({ service: "worker-test", level: "silent" }),
    ...options,
  });
}

export interface TestJobProducer extends JobProducer {
  /** Its producer connection, for queues a test opens to look at jobs; `close` closes it. */
  connection: ReturnType<typeof createRedisConnection>;
}

/** A job producer on the test's Redis prefix, as the web app has one; `close` also closes its connection. */
export function createTestJobProducer(redis: TestRedis): TestJobProducer {
  const connection = createRedisConnection(redis.url, "producer");
  const producer = createJobProducer({ connection, prefix: redis.prefix });
  return {
    connection,
    enqueue: (name, payload, options) => producer.enqueue(name, payload, options),
    async close() {
      await producer.close();
      await closeRedisConnection(connection);
    },
  };
}
