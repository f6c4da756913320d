import { createTelemetryReader, type TelemetryReader } from "@switchyard/api";
import { webEnv } from "@/env";

// One pool per process, kept across Next.js dev reloads.
const globalForTelemetry = globalThis as unknown as { switchyardTelemetryReader?: TelemetryReader };

/** The dashboard's telemetry reads (the telemetry store over its own pg pool). */
export function getTelemetryQueries(): TelemetryReader {
  globalForTelemetry.switchyardTelemetryReader ??= createTelemetryReader(webEnv().DATABASE_URL);
  return globalForTelemetry.switchyardTelemetryReader;
}
