import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { testServices } from "./services";

export interface TestRedis {
  url: string;
  /** A key prefix no other test uses; pass it to BullMQ's `prefix` and to anything else that writes keys. */
  prefix: string;
  cleanup(): Promise<void>;
}

export function createTestRedis(): TestRedis {
  const prefix = `sy-test-${randomBytes(5).toString("hex")}`;
  return {
    url: testServices.redisUrl,
    prefix,
    async cleanup() {
      const redis = new Redis(testServices.redisUrl, { maxRetriesPerRequest: 1 });
      try {
        let cursor = "0";
        do {
          const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
          cursor = next;
          if (keys.length > 0) await redis.del(...keys);
        } while (cursor !== "0");
      } finally {
        redis.disconnect();
      }
    },
  };
}
