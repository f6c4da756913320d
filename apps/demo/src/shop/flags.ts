import { z } from "zod";
import { flagName, httpUrl, integerFlag, parseFlags } from "../cli";
import { listenHost } from "../service/flags";
import { DEFAULT_SHOP_PORTS, resolveShopConfig, type ShopConfigInput } from "./topology";

export const SHOP_USAGE = `usage: shop [options]

  --host ADDRESS              address every replica listens on (default 127.0.0.1)
  --replicas N                replicas per group, 1-9 (default 2)
  --users-port N              first users port (default ${DEFAULT_SHOP_PORTS.users}); 0 = any free port
  --products-port N           first products port (default ${DEFAULT_SHOP_PORTS.products})
  --orders-v1-port N          first orders v1 port (default ${DEFAULT_SHOP_PORTS.ordersV1})
  --orders-v2-port N          first orders v2 port (default ${DEFAULT_SHOP_PORTS.ordersV2})
  --users-url URL             where orders reaches users (e.g. through a gateway); default: the users replicas
  --products-url URL          where orders reaches products; default: the products replicas
  --ready-timeout-ms N        how long to wait for every replica to be healthy (default 30000)

Prints a table of instances and one JSON line ({"event":"shop.ready",...}) for scripts. Ctrl-C stops everything.
Environment (OTEL_EXPORTER_OTLP_ENDPOINT, ...) is passed on to every replica.`;

const FLAG_OPTIONS = {
  host: { type: "string" },
  replicas: { type: "string" },
  "users-port": { type: "string" },
  "products-port": { type: "string" },
  "orders-v1-port": { type: "string" },
  "orders-v2-port": { type: "string" },
  "users-url": { type: "string" },
  "products-url": { type: "string" },
  "ready-timeout-ms": { type: "string" },
} as const;

const portFlag = integerFlag(0, 65_535).optional();

const shopFlagsSchema = z.object({
  host: listenHost.optional(),
  replicas: integerFlag(1, 9).optional(),
  usersPort: portFlag,
  productsPort: portFlag,
  ordersV1Port: portFlag,
  ordersV2Port: portFlag,
  usersUrl: httpUrl.optional(),
  productsUrl: httpUrl.optional(),
  readyTimeoutMs: integerFlag(1_000, 300_000).optional(),
});

// Cross-field problems (overlapping port ranges) are found on the options; name them as the flags they came from.
function optionPathToFlag(path: string): string {
  const port = /^ports\.(\w+)$/.exec(path)?.[1];
  return flagName(port ? `${port}Port` : path);
}

/** Parses the shop CLI's flags into startShop options; throws UsageError/ConfigError naming the flag. */
export function parseShopFlags(argv: readonly string[]): ShopConfigInput {
  const flags = parseFlags(argv, FLAG_OPTIONS, shopFlagsSchema);
  const input = {
    host: flags.host,
    replicas: flags.replicas,
    ports: {
      users: flags.usersPort,
      products: flags.productsPort,
      ordersV1: flags.ordersV1Port,
      ordersV2: flags.ordersV2Port,
    },
    usersUrl: flags.usersUrl,
    productsUrl: flags.productsUrl,
    readyTimeoutMs: flags.readyTimeoutMs,
  };
  resolveShopConfig(input, optionPathToFlag);
  return input;
}
