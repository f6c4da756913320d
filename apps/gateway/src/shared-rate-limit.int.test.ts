import { createTestRedis, type TestRedis } from "@switchyard/test-fixtures";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attributesOf, OtlpReceiver, toNumber } from "./testing/otlp-receiver";
import { eventually, GatewayProcess, Upstream } from "./testing/processes";
import { TcpRelay } from "./testing/tcp-relay";

// Two real gateway processes with one shared limit on the real Redis (a key prefix of this test's own),
// the second one reaching Redis through a relay the test can cut.
let redis: TestRedis;
let relay: TcpRelay;
let receiver: OtlpReceiver;
let products: Upstream;
let first: GatewayProcess;
let second: GatewayProcess;

const BURST = 8;

function config(upstreamUrl: string) {
  return {
    routes: [
      {
        id: "products",
        match: { pathPrefix: "/api/products" },
        service: "products",
        // One token a minute after the burst, so the burst is all a test can spend.
        rateLimit: { average: 1, periodMs: 60_000, burst: BURST, key: { type: "api_key" }, shared: true },
      },
    ],
    services: { products: { targets: [{ id: "products-a", url: upstreamUrl }] } },
  };
}

beforeAll(async () => {
  redis = createTestRedis();
  relay = await TcpRelay.forUrl(redis.url).start();
  products = await new Upstream("products-a", "v1").start();
  receiver = await new OtlpReceiver().start();
  const redisSettings = (url: string) => ({ url, keyPrefix: `${redis.prefix}:`, commandTimeoutMs: 500 });
  [first, second] = await Promise.all([
    GatewayProcess.start({ config: config(products.url), bootstrap: { redis: redisSettings(redis.url) } }),
    GatewayProcess.start({
      config: config(products.url),
      bootstrap: {
        redis: redisSettings(relay.relayUrl(redis.url)),
        telemetry: { otlpEndpoint: receiver.url, exportIntervalMs: 500 },
      },
    }),
  ]);
});

afterAll(async () => {
  await Promise.all([first?.remove(), second?.remove()]);
  await relay?.cut();
  await products?.stop();
  await receiver?.stop();
  await redis?.cleanup();
});

async function get(gateway: GatewayProcess, apiKey: string) {
  const response = await request(`${gateway.url}/api/products`, { headers: { "x-api-key": apiKey } });
  await response.body.dump();
  return response;
}

const sharedStatus = async (gateway: GatewayProcess) => (await gateway.status()).sharedRateLimits;

describe("rate limit shared through Redis", () => {
  it("two gateways spend one burst between them", async () => {
    await eventually(
      async () => ((await sharedStatus(second)).connection === "connected" ? true : undefined),
      10_000,
      "second gateway connected to Redis",
    );
    const statuses: number[] = [];
    const remaining: string[] = [];
    for (let i = 0; i < 2 * BURST; i++) {
      const response = await get(i % 2 === 0 ? first : second, "shared-client");
      statuses.push(response.statusCode);
      remaining.push(String(response.headers["ratelimit-remaining"]));
    }
    expect(statuses.slice(0, BURST)).toEqual(Array(BURST).fill(200));
    expect(statuses.slice(BURST)).toEqual(Array(BURST).fill(429));
    // The count goes down across both gateways, not per gateway.
    expect(remaining.slice(0, BURST)).toEqual(Array.from({ length: BURST }, (_, i) => String(BURST - 1 - i)));

    const [a, b] = await Promise.all([sharedStatus(first), sharedStatus(second)]);
    expect(a).toMatchObject({ connection: "connected", sharedDecisions: BURST, localFallbacks: 0 });
    expect(b).toMatchObject({ connection: "connected", sharedDecisions: BURST, localFallbacks: 0 });
  });

  it("keeps serving with its own bucket while Redis is unreachable, says so, and shares again after", async () => {
    await relay.cut();
    // Under the limit: no request fails because Redis is gone.
    const during = [];
    for (let i = 0; i < BURST; i++) during.push((await get(second, "outage-client")).statusCode);
    expect(during).toEqual(Array(BURST).fill(200));
    // The local bucket still limits.
    expect((await get(second, "outage-client")).statusCode).toBe(429);
    const down = await sharedStatus(second);
    expect(down.connection).toBe("unreachable");
    expect(down.localFallbacks).toBeGreaterThanOrEqual(BURST + 1);
    // What the heartbeat carries too, so the Traffic page can name this gateway.
    expect(Date.parse(down.lastFallbackAt!)).toBeGreaterThan(Date.now() - 10_000);
    const exported = await eventually(
      async () => {
        const points =
          receiver.latest("switchyard.gateway.ratelimit.shared_decisions")?.sum?.dataPoints ?? [];
        const fallbacks = points.find(
          (point) => attributesOf(point.attributes)["switchyard.ratelimit.backend"] === "local_fallback",
        );
        return fallbacks !== undefined && toNumber(fallbacks.asInt) >= BURST + 1 ? points : undefined;
      },
      10_000,
      "exported local fallbacks",
    );
    expect(exported).toHaveLength(2);

    await relay.start();
    await eventually(
      async () => ((await sharedStatus(second)).connection === "connected" ? true : undefined),
      10_000,
      "second gateway reconnected to Redis",
    );
    // Back on the shared bucket, which the first gateway can exhaust for both.
    for (let i = 0; i < BURST; i++) expect((await get(first, "after-outage")).statusCode).toBe(200);
    expect((await get(second, "after-outage")).statusCode).toBe(429);
  });
});
