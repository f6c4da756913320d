import { afterAll, describe, expect, it } from "vitest";
import { createTestRedis, type TestRedis } from "@switchyard/test-fixtures";
import { createIngestQueue } from "./ingest-queue";

let redis: TestRedis | undefined;

afterAll(async () => {
  await redis?.cleanup();
});

const payload = {
  signal: "traces" as const,
  organizationId: "org-1",
  batchId: "a".repeat(64),
  receivedAtMs: Date.now(),
  spans: [],
  rejected: 0,
};

describe("the ingest queue", () => {
  it("stores a batch once per batch id and reports the depth", async () => {
    redis = createTestRedis();
    const queue = createIngestQueue({ redisUrl: redis.url, prefix: redis.prefix, depthCacheMs: 0 });
    try {
      await queue.add(payload);
      await queue.add(payload);
      await queue.add({ ...payload, batchId: "b".repeat(64) });
      expect(await queue.depth()).toBe(2);
    } finally {
      await queue.close();
    }
  });

  it("fails fast when Redis cannot be reached, so the handler answers 503", async () => {
    // Port 1 on loopback: nothing listens there.
    const queue = createIngestQueue({ redisUrl: "redis://127.0.0.1:1", prefix: "unreachable" });
    try {
      await expect(queue.depth()).rejects.toThrow();
      await expect(queue.add(payload)).rejects.toThrow();
    } finally {
      await queue.close();
    }
  });
});
