import { describe, expect, it } from "vitest";
import { parseGatewayConfig } from "@switchyard/contracts";
import { ConfigEditError, setCanaryPercent, setRouteRateLimit, setTargetWeights } from "./config-edits";

const base = {
  routes: [{ id: "orders", match: { pathPrefix: "/api/orders" }, service: "orders" }],
  services: {
    orders: {
      targets: [
        { id: "v1-a", url: "http://127.0.0.1:4301", version: "v1" },
        { id: "v2-a", url: "http://127.0.0.1:4311", version: "v2" },
      ],
      split: { stableVersion: "v1", canaryVersion: "v2", canaryPercent: 0, stablePercent: 100 },
    },
  },
};

describe("config edits", () => {
  it("moves the canary and drops a stale stablePercent so the split stays consistent", () => {
    const next = setCanaryPercent(base, "orders", 30);
    expect((next.services as typeof base.services).orders.split).toEqual({
      stableVersion: "v1",
      canaryVersion: "v2",
      canaryPercent: 30,
    });
    expect(parseGatewayConfig(next).ok).toBe(true);
    expect(base.services.orders.split.canaryPercent).toBe(0);
  });

  it("changes only the named targets' weights", () => {
    const next = setTargetWeights(base, "orders", { "v2-a": 3 });
    const targets = (next.services as typeof base.services).orders.targets;
    expect(targets.map((t) => ("weight" in t ? t.weight : undefined))).toEqual([undefined, 3]);
  });

  it("sets and removes a route's rate limit", () => {
    const limited = setRouteRateLimit(base, "orders", { average: 50, burst: 20 });
    expect((limited.routes as Array<Record<string, unknown>>)[0]!.rateLimit).toEqual({
      average: 50,
      burst: 20,
    });
    const cleared = setRouteRateLimit(limited, "orders", null);
    expect((cleared.routes as Array<Record<string, unknown>>)[0]).not.toHaveProperty("rateLimit");
  });

  it("keeps the key and the sharing of a limit whose rate is changed", () => {
    const keyed = setRouteRateLimit(base, "orders", {
      average: 50,
      burst: 20,
      key: { type: "api_key" },
      shared: true,
    });
    const changed = setRouteRateLimit(keyed, "orders", { average: 10, burst: 5, periodMs: 60_000 });
    expect((changed.routes as Array<Record<string, unknown>>)[0]!.rateLimit).toEqual({
      average: 10,
      burst: 5,
      periodMs: 60_000,
      key: { type: "api_key" },
      shared: true,
    });
    expect(parseGatewayConfig(changed).ok).toBe(true);
  });

  it("names what does not exist", () => {
    expect(() => setCanaryPercent(base, "users", 10)).toThrowError(ConfigEditError);
    expect(() => setTargetWeights(base, "orders", { nope: 1 })).toThrowError(/no target "nope"/);
    expect(() => setRouteRateLimit(base, "users", null)).toThrowError(/no route "users"/);
  });
});
