import { z } from "zod";

function urlWithScheme(schemes: readonly string[], nameWithArticle: string) {
  return z.string().refine(
    (value) => {
      if (!URL.canParse(value)) return false;
      return schemes.includes(new URL(value).protocol.replace(/:$/, ""));
    },
    { message: `not ${nameWithArticle} URL (${schemes.map((s) => `${s}://`).join(" or ")})` },
  );
}

export const databaseUrl = urlWithScheme(["postgresql", "postgres"], "a PostgreSQL").describe(
  "a PostgreSQL URL such as postgresql://postgres@127.0.0.1:5432/switchyard",
);

export const redisUrl = urlWithScheme(["redis", "rediss"], "a Redis").describe(
  "a Redis URL such as redis://127.0.0.1:6379",
);

export const logLevels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof logLevels)[number];

export const logLevel = z
  .enum(logLevels)
  .default("info")
  .describe(`one of ${logLevels.join(", ")} (default info)`);

export const otelExporterEndpoint = urlWithScheme(["http", "https"], "an HTTP")
  .optional()
  .describe(
    "the base http(s) URL of an OTLP/HTTP receiver such as http://127.0.0.1:4318; leave unset to export nothing",
  );

/** The format the OpenTelemetry exporters read: `key=value` pairs separated by commas. */
export const otelExporterHeaders = z
  .string()
  .regex(/^\s*[^=,\s]+\s*=[^,]*(,\s*[^=,\s]+\s*=[^,]*)*$/, { message: "not a list of key=value pairs" })
  .optional()
  .describe("comma-separated key=value pairs sent with every OTLP export, e.g. authorization=Bearer%20abc");

export const port = z.coerce
  .number()
  .int({ message: "not a whole number" })
  .min(1, { message: "below 1" })
  .max(65535, { message: "above 65535" })
  .describe("a TCP port between 1 and 65535");

/** better-auth's signing secret; the worker derives the key that decrypts notification channels from it. */
export const betterAuthSecret = z
  .string({ error: "required — a random secret of at least 32 characters (openssl rand -hex 32)" })
  .min(32, "must be at least 32 characters (openssl rand -hex 32)");

/** The URL people open; links in notifications point there. */
export const publicUrl = z
  .url("must be the URL people open, e.g. http://localhost:3000")
  .default("http://localhost:3000");
