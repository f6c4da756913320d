import type { ShopInstance } from "./supervisor";

/**
 * The gateway configuration that puts the demo shop behind a gateway: `/api/users`, `/api/products` and
 * `/api/orders` (the prefix stripped on the way up), and orders split between the stable v1 and the canary
 * v2. Used by the demo command and the end-to-end tests, so both exercise the same routes.
 */
export function demoGatewayConfig(
  instances: ReadonlyArray<Pick<ShopInstance, "id" | "service" | "version" | "url">>,
  options: { canaryPercent?: number } = {},
) {
  const targets = (service: string) =>
    instances
      .filter((instance) => instance.service === service)
      .map((instance) => ({ id: instance.id, url: instance.url, version: instance.version }));
  const route = (service: string) => ({
    id: service,
    match: { pathPrefix: `/api/${service}` },
    service,
    stripPrefix: "/api",
  });
  return {
    routes: [route("users"), route("products"), route("orders")],
    services: {
      users: { targets: targets("users"), strategy: "round_robin" },
      products: { targets: targets("products"), strategy: "round_robin" },
      orders: {
        targets: targets("orders"),
        strategy: "round_robin",
        split: { stableVersion: "v1", canaryVersion: "v2", canaryPercent: options.canaryPercent ?? 0 },
        // The demo injects errors into a share of the canary's requests (30%) to show the error-rate alert
        // and a rollback. Ejecting a replica after 3 failures in 10 s, or opening its breaker at a 30% error
        // ratio (the defaults), would take the canary out of the split and hide exactly that; a replica that
        // fails every request is still ejected within seconds.
        healthCheck: { passive: { maxFailures: 10 } },
        circuitBreaker: { consecutiveFailures: 10, errorRatio: 0.6 },
      },
    },
  };
}
