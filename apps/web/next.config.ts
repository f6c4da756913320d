import type { NextConfig } from "next";

const config: NextConfig = {
  // Workspace packages ship TypeScript source; Next compiles them with the app.
  transpilePackages: [
    "@switchyard/alerting",
    "@switchyard/api",
    "@switchyard/auth",
    "@switchyard/contracts",
    "@switchyard/db",
    "@switchyard/env",
    "@switchyard/ingest",
    "@switchyard/observability",
    "@switchyard/otlp",
    "@switchyard/queue",
    "@switchyard/telemetry-store",
    "@switchyard/traffic",
  ],
  // Loaded by Node at run time rather than bundled: native-ish or dynamically required server packages.
  serverExternalPackages: [
    "pg",
    "pino",
    // BullMQ loads its Lua scripts from its own directory; the OTLP protobuf definitions are generated code.
    "bullmq",
    "ioredis",
    "protobufjs",
    "@opentelemetry/otlp-transformer",
    "@opentelemetry/sdk-node",
    "@opentelemetry/auto-instrumentations-node",
  ],
  // The Docker image runs the self-contained server; `next start` (the demo command) needs the regular output.
  ...(process.env.NEXT_OUTPUT === "standalone" ? { output: "standalone" as const } : {}),
  poweredByHeader: false,
  devIndicators: false,
};

export default config;
