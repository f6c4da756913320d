import { describe, expect, it } from "vitest";
import {
  formatIssuePath,
  gatewayConfigSchema,
  hasPathPrefix,
  parseGatewayConfig,
  type GatewayConfigInput,
} from "./gateway-config";

function shopConfig(): GatewayConfigInput {
  return {
    routes: [
      { id: "orders", match: { pathPrefix: "/api/orders" }, service: "orders", stripPrefix: "/api" },
      { id: "users", match: { pathPrefix: "/api/users", methods: ["GET"] }, service: "users" },
    ],
    services: {
      orders: {
        targets: [
          { id: "v1-a", url: "http://127.0.0.1:4301", version: "v1" },
          { id: "v2-a", url: "http://127.0.0.1:4311", version: "v2" },
        ],
        split: { stableVersion: "v1", canaryVersion: "v2", canaryPercent: 25 },
      },
      users: { targets: [{ id: "a", url: "http://127.0.0.1:4101" }] },
    },
  };
}

function issuesOf(input: unknown) {
  const result = parseGatewayConfig(input);
  if (result.ok) throw new Error("expected the config to be refused");
  return result.issues;
}

describe("gatewayConfigSchema defaults", () => {
  it("fills in the design brief's defaults", () => {
    const config = gatewayConfigSchema.parse(shopConfig());
    const route = config.routes[0]!;
    expect(route.priority).toBe(0);
    expect(route.timeoutMs).toBe(30_000);
    expect(route.retry).toEqual({
      attempts: 3,
      initialIntervalMs: 100,
      maxIntervalMs: 1_000,
      methods: ["GET", "HEAD", "OPTIONS", "PUT", "DELETE"],
      onStatus: [502, 503, 504],
    });
    expect(route.rateLimit).toBeUndefined();

    const orders = config.services.orders!;
    expect(orders.strategy).toBe("round_robin");
    expect(orders.targets[0]!.weight).toBe(1);
    expect(orders.healthCheck.active).toMatchObject({
      enabled: true,
      path: "/health",
      intervalMs: 10_000,
      timeoutMs: 3_000,
      unhealthyThreshold: 3,
      healthyThreshold: 2,
    });
    expect(orders.healthCheck.passive).toEqual({
      enabled: true,
      maxFailures: 3,
      windowMs: 10_000,
      ejectionMs: 10_000,
    });
    expect(orders.circuitBreaker).toEqual({
      enabled: true,
      consecutiveFailures: 5,
      errorRatio: 0.3,
      minRequests: 20,
      windowMs: 10_000,
      openMs: 30_000,
      halfOpenProbes: 3,
      successesToClose: 2,
    });
    expect(orders.split?.headerOverride).toEqual({ name: "x-canary", value: "true" });
    expect(config.services.users!.targets[0]!.version).toBe("stable");
  });

  it("defaults a rate limit to 100/s with a burst of 50 keyed by client IP, per agent", () => {
    const input = shopConfig();
    input.routes![0]!.rateLimit = {};
    const config = gatewayConfigSchema.parse(input);
    expect(config.routes[0]!.rateLimit).toEqual({
      average: 100,
      burst: 50,
      periodMs: 1_000,
      key: { type: "ip" },
      shared: false,
    });
  });

  it("lower-cases header names and hosts", () => {
    const input = shopConfig();
    input.routes![0]!.match = { host: "Shop.Example.COM", headers: [{ name: "X-Version", value: "2" }] };
    input.routes![0]!.stripPrefix = undefined;
    const match = gatewayConfigSchema.parse(input).routes[0]!.match;
    expect(match.host).toBe("shop.example.com");
    expect(match.headers).toEqual([{ name: "x-version", value: "2" }]);
  });

  it("accepts an empty document", () => {
    expect(gatewayConfigSchema.parse({})).toEqual({ routes: [], services: {} });
  });
});

