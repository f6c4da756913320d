import { describe, expect, it } from "vitest";
import { PRODUCTS, SEED_ORDERS, USERS } from "../service/catalog";
import { planRequests, TRAFFIC_MIX } from "./mix";

describe("planRequests", () => {
  it("gives the same sequence for the same seed", () => {
    expect(planRequests(42, 500)).toEqual(planRequests(42, 500));
  });

  it("gives a different sequence for another seed", () => {
    expect(planRequests(42, 50)).not.toEqual(planRequests(43, 50));
  });

  it("follows the configured mix within a few percent", () => {
    const requests = planRequests(7, 20_000);
    for (const { kind, weight } of TRAFFIC_MIX) {
      const share = (requests.filter((request) => request.kind === kind).length / requests.length) * 100;
      expect(Math.abs(share - weight), kind).toBeLessThan(1.5);
    }
  });

  it("only asks for ids that exist, under the prefix", () => {
    const userIds = new Set(USERS.map((user) => String(user.id)));
    const productIds = new Set(PRODUCTS.map((product) => product.id));
    const orderIds = new Set(SEED_ORDERS.map((order) => order.id));
    for (const request of planRequests(3, 2_000, "/api")) {
      expect(request.path.startsWith("/api/")).toBe(true);
      const [, , resource, id] = request.path.split(/[/?]/);
      if (request.kind === "users.get") expect(userIds.has(id!)).toBe(true);
      if (request.kind === "products.get") expect(productIds.has(Number(id))).toBe(true);
      if (request.kind === "orders.get") expect(orderIds.has(id!)).toBe(true);
      if (request.kind === "products.list") expect(resource).toBe("products");
      if (request.kind === "orders.create") {
        expect(request.method).toBe("POST");
        const body = JSON.parse(request.body!) as {
          userId: number;
          items: { productId: number; quantity: number }[];
        };
        expect(userIds.has(String(body.userId))).toBe(true);
        expect(body.items.length).toBeGreaterThanOrEqual(1);
        expect(new Set(body.items.map((item) => item.productId)).size).toBe(body.items.length);
        for (const item of body.items) expect(productIds.has(item.productId)).toBe(true);
      } else {
        expect(request.method).toBe("GET");
        expect(request.body).toBeUndefined();
      }
    }
  });

  it("honours an empty prefix", () => {
    expect(planRequests(1, 20, "").every((request) => /^\/(users|products|orders)/.test(request.path))).toBe(
      true,
    );
  });
});
