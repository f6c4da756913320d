import { z } from "zod";
import {
  betterAuthSecret,
  databaseUrl,
  logLevel,
  otelExporterEndpoint,
  otelExporterHeaders,
  publicUrl,
  redisUrl,
} from "@switchyard/env";

export const workerEnvSchema = z.object({
  DATABASE_URL: databaseUrl,
  REDIS_URL: redisUrl,
  LOG_LEVEL: logLevel,
  BETTER_AUTH_SECRET: betterAuthSecret.describe(
    "the web app's BETTER_AUTH_SECRET: the key that decrypts notification channels is derived from it",
  ),
  SWITCHYARD_PUBLIC_URL: publicUrl.describe(
    "the web app's URL, for links in notifications (default http://localhost:3000)",
  ),
  OTEL_EXPORTER_OTLP_ENDPOINT: otelExporterEndpoint,
  OTEL_EXPORTER_OTLP_HEADERS: otelExporterHeaders,
  SWITCHYARD_QUEUE_PREFIX: z
    .string()
    .max(64, { message: "longer than 64 characters" })
    .regex(/^[A-Za-z0-9_-]+$/, { message: "may hold only letters, digits, - and _" })
    .default("switchyard")
    .describe("the BullMQ key prefix shared by web and worker (default switchyard)"),
  SWITCHYARD_SHUTDOWN_GRACE_MS: z.coerce
    .number()
    .int({ message: "not a whole number" })
    .min(1_000, { message: "below 1000" })
    .max(600_000, { message: "above 600000" })
    .default(25_000)
    .describe("how long SIGTERM waits for running jobs before the process gives up, in ms (default 25000)"),
});

export type WorkerEnv = z.output<typeof workerEnvSchema>;
