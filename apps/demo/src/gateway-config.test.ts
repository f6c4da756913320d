import { describe, expect, it } from "vitest";
import { parseGatewayConfig } from "@switchyard/contracts";
import { demoGatewayConfig } from "./gateway-config";
import type { ShopInstance } from "./supervisor";

const instance = (
  id: string,
  service: ShopInstance["service"],
  version: ShopInstance["version"],
  port: number,
) =>
  ({
    id,
    service,
    version,
    replica: 1,
    port,
    host: "127.0.0.1",
    url: `http://127.0.0.1:${port}`,
    pid: 1,
    state: "running",
  }) as ShopInstance;

describe("demoGatewayConfig", () => {
  it("is a valid gateway configuration with the orders canary between v1 and v2", () => {
    const config = demoGatewayConfig(
      [
        instance("users-1", "users", "v1", 4101),
        instance("products-1", "products", "v1", 4201),
        instance("orders-v1-1", "orders", "v1", 4301),
        instance("orders-v2-1", "orders", "v2", 4311),
      ],
      { canaryPercent: 25 },
    );
    const parsed = parseGatewayConfig(config);
    expect(parsed.ok).toBe(true);
    expect(config.services.orders.split.canaryPercent).toBe(25);
    // A 30% error rate on the canary stays visible: neither ejection nor the breaker hides it.
    if (!parsed.ok) return;
    const orders = parsed.config.services.orders!;
    expect(orders.healthCheck.passive.maxFailures).toBeGreaterThan(3);
    expect(orders.circuitBreaker.errorRatio).toBeGreaterThan(0.3);
    expect(config.routes.map((r) => r.match.pathPrefix)).toEqual([
      "/api/users",
      "/api/products",
      "/api/orders",
    ]);
  });
});
