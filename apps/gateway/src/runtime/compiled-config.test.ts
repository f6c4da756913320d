import { gatewayConfigSchema } from "@switchyard/contracts";
import { afterEach, describe, expect, it } from "vitest";
import { RouteLimiterRegistry } from "../ratelimit/route-limiter";
import { RequestMetrics } from "../telemetry/request-metrics";
import { TargetRegistry } from "../upstream/target-registry";
import { compileConfig } from "./compiled-config";

const config = gatewayConfigSchema.parse({
  routes: [
    {
      id: "orders",
      match: { pathPrefix: "/api/orders" },
      service: "orders",
      stripPrefix: "/api",
      requestHeaders: { set: { "X-From": "gw" }, remove: ["x-debug"] },
      rateLimit: { average: 50 },
    },
  ],
  services: {
    orders: {
      strategy: "weighted_round_robin",
      targets: [
        { id: "v1-a", url: "http://127.0.0.1:1", version: "v1", weight: 3 },
        { id: "v2-a", url: "http://127.0.0.1:2", version: "v2" },
        { id: "v1-b", url: "http://127.0.0.1:3", version: "v1", weight: 0 },
      ],
      split: { stableVersion: "v1", canaryVersion: "v2", canaryPercent: 10 },
    },
  },
});

const registries: TargetRegistry[] = [];
afterEach(async () => {
  await Promise.all(registries.splice(0).map((registry) => registry.closeAll()));
});

function deps() {
  const targets = new TargetRegistry({ connections: 1, keepAliveTimeoutMs: 1_000, connectTimeoutMs: 100 });
  registries.push(targets);
  return { targets, limiters: new RouteLimiterRegistry(), metrics: new RequestMetrics() };
}

describe("compileConfig", () => {
  it("builds split balancers per side without drained targets, and per-version metric series", () => {
    const prepared = compileConfig(config, deps());
    const service = prepared.compiled.services.get("orders")!;
    expect(service.versions).toEqual(["v1", "v2"]);
    expect(service.primary.members.map((target) => target.id)).toEqual(["v1-a"]);
    expect(service.canary!.members.map((target) => target.id)).toEqual(["v2-a"]);
    const route = prepared.compiled.table.match("GET", "", "/api/orders/1", [])!;
    expect(route.metricsByVersion.map((series) => series.attributes["target.version"])).toEqual(["v1", "v2"]);
    expect(route.requestHeaders).toEqual({ remove: ["x-debug", "x-from"], set: ["x-from", "gw"] });
    expect(route.retry.onStatus[503 - 500]).toBe(1);
    prepared.discard();
  });

  it("keeps target state and rate-limit buckets across revisions that do not change them", () => {
    const shared = deps();
    const first = compileConfig(config, shared);
    first.commit();
    const second = compileConfig(config, shared);
    second.commit();
    const firstService = first.compiled.services.get("orders")!;
    const secondService = second.compiled.services.get("orders")!;
    expect(secondService.targets[0]!.state).toBe(firstService.targets[0]!.state);
    const firstRoute = first.compiled.table.match("GET", "", "/api/orders", [])!;
    const secondRoute = second.compiled.table.match("GET", "", "/api/orders", [])!;
    expect(secondRoute.limiter).toBe(firstRoute.limiter);
    expect(secondRoute.metricsByVersion[0]).toBe(firstRoute.metricsByVersion[0]);

    const moved = gatewayConfigSchema.parse({
      ...config,
      services: {
        orders: {
          ...config.services.orders!,
          targets: config.services.orders!.targets.map((t) => ({
            ...t,
            url: t.url.replace("127.0.0.1", "localhost"),
          })),
        },
      },
    });
    const third = compileConfig(moved, shared);
    expect(third.compiled.services.get("orders")!.targets[0]!.state).not.toBe(firstService.targets[0]!.state);
    third.discard();
  });
});
