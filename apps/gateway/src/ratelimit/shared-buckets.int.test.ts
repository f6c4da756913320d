import { rateLimitSchema } from "@switchyard/contracts";
import { createTestRedis, type TestRedis } from "@switchyard/test-fixtures";
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "../log";
import { eventually } from "../testing/processes";
import { TcpRelay } from "../testing/tcp-relay";
import { RouteLimiter } from "./route-limiter";
import { SharedBuckets } from "./shared-buckets";

let redis: TestRedis;
const open: SharedBuckets[] = [];

beforeEach(() => {
  redis = createTestRedis();
});

afterEach(async () => {
  for (const buckets of open.splice(0)) buckets.close();
  await redis.cleanup();
});

function connect(url = redis.url, commandTimeoutMs = 500): SharedBuckets {
  const buckets = new SharedBuckets({ url, keyPrefix: `${redis.prefix}:`, commandTimeoutMs }, silentLogger);
  open.push(buckets);
  return buckets;
}

async function ready(buckets: SharedBuckets): Promise<void> {
  await eventually(async () => (buckets.ready ? true : undefined), 5_000, "Redis connection");
}

const policy = rateLimitSchema.parse({ average: 1, periodMs: 60_000, burst: 10, shared: true });

describe("SharedBuckets (real Redis)", () => {
  it("two agents spend from one bucket: the burst is shared, not doubled", async () => {
    const agents = [connect(), connect()];
    await Promise.all(agents.map(ready));
    const decisions = [];
    for (let i = 0; i < 16; i++) decisions.push(await agents[i % 2]!.take("route:ip:1.2.3.4", policy));
    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(10);
    expect(decisions.slice(10).every((decision) => !decision.allowed)).toBe(true);
    expect(decisions[9]).toEqual({ allowed: true, remaining: 0, resetSeconds: 600 });
    expect(decisions[10]).toMatchObject({ allowed: false, retryAfterSeconds: 60 });
    expect(agents[0]!.sharedDecisions + agents[1]!.sharedDecisions).toBe(16);
  });

  it("keeps clients apart, refills with time, and lets a bucket expire once it would be full", async () => {
    const buckets = await (async () => {
      const connected = connect();
      await ready(connected);
      return connected;
    })();
    const fast = rateLimitSchema.parse({ average: 20, periodMs: 1_000, burst: 2, shared: true });
    expect((await buckets.take("r:a", fast)).allowed).toBe(true);
    expect((await buckets.take("r:a", fast)).allowed).toBe(true);
    expect((await buckets.take("r:a", fast)).allowed).toBe(false);
    expect((await buckets.take("r:b", fast)).allowed).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect((await buckets.take("r:a", fast)).allowed).toBe(true);

    const client = new Redis(redis.url);
    try {
      const ttl = await client.pttl(`${redis.prefix}:r:a`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(1_000 + 100 + 50);
    } finally {
      client.disconnect();
    }
  });

  it("decides with the local bucket while Redis is unreachable, and goes back to Redis when it returns", async () => {
    const relay = await TcpRelay.forUrl(redis.url).start();
    const buckets = connect(relay.relayUrl(redis.url));
    await ready(buckets);
    const limiter = new RouteLimiter("orders", policy, buckets);
    expect(limiter.asksRedis).toBe(true);
    expect((await limiter.takeShared("ip:10.0.0.1")).allowed).toBe(true);
    expect(buckets.status()).toMatchObject({
      connection: "connected",
      sharedDecisions: 1,
      localFallbacks: 0,
    });

    await relay.cut();
    // A decision already on its way when the connection drops is taken locally too.
    const inFlight = await limiter.takeShared("ip:10.0.0.1");
    expect(inFlight.allowed).toBe(true);
    await eventually(async () => (limiter.asksRedis ? undefined : true), 5_000, "Redis marked down");
    const local = limiter.takeLocal("ip:10.0.0.1", Date.now());
    expect(local.allowed).toBe(true);
    const down = buckets.status();
    expect(down.connection).toBe("unreachable");
    expect(down.localFallbacks).toBeGreaterThanOrEqual(2);
    expect(down.lastError).not.toBeNull();

    await relay.start();
    await eventually(async () => (limiter.asksRedis ? true : undefined), 10_000, "Redis back");
    expect((await limiter.takeShared("ip:10.0.0.1")).allowed).toBe(true);
    expect(buckets.status()).toMatchObject({ connection: "connected", sharedDecisions: 2 });
    await relay.cut();
  });

  it("answers from the local bucket when Redis is slower than the command timeout", async () => {
    const relay = await TcpRelay.forUrl(redis.url).start();
    const buckets = connect(relay.relayUrl(redis.url), 50);
    await ready(buckets);
    const limiter = new RouteLimiter("orders", policy, buckets);
    relay.hold();
    try {
      const startedAt = Date.now();
      const decision = await limiter.takeShared("ip:10.0.0.2");
      expect(decision.allowed).toBe(true);
      expect(Date.now() - startedAt).toBeLessThan(1_000);
      expect(buckets.status()).toMatchObject({ localFallbacks: 1, sharedDecisions: 0 });
      expect(buckets.status().lastError).toMatch(/timed out/i);
    } finally {
      relay.release();
      await relay.cut();
    }
  });
});
