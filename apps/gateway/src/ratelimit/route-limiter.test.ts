import { rateLimitSchema } from "@switchyard/contracts";
import { describe, expect, it } from "vitest";
import { type LogLevel } from "../log";
import { type RouteLimiter, RouteLimiterRegistry } from "./route-limiter";

describe("RouteLimiterRegistry", () => {
  it("limits a shared policy per agent when the bootstrap names no Redis, and says so once", () => {
    const logged: Array<[LogLevel, string, unknown]> = [];
    const registry = new RouteLimiterRegistry(null, (level, message, fields) =>
      logged.push([level, message, fields]),
    );
    const policy = rateLimitSchema.parse({ average: 1, burst: 1, shared: true });
    const limiter = registry.prepare("orders", policy, new Map());
    expect(limiter.asksRedis).toBe(false);
    expect(limiter.takeLocal("ip:1", 0).allowed).toBe(true);
    expect(limiter.takeLocal("ip:1", 0).allowed).toBe(false);
    expect(logged).toEqual([["warn", expect.stringContaining("no redis"), { route: "orders" }]]);
  });

  it("keeps a route's buckets across revisions while its policy is unchanged", () => {
    const registry = new RouteLimiterRegistry();
    const policy = rateLimitSchema.parse({ average: 1, burst: 1 });
    const first = new Map<string, RouteLimiter>();
    const limiter = registry.prepare("orders", policy, first);
    registry.commit(first);
    expect(registry.prepare("orders", { ...policy }, new Map())).toBe(limiter);
    expect(registry.prepare("orders", { ...policy, burst: 2 }, new Map())).not.toBe(limiter);
  });
});