describe("gatewayConfigSchema refusals name the field", () => {
  it("an unknown strategy", () => {
    const input = shopConfig() as Record<string, unknown> & GatewayConfigInput;
    (input.services!.orders as Record<string, unknown>).strategy = "fastest";
    expect(issuesOf(input)).toEqual([expect.objectContaining({ path: "services.orders.strategy" })]);
  });

  it("a negative weight", () => {
    const input = shopConfig();
    input.services!.orders!.targets[1]!.weight = -1;
    expect(issuesOf(input)).toEqual([
      { path: "services.orders.targets[1].weight", message: expect.stringContaining("negative") },
    ]);
  });

  it("weights that add up to nothing", () => {
    const input = shopConfig();
    input.services!.users!.targets[0]!.weight = 0;
    expect(issuesOf(input)).toEqual([
      { path: "services.users.targets", message: expect.stringContaining("add up to 0") },
    ]);
  });

  it("split percentages that do not add up to 100", () => {
    const input = shopConfig();
    input.services!.orders!.split!.stablePercent = 80;
    expect(issuesOf(input)).toEqual([
      { path: "services.orders.split.stablePercent", message: expect.stringContaining("add up to 100") },
    ]);
  });

  it("a canary percentage out of range", () => {
    const input = shopConfig();
    input.services!.orders!.split!.canaryPercent = 120;
    expect(issuesOf(input).map((issue) => issue.path)).toEqual(["services.orders.split.canaryPercent"]);
  });

  it("a negative or zero rate", () => {
    const input = shopConfig();
    input.routes![1]!.rateLimit = { average: -5, burst: 0 };
    expect(issuesOf(input).map((issue) => issue.path)).toEqual([
      "routes[1].rateLimit.average",
      "routes[1].rateLimit.burst",
    ]);
  });

  it("a shared rate limit that is not a boolean", () => {
    const input = shopConfig();
    input.routes![1]!.rateLimit = { average: 5, burst: 5, shared: "yes" as unknown as boolean };
    expect(issuesOf(input).map((issue) => issue.path)).toEqual(["routes[1].rateLimit.shared"]);
  });

  it("a route to an unknown service", () => {
    const input = shopConfig();
    input.routes![1]!.service = "payments";
    expect(issuesOf(input)).toEqual([{ path: "routes[1].service", message: "unknown service 'payments'" }]);
  });

  it("duplicate ids", () => {
    const input = shopConfig();
    input.routes![1]!.id = "orders";
    input.services!.orders!.targets[1]!.id = "v1-a";
    expect(issuesOf(input).map((issue) => issue.path)).toEqual([
      "routes[1].id",
      "services.orders.targets[1].id",
    ]);
  });

  it("a split version that no target has", () => {
    const input = shopConfig();
    input.services!.orders!.split!.canaryVersion = "v3";
    expect(issuesOf(input)).toEqual([
      { path: "services.orders.split.canaryVersion", message: "no target has version 'v3'" },
    ]);
  });

  it("a strip prefix that is not part of the matched path", () => {
    const input = shopConfig();
    input.routes![0]!.stripPrefix = "/internal";
    expect(issuesOf(input).map((issue) => issue.path)).toEqual(["routes[0].stripPrefix"]);
  });

  it("an unknown field instead of ignoring it", () => {
    const input = shopConfig();
    (input.services!.orders!.targets[0] as Record<string, unknown>).weigth = 3;
    expect(issuesOf(input)).toEqual([
      { path: "services.orders.targets[0].weigth", message: "unknown field" },
    ]);
  });

  it("a target URL with a path", () => {
    const input = shopConfig();
    input.services!.users!.targets[0]!.url = "http://127.0.0.1:4101/api";
    expect(issuesOf(input).map((issue) => issue.path)).toEqual(["services.users.targets[0].url"]);
  });

  it("a breaker that could never close", () => {
    const input = shopConfig();
    input.services!.users!.circuitBreaker = { halfOpenProbes: 1, successesToClose: 2 };
    expect(issuesOf(input).map((issue) => issue.path)).toEqual([
      "services.users.circuitBreaker.successesToClose",
    ]);
  });

  it("a retry of a non-idempotent method", () => {
    const input = shopConfig();
    (input.routes![0]! as Record<string, unknown>).retry = { methods: ["POST"] };
    expect(issuesOf(input).map((issue) => issue.path)).toEqual(["routes[0].retry.methods[0]"]);
  });
});

describe("helpers", () => {
  it("formats issue paths", () => {
    expect(formatIssuePath([])).toBe("(root)");
    expect(formatIssuePath(["services", "orders", "targets", 1, "weight"])).toBe(
      "services.orders.targets[1].weight",
    );
    expect(formatIssuePath(["a", "b.c"])).toBe('a["b.c"]');
  });

  it("matches path prefixes on segment boundaries", () => {
    expect(hasPathPrefix("/api/users", "/api")).toBe(true);
    expect(hasPathPrefix("/api", "/api")).toBe(true);
    expect(hasPathPrefix("/apix", "/api")).toBe(false);
    expect(hasPathPrefix("/api/x", "/api/")).toBe(true);
    expect(hasPathPrefix("/anything", "/")).toBe(true);
  });
});
