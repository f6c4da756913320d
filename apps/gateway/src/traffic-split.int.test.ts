import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "undici";
import { runLoad } from "./testing/load";
import { GatewayProcess, startUpstreams, type Upstream } from "./testing/processes";

let upstreams: Upstream[] = [];
let gateway: GatewayProcess;

beforeAll(async () => {
  upstreams = await startUpstreams([
    ["orders-v1-a", "v1"],
    ["orders-v1-b", "v1"],
    ["orders-v2-a", "v2"],
    ["orders-v2-b", "v2"],
  ]);
  gateway = await GatewayProcess.start({
    config: {
      routes: [
        { id: "orders", match: { pathPrefix: "/api/orders" }, service: "orders", stripPrefix: "/api" },
      ],
      services: {
        orders: {
          targets: upstreams.map((upstream) => ({
            id: upstream.name,
            url: upstream.url,
            version: upstream.version,
          })),
          split: {
            stableVersion: "v1",
            canaryVersion: "v2",
            canaryPercent: 25,
            stickyCookie: { name: "sy_canary" },
          },
          healthCheck: { active: { intervalMs: 1_000, timeoutMs: 500 } },
        },
      },
    },
  });
});

afterAll(async () => {
  await gateway?.remove();
  await Promise.all(upstreams.map((upstream) => upstream.stop()));
});

function versionOf(servedBy: string): string {
  return upstreams.find((upstream) => upstream.name === servedBy)!.version;
}

describe("canary split", () => {
  it("sends 25% +-2% of 10 000 requests to the canary", async () => {
    const result = await runLoad({
      origin: gateway.url,
      path: "/api/orders/1",
      concurrency: 16,
      maxRequests: 10_000,
      maxDurationMs: 50_000,
    });
    expect(result.clientErrors).toEqual([]);
    expect(result.byStatus.get(200)).toBe(10_000);
    let canary = 0;
    for (const [servedBy, count] of result.byServedBy) if (versionOf(servedBy) === "v2") canary += count;
    const share = canary / 10_000;
    expect(share).toBeGreaterThanOrEqual(0.23);
    expect(share).toBeLessThanOrEqual(0.27);
  }, 60_000);

  it("always sends X-Canary: true to the canary", async () => {
    const result = await runLoad({
      origin: gateway.url,
      path: "/api/orders/2",
      headers: { "X-Canary": "true" },
      concurrency: 4,
      maxRequests: 300,
      maxDurationMs: 20_000,
    });
    expect(result.byStatus.get(200)).toBe(300);
    for (const servedBy of result.byServedBy.keys()) expect(versionOf(servedBy)).toBe("v2");
  });

  it("keeps a client with the sticky cookie on its side", async () => {
    const seen = new Map<string, Set<string>>();
    for (let client = 0; client < 40; client++) {
      const first = await request(`${gateway.url}/api/orders/3`);
      await first.body.dump();
      const setCookie = String(first.headers["set-cookie"]);
      expect(setCookie).toMatch(/^sy_canary=v[12]; Path=\/; Max-Age=86400; HttpOnly; SameSite=Lax$/);
      const cookie = setCookie.split(";")[0]!;
      const side = cookie.split("=")[1]!;
      const versions = (seen.get(side) ?? new Set()).add(versionOf(String(first.headers["x-served-by"])));
      for (let i = 0; i < 20; i++) {
        const again = await request(`${gateway.url}/api/orders/3`, { headers: { cookie } });
        await again.body.dump();
        expect(again.headers["set-cookie"]).toBeUndefined();
        versions.add(versionOf(String(again.headers["x-served-by"])));
      }
      seen.set(side, versions);
    }
    expect([...seen.keys()].sort()).toEqual(["v1", "v2"]);
    expect([...seen.get("v1")!]).toEqual(["v1"]);
    expect([...seen.get("v2")!]).toEqual(["v2"]);
  }, 60_000);

  it("passes request ids and trace context on, strips the prefix and hop-by-hop headers", async () => {
    // node:http, because undici replaces a caller's Connection header with its own.
    const { status, headers, body } = await new Promise<{
      status: number;
      headers: IncomingHttpHeaders;
      body: string;
    }>((resolve, reject) => {
      const req = httpRequest(`${gateway.url}/api/orders/9?x=1`, {
        headers: {
          "x-request-id": "req-123",
          traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
          connection: "keep-alive, x-internal",
          "x-internal": "secret",
        },
      });
      req.on("response", (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      });
      req.on("error", reject);
      req.end();
    });
    const echo = JSON.parse(body) as { url: string; headers: Record<string, string> };
    expect(status).toBe(200);
    expect(headers["x-request-id"]).toBe("req-123");
    expect(echo.url).toBe("/orders/9?x=1");
    expect(echo.headers["x-request-id"]).toBe("req-123");
    expect(echo.headers.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
    expect(echo.headers.traceparent).not.toContain("b7ad6b7169203331");
    expect(echo.headers["x-forwarded-for"]).toBe("127.0.0.1");
    expect(echo.headers["x-internal"]).toBeUndefined();
  });
});
