import { once } from "node:events";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestRedis, type TestRedis } from "@switchyard/test-fixtures";
import { closeRedisConnection, createRedisConnection } from "./connection";
import { createJobProducer, QueueUnavailableError, type JobProducer } from "./producer";

describe("createJobProducer against a real Redis", () => {
  let redis: TestRedis;
  let connection: Redis;
  let producer: JobProducer;
  let inspector: Queue;

  beforeEach(() => {
    redis = createTestRedis();
    connection = createRedisConnection(redis.url, "producer");
    producer = createJobProducer({ connection, prefix: redis.prefix });
    inspector = new Queue("agents", { connection: { url: redis.url }, prefix: redis.prefix });
  });

  afterEach(async () => {
    await producer.close();
    await inspector.close();
    await closeRedisConnection(connection);
    await redis.cleanup();
  });

  it("adds a validated job, with defaults applied, to the job's queue under the prefix", async () => {
    const id = await producer.enqueue("agents.mark-offline", {});
    const job = await inspector.getJob(id);
    expect(job?.name).toBe("agents.mark-offline");
    expect(job?.data).toEqual({ silentAfterMs: 60_000 });
    expect(await connection.exists(`${redis.prefix}:agents:${id}`)).toBe(1);
  });

  it("rejects an invalid payload naming the field and sends nothing", async () => {
    await expect(producer.enqueue("agents.mark-offline", { silentAfterMs: 0 })).rejects.toThrow(
      /silentAfterMs: /,
    );
    expect(await inspector.getJobCounts()).toMatchObject({ waiting: 0, delayed: 0, active: 0 });
  });
});

describe("createJobProducer without Redis", () => {
  it("fails fast with an error naming the unreachable Redis instead of hanging", async () => {
    const closedPort = await findClosedPort();
    const connection = createRedisConnection(`redis://127.0.0.1:${closedPort}`, "producer", {
      onError: () => {},
    });
    const producer = createJobProducer({ connection, prefix: "sy-test-unreachable" });
    const started = performance.now();
    try {
      const attempt = producer.enqueue("agents.mark-offline", {});
      await expect(attempt).rejects.toBeInstanceOf(QueueUnavailableError);
      await expect(attempt).rejects.toThrow(
        new RegExp(
          `^Redis at redis://127\\.0\\.0\\.1:${closedPort} is unreachable \\(.*ECONNREFUSED.*\\); job "agents\\.mark-offline" was not enqueued$`,
        ),
      );
      console.warn(`unreachable Redis: enqueue rejected after ${Math.round(performance.now() - started)} ms`);
    } finally {
      await producer.close();
      await closeRedisConnection(connection);
    }
  });
});

/** A loopback port nothing listens on: bind an ephemeral port, then release it. */
async function findClosedPort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, "close");
  return port;
}
