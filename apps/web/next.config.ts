import type { NextConfig } from "next";

const config: NextConfig = {
  // Workspace packages ship TypeScript source; Next compiles them with the app.
  transpilePackages: [
    "@switchyard/api",
    "@switchyard/auth",
    "@switchyard/contracts",
    "@switchyard/db",
    "@switchyard/env",
    "@switchyard/observability",
    "@switchyard/queue",
    "@switchyard/traffic",
  ],
  // Loaded by Node at run time rather than bundled: native-ish or dynamically required server packages.
  serverExternalPackages: [
    // BullMQ loads its Lua scripts from its own directory, so it and its Redis client stay unbundled.
    "bullmq",
    "ioredis",
    "pg",
    "pino",
    "@opentelemetry/sdk-node",
    "@opentelemetry/auto-instrumentations-node",
  ],
  // The Docker image runs the self-contained server; `next start` (the demo command) needs the regular output.
  ...(process.env.NEXT_OUTPUT === "standalone" ? { output: "standalone" as const } : {}),
  poweredByHeader: false,
  devIndicators: false,
};

export default config;
