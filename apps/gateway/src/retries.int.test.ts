import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "undici";
import { GatewayProcess, startUpstreams, type Upstream } from "./testing/processes";

let upstreams: Upstream[] = [];
let gateway: GatewayProcess;

beforeAll(async () => {
  upstreams = await startUpstreams([
    ["cart-a", "v1"],
    ["cart-b", "v1"],
  ]);
  await upstreams[0]!.setFault({ status: 503 });
  gateway = await GatewayProcess.start({
    config: {
      routes: [{ id: "cart", match: { pathPrefix: "/api/cart" }, service: "cart" }],
      services: {
        cart: {
          strategy: "round_robin",
          targets: upstreams.map((upstream) => ({ id: upstream.name, url: upstream.url })),
          // Keep the failing target in rotation so every request meets it first half of the time.
          healthCheck: { active: { enabled: false }, passive: { enabled: false } },
          circuitBreaker: { enabled: false },
        },
      },
    },
  });
});

afterAll(async () => {
  await gateway?.remove();
  await Promise.all(upstreams.map((upstream) => upstream.stop()));
});

describe("retries", () => {
  it("replays an idempotent request with its body on another target", async () => {
    for (let i = 0; i < 6; i++) {
      const response = await request(`${gateway.url}/api/cart/items/${i}`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ quantity: i }),
      });
      const echo = (await response.body.json()) as { name: string; method: string; body: string };
      expect(response.statusCode).toBe(200);
      expect(echo).toMatchObject({ name: "cart-b", method: "PUT", body: JSON.stringify({ quantity: i }) });
    }
  });

  it("never retries a POST: the upstream's answer is passed on", async () => {
    const statuses = new Set<number>();
    for (let i = 0; i < 6; i++) {
      const response = await request(`${gateway.url}/api/cart/checkout`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ order: i }),
      });
      await response.body.dump();
      statuses.add(response.statusCode);
    }
    expect([...statuses].sort()).toEqual([200, 503]);
  });

  it("forwards a streamed request body without a content length", async () => {
    const served = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const response = await request(`${gateway.url}/api/cart/upload`, {
        method: "POST",
        body: Readable.from([Buffer.from('{"part":'), Buffer.from('"one"}')]),
      });
      if (response.statusCode === 200) {
        const echo = (await response.body.json()) as { name: string; body: string };
        expect(echo.body).toBe('{"part":"one"}');
        served.add(echo.name);
      } else {
        await response.body.dump();
      }
    }
    expect(served).toEqual(new Set(["cart-b"]));
  });
});
