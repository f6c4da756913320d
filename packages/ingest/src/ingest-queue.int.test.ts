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
  it("stores a batch once per batch id and reports the backlog with its oldest wait", async () => {
    redis = createTestRedis();
    const queue = createIngestQueue({ redisUrl: redis.url, prefix: redis.prefix, backlogCacheMs: 0 });
    try {
      expect(await queue.backlog()).toEqual({ waiting: 0, oldestWaitMs: 0 });
      await queue.add(payload);
      await queue.add(payload);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await queue.add({ ...payload, batchId: "b".repeat(64) });
      const backlog = await queue.backlog();
      expect(backlog.waiting).toBe(2);
      // The first batch's wait, not the newest one's.
      expect(backlog.oldestWaitMs).toBeGreaterThanOrEqual(290);
      expect(backlog.oldestWaitMs).toBeLessThan(5_000);
    } finally {
      await queue.close();
    }
  });

  it("fails fast when Redis cannot be reached, so the handler answers 503", async () => {
    // Port 1 on loopback: nothing listens there.
    const queue = createIngestQueue({ redisUrl: "redis://127.0.0.1:1", prefix: "unreachable" });
    try {
      await expect(queue.backlog()).rejects.toThrow();
      await expect(queue.add(payload)).rejects.toThrow();
    } finally {
      await queue.close();
    }
  });
});
