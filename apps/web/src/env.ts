import { z } from "zod";
import { betterAuthSecret, databaseUrl, loadEnv, logLevel, publicUrl, redisUrl } from "@switchyard/env";

export const webEnvSchema = z.object({
  DATABASE_URL: databaseUrl,
  REDIS_URL: redisUrl,
  SWITCHYARD_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "use letters, digits, - and _ (at most 64)")
    .default("switchyard"),
  BETTER_AUTH_SECRET: betterAuthSecret,
  SWITCHYARD_PUBLIC_URL: publicUrl,
  LOG_LEVEL: logLevel,
});

export type WebEnv = z.output<typeof webEnvSchema>;

let cached: WebEnv | undefined;

/** The validated environment. The first call exits the process with a clear message when it is invalid. */
export function webEnv(): WebEnv {
  cached ??= loadEnv(webEnvSchema, { service: "web" });
  return cached;
}
