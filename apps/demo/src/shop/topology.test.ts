import { describe, expect, it } from "vitest";
import { ConfigError } from "../validation";
import { DEFAULT_SHOP_PORTS, planInstances, resolveShopConfig } from "./topology";

describe("resolveShopConfig", () => {
  it("defaults to two replicas per group on the documented ports", () => {
    const config = resolveShopConfig({});
    expect(config).toMatchObject({
      host: "127.0.0.1",
      replicas: 2,
      ports: DEFAULT_SHOP_PORTS,
      readyTimeoutMs: 30_000,
    });
  });

  it("overrides single groups and supports ephemeral ports", () => {
    expect(resolveShopConfig({ ports: { users: 5101 } }).ports).toEqual({
      ...DEFAULT_SHOP_PORTS,
      users: 5101,
    });
    expect(resolveShopConfig({ ports: "ephemeral" }).ports).toEqual({
      users: 0,
      products: 0,
      ordersV1: 0,
      ordersV2: 0,
    });
  });

  it.each([
    [{ ports: { products: 4102 } }, "ports.products: port 4102 is also used by users"],
    [{ replicas: 11 }, "replicas"],
    [{ replicas: 3, ports: { ordersV1: 4310 } }, "ports.ordersV2: port 4311 is also used by ordersV1"],
    [{ ports: { users: 65_535 } }, "ports.users: leaves no room for 2 replicas"],
    [{ ports: { users: -1 } }, "ports.users"],
    [{ host: "shop.example" }, "host"],
    [{ usersUrl: "not a url" }, "usersUrl"],
    [{ readyTimeoutMs: 10 }, "readyTimeoutMs"],
    [{ colour: "red" }, "colour: is not a known field"],
  ])("rejects %j naming the field", (input, expected) => {
    expect(() => resolveShopConfig(input)).toThrow(ConfigError);
    expect(() => resolveShopConfig(input)).toThrow(expected);
  });

  it("names fields as the caller spells them", () => {
    expect(() => resolveShopConfig({ ports: { products: 4101 } }, (path) => `<${path}>`)).toThrow(
      "<ports.products>",
    );
  });
});

describe("planInstances", () => {
  it("lists users and products before orders v1 and v2, with consecutive ports", () => {
    const plan = planInstances(resolveShopConfig({}));
    expect(plan.map((spec) => `${spec.id}@${spec.port}`)).toEqual([
      "users-1@4101",
      "users-2@4102",
      "products-1@4201",
      "products-2@4202",
      "orders-v1-1@4301",
      "orders-v1-2@4302",
      "orders-v2-1@4311",
      "orders-v2-2@4312",
    ]);
    expect(plan.filter((spec) => spec.version === "v2").map((spec) => spec.service)).toEqual([
      "orders",
      "orders",
    ]);
  });

  it("gives every replica port 0 when ephemeral", () => {
    const plan = planInstances(resolveShopConfig({ ports: "ephemeral", replicas: 1 }));
    expect(plan.map((spec) => [spec.id, spec.port])).toEqual([
      ["users-1", 0],
      ["products-1", 0],
      ["orders-v1-1", 0],
      ["orders-v2-1", 0],
    ]);
  });
});
