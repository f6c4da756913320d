// Programmatic API of the demo shop, for the gateway's tests, the e2e suite and the demo command.
export {
  startShop,
  type Shop,
  type ShopInstance,
  type ShopOptions,
  type InstanceState,
  type ExitInfo,
} from "./supervisor";
export { DEFAULT_SHOP_PORTS, planInstances, resolveShopConfig, type ShopPorts } from "./shop/topology";
export { runTraffic, type TrafficOptions } from "./traffic/runner";
export { TRAFFIC_LIMITS } from "./traffic/options";
export { TRAFFIC_MIX, planRequests, type PlannedRequest, type RequestKind } from "./traffic/mix";
export { formatSummary, type TrafficSummary, type LatencySummary } from "./traffic/summary";
export { NO_FAULTS, type FaultSettings } from "./service/faults";
export { clearFaults, getFaults, setFaults, type FaultRequest } from "./admin-client";
export { USERS, PRODUCTS, SEED_ORDERS, type User, type Product, type Order } from "./service/catalog";
export { ConfigError } from "./validation";
export { demoGatewayConfig } from "./gateway-config";
