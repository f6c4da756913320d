import { z } from "zod";
import { httpUrl, integerFlag, parseFlags } from "../cli";
import { seedFromString } from "../rng";
import { requiredError } from "../validation";
import { type ServiceConfig } from "./server";

export const SERVICE_USAGE = `usage: service --service users|products|orders --port N --instance-id ID [options]

  --service users|products|orders   which service this process runs
  --version v1|v2                   version label, sent as x-service-version (default v1)
  --port N                          port to listen on, 0 for any free port
  --host ADDRESS                    address to listen on (default 127.0.0.1)
  --instance-id ID                  replica name, sent as x-served-by (letters, digits, . _ -)
  --users-url URL[,URL...]          orders only: base URL(s) of the users service
  --products-url URL[,URL...]       orders only: base URL(s) of the products service
  --fault-seed N                    seed for injected errors (default: derived from the instance id)

Environment: OTEL_EXPORTER_OTLP_ENDPOINT (and OTEL_EXPORTER_OTLP_HEADERS) turn on OTLP/HTTP trace export.`;

const urlList = z
  .string()
  .transform((value) => value.split(",").map((part) => part.trim()))
  .pipe(z.array(httpUrl).min(1));

export const listenHost = z.union([z.ipv4(), z.ipv6(), z.literal("localhost")], {
  error: "expected an IP address or localhost",
});

const serviceFlagsSchema = z
  .object({
    service: z.enum(["users", "products", "orders"], requiredError),
    version: z.enum(["v1", "v2"]).default("v1"),
    port: integerFlag(0, 65_535),
    host: listenHost.default("127.0.0.1"),
    instanceId: z
      .string(requiredError)
      .regex(/^[A-Za-z0-9._-]{1,64}$/, "expected 1-64 letters, digits, . _ or -"),
    usersUrl: urlList.optional(),
    productsUrl: urlList.optional(),
    faultSeed: integerFlag(0, 0xffff_ffff).optional(),
  })
  .superRefine((flags, ctx) => {
    for (const key of ["usersUrl", "productsUrl"] as const) {
      if (flags.service === "orders" && !flags[key]) {
        ctx.addIssue({ code: "custom", path: [key], message: "is required for --service orders" });
      }
      if (flags.service !== "orders" && flags[key]) {
        ctx.addIssue({ code: "custom", path: [key], message: "only applies to --service orders" });
      }
    }
  });

const FLAG_OPTIONS = {
  service: { type: "string" },
  version: { type: "string" },
  port: { type: "string" },
  host: { type: "string" },
  "instance-id": { type: "string" },
  "users-url": { type: "string" },
  "products-url": { type: "string" },
  "fault-seed": { type: "string" },
} as const;

export interface ServiceFlags extends ServiceConfig {
  port: number;
  host: string;
}

/** Parses the service binary's flags; throws UsageError naming the bad flag. */
export function parseServiceFlags(argv: readonly string[]): ServiceFlags {
  const flags = parseFlags(argv, FLAG_OPTIONS, serviceFlagsSchema);
  return {
    service: flags.service,
    version: flags.version,
    port: flags.port,
    host: flags.host,
    instanceId: flags.instanceId,
    usersUrls: flags.usersUrl ?? [],
    productsUrls: flags.productsUrl ?? [],
    faultSeed: flags.faultSeed ?? seedFromString(flags.instanceId),
  };
}
