import autocannon from "autocannon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatewayProcess, startUpstreams, type Upstream } from "./testing/processes";

let upstreams: Upstream[] = [];
let gateway: GatewayProcess;

const strategies = [
  "round_robin",
  "weighted_round_robin",
  "least_connections",
  "ip_hash",
  "p2c_latency",
] as const;

/** Revision `n`: a different split, strategy, weights, limits and target set every time. */
function revision(n: number) {
  const targets = upstreams
    .filter((upstream, index) => index < 3 || n % 2 === 0)
    .map((upstream, index) => ({
      id: upstream.name,
      url: upstream.url,
      version: upstream.version,
      weight: 1 + ((n + index) % 4),
    }));
  return {
    routes: [
      {
        id: `catalog-${n % 3}`,
        priority: n % 5,
        match: { pathPrefix: "/api" },
        service: "catalog",
        rateLimit: { average: 1_000_000, burst: 100_000 + n },
        responseHeaders: { set: { "x-revision": String(n) } },
      },
    ],
    services: {
      catalog: {
        strategy: strategies[n % strategies.length],
        targets,
        split: { stableVersion: "v1", canaryVersion: "v2", canaryPercent: (n * 17) % 101 },
        healthCheck: { active: { intervalMs: 1_000, timeoutMs: 500 } },
      },
    },
  };
}

beforeAll(async () => {
  upstreams = await startUpstreams([
    ["catalog-v1-a", "v1"],
    ["catalog-v1-b", "v1"],
    ["catalog-v2-a", "v2"],
    ["catalog-v2-b", "v2"],
  ]);
  gateway = await GatewayProcess.start({ config: revision(0) });
});

afterAll(async () => {
  await gateway?.remove();
  await Promise.all(upstreams.map((upstream) => upstream.stop()));
});

describe("config swap under load", () => {
  it("serves 30 s of load with a new revision every second and fails no request", async () => {
    let n = 0;
    const swapper = setInterval(() => void gateway.writeConfig(revision(++n)), 1_000);
    let result: autocannon.Result;
    try {
      result = await autocannon({
        url: `${gateway.url}/api/items`,
        connections: 10,
        pipelining: 1,
        duration: 30,
      });
    } finally {
      clearInterval(swapper);
    }

    const applied = gateway.lines.filter((line) => line.includes('"msg":"revision applied"')).length;
    expect(applied).toBeGreaterThanOrEqual(25);
    expect(result.requests.total).toBeGreaterThan(10_000);
    expect(result.errors).toBe(0);
    expect(result.timeouts).toBe(0);
    expect(result.non2xx).toBe(0);
    expect((await gateway.status()).lastRejected).toBeNull();
  }, 60_000);
});
