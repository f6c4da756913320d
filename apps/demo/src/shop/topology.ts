import { z } from "zod";
import { httpUrl } from "../cli";
import { listenHost } from "../service/flags";
import { type ServiceName, type ServiceVersion } from "../service/server";
import { ConfigError, definedFields, describeIssues, fieldIssues } from "../validation";

/** First port of each replica group; replica n listens on base + n - 1. 0 gives every replica any free port. */
export interface ShopPorts {
  users: number;
  products: number;
  ordersV1: number;
  ordersV2: number;
}

export const DEFAULT_SHOP_PORTS: Readonly<ShopPorts> = Object.freeze({
  users: 4101,
  products: 4201,
  ordersV1: 4301,
  ordersV2: 4311,
});

const GROUPS: ReadonlyArray<{
  key: keyof ShopPorts;
  service: ServiceName;
  version: ServiceVersion;
  prefix: string;
}> = [
  { key: "users", service: "users", version: "v1", prefix: "users" },
  { key: "products", service: "products", version: "v1", prefix: "products" },
  { key: "ordersV1", service: "orders", version: "v1", prefix: "orders-v1" },
  { key: "ordersV2", service: "orders", version: "v2", prefix: "orders-v2" },
];

const port = z.number().int().min(0).max(65_535);

const shopOptionsSchema = z
  .strictObject({
    host: listenHost.default("127.0.0.1"),
    replicas: z.number().int().min(1).max(9).default(2),
    ports: z
      .union([
        z.literal("ephemeral"),
        z.strictObject({
          users: port.optional(),
          products: port.optional(),
          ordersV1: port.optional(),
          ordersV2: port.optional(),
        }),
      ])
      .default({}),
    usersUrl: httpUrl.optional(),
    productsUrl: httpUrl.optional(),
    readyTimeoutMs: z.number().int().min(1_000).max(300_000).default(30_000),
    env: z.record(z.string(), z.string()).default({}),
  })
  .transform((options) => ({
    ...options,
    ports:
      options.ports === "ephemeral"
        ? { users: 0, products: 0, ordersV1: 0, ordersV2: 0 }
        : { ...DEFAULT_SHOP_PORTS, ...definedFields(options.ports) },
  }))
  .superRefine((options, ctx) => {
    const taken = new Map<number, keyof ShopPorts>();
    for (const { key } of GROUPS) {
      const base = options.ports[key];
      if (base === 0) continue;
      if (base + options.replicas - 1 > 65_535) {
        ctx.addIssue({
          code: "custom",
          path: ["ports", key],
          message: `leaves no room for ${options.replicas} replicas`,
        });
        continue;
      }
      for (let offset = 0; offset < options.replicas; offset++) {
        const other = taken.get(base + offset);
        if (other) {
          ctx.addIssue({
            code: "custom",
            path: ["ports", key],
            message: `port ${base + offset} is also used by ${other} (each group needs ${options.replicas} ports)`,
          });
          break;
        }
        taken.set(base + offset, key);
      }
    }
  });

export type ShopConfigInput = z.input<typeof shopOptionsSchema>;
export type ShopConfig = z.output<typeof shopOptionsSchema>;

/** Validates shop options; `rename` lets the CLI report `--users-port` where the API says `ports.users`. */
export function resolveShopConfig(input: unknown, rename?: (path: string) => string): ShopConfig {
  const result = shopOptionsSchema.safeParse(input);
  if (!result.success) throw new ConfigError(describeIssues(fieldIssues(result.error, rename)));
  return result.data;
}

export interface InstanceSpec {
  /** e.g. `users-1`, `orders-v2-2`; also the replica's x-served-by value. */
  id: string;
  service: ServiceName;
  version: ServiceVersion;
  replica: number;
  /** 0 means any free port. */
  port: number;
}

/** Every replica the shop runs, dependencies (users, products) first. */
export function planInstances(config: Pick<ShopConfig, "ports" | "replicas">): InstanceSpec[] {
  return GROUPS.flatMap(({ key, service, version, prefix }) =>
    Array.from({ length: config.replicas }, (_, index) => ({
      id: `${prefix}-${index + 1}`,
      service,
      version,
      replica: index + 1,
      port: config.ports[key] === 0 ? 0 : config.ports[key] + index,
    })),
  );
}
