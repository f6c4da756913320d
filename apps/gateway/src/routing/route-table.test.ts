import { describe, expect, it } from "vitest";
import { hostMatcherOf, methodMaskOf, normaliseHost, RouteTable, type RouteMatcher } from "./route-table";

interface TestRoute extends RouteMatcher {
  id: string;
}

function route(id: string, overrides: Partial<RouteMatcher> = {}): TestRoute {
  return {
    id,
    priority: 0,
    host: null,
    exactPath: null,
    pathPrefix: null,
    methodMask: 0,
    headers: [],
    ...overrides,
  };
}

const noHeaders: string[] = [];

describe("RouteTable", () => {
  it("prefers explicit priority over specificity", () => {
    const table = new RouteTable([
      route("specific", { exactPath: "/api/users/5" }),
      route("general", { pathPrefix: "/", priority: 100 }),
    ]);
    expect(table.match("GET", "", "/api/users/5", noHeaders)?.id).toBe("general");
  });

  it("falls back to the longest prefix, then exact over prefix, then declaration order", () => {
    const table = new RouteTable([
      route("api", { pathPrefix: "/api" }),
      route("users", { pathPrefix: "/api/users" }),
      route("exact", { exactPath: "/api/users" }),
      route("first-root", { pathPrefix: "/" }),
      route("second-root", { pathPrefix: "/" }),
    ]);
    expect(table.match("GET", "", "/api/users/7", noHeaders)?.id).toBe("users");
    expect(table.match("GET", "", "/api/users", noHeaders)?.id).toBe("exact");
    expect(table.match("GET", "", "/api/orders", noHeaders)?.id).toBe("api");
    expect(table.match("GET", "", "/apix", noHeaders)?.id).toBe("first-root");
  });

  it("matches methods, hosts (with wildcards) and headers", () => {
    const table = new RouteTable([
      route("write", { pathPrefix: "/api", methodMask: methodMaskOf(["POST", "PUT"]) }),
      route("tenant", { pathPrefix: "/api", host: hostMatcherOf("*.tenants.example") }),
      route("shop", { pathPrefix: "/api", host: hostMatcherOf("shop.example") }),
      route("canary", { pathPrefix: "/api", headers: [{ name: "x-version", value: "2" }], priority: 10 }),
      route("beta", { pathPrefix: "/api", headers: [{ name: "x-beta" }], priority: 5 }),
    ]);
    expect(table.usesHost).toBe(true);
    expect(table.match("POST", "", "/api/x", noHeaders)?.id).toBe("write");
    expect(table.match("GET", "acme.tenants.example", "/api/x", noHeaders)?.id).toBe("tenant");
    expect(table.match("GET", "tenants.example", "/api/x", noHeaders)).toBeUndefined();
    expect(table.match("GET", "shop.example", "/api/x", noHeaders)?.id).toBe("shop");
    expect(table.match("GET", "shop.example", "/api/x", ["X-Version", "2"])?.id).toBe("canary");
    expect(table.match("GET", "shop.example", "/api/x", ["X-Version", "3"])?.id).toBe("shop");
    expect(table.match("GET", "", "/api/x", ["x-beta", ""])?.id).toBe("beta");
    expect(table.match("PROPFIND", "", "/api/x", noHeaders)).toBeUndefined();
  });

  it("normalises the Host header", () => {
    expect(normaliseHost("Shop.Example:8080")).toBe("shop.example");
    expect(normaliseHost("[::1]:8080")).toBe("[::1]");
    expect(normaliseHost("[::1]")).toBe("[::1]");
    expect(normaliseHost(undefined)).toBe("");
  });
});
