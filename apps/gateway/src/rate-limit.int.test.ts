import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "undici";
import { GatewayProcess, Upstream } from "./testing/processes";

let products: Upstream;
let gateway: GatewayProcess;

beforeAll(async () => {
  products = await new Upstream("products-a", "v1").start();
  gateway = await GatewayProcess.start({
    config: {
      routes: [
        {
          id: "products",
          match: { pathPrefix: "/api/products" },
          service: "products",
          rateLimit: { average: 10, burst: 5, periodMs: 1_000, key: { type: "api_key" } },
        },
      ],
      services: { products: { targets: [{ id: "products-a", url: products.url }] } },
    },
  });
});

afterAll(async () => {
  await gateway?.remove();
  await products?.stop();
});

async function get(apiKey: string) {
  const response = await request(`${gateway.url}/api/products`, { headers: { "x-api-key": apiKey } });
  await response.body.dump();
  return response;
}

describe("rate limit", () => {
  it("answers a burst over the limit with 429, Retry-After and RateLimit headers", async () => {
    const responses = await Promise.all(Array.from({ length: 25 }, () => get("burst-client")));
    const statuses = responses.map((response) => response.statusCode);
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(5);
    expect(statuses.filter((status) => status === 200).length).toBeLessThanOrEqual(7);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(18);
    expect(statuses.every((status) => status === 200 || status === 429)).toBe(true);

    const limited = responses.find((response) => response.statusCode === 429)!;
    expect(Number(limited.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(limited.headers["ratelimit-limit"]).toBe("5");
    expect(limited.headers["ratelimit-remaining"]).toBe("0");
    expect(limited.headers["content-type"]).toContain("application/json");
    const allowed = responses.find((response) => response.statusCode === 200)!;
    expect(Number(allowed.headers["ratelimit-remaining"])).toBeGreaterThanOrEqual(0);
  });

  it("never limits a client that stays under the limit", async () => {
    // 5 requests a second against an average of 10: for 3 seconds, nothing may be refused.
    const statuses: number[] = [];
    for (let i = 0; i < 15; i++) {
      statuses.push((await get("steady-client")).statusCode);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(statuses).toEqual(Array(15).fill(200));
  });

  it("keeps separate buckets per API key", async () => {
    await Promise.all(Array.from({ length: 10 }, () => get("noisy")));
    expect((await get("quiet")).statusCode).toBe(200);
  });
});
