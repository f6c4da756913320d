import { loadEnv } from "@switchyard/env";
import { createLogger, startTelemetry } from "@switchyard/observability";
import packageJson from "../package.json" with { type: "json" };
import { workerEnvSchema } from "./env";

const env = loadEnv(workerEnvSchema, { service: "worker" });
const logger = createLogger({ service: "worker", level: env.LOG_LEVEL });

process.on("unhandledRejection", (reason) => {
  logger.fatal({ err: reason }, "unhandled promise rejection");
  process.exit(1);
});
process.on("uncaughtException", (error) => {
  logger.fatal({ err: error }, "uncaught exception");
  process.exit(1);
});

const telemetry = await startTelemetry({
  serviceName: "switchyard-worker",
  serviceVersion: packageJson.version,
  logger,
});
// Imported only now, so the pg driver loads after the instrumentations are in place.
const { startWorkerRuntime } = await import("./runtime");

let runtime: Awaited<ReturnType<typeof startWorkerRuntime>>;
try {
  runtime = await startWorkerRuntime({
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    prefix: env.SWITCHYARD_QUEUE_PREFIX,
    authSecret: env.BETTER_AUTH_SECRET,
    publicUrl: env.SWITCHYARD_PUBLIC_URL,
    logger,
  });
} catch (error) {
  logger.fatal({ err: error }, "worker failed to start");
  await telemetry.shutdown();
  process.exit(1);
}

let shuttingDown = false;
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (shuttingDown) {
    logger.info({ signal }, "already shutting down; waiting for running jobs");
    return;
  }
  shuttingDown = true;
  logger.info(
    { signal, graceMs: env.SWITCHYARD_SHUTDOWN_GRACE_MS },
    "shutting down: waiting for running jobs",
  );
  const deadline = setTimeout(() => {
    logger.error(
      { graceMs: env.SWITCHYARD_SHUTDOWN_GRACE_MS },
      "running jobs did not finish in time; exiting",
    );
    process.exit(1);
  }, env.SWITCHYARD_SHUTDOWN_GRACE_MS);
  deadline.unref();
  try {
    await runtime.close();
    await telemetry.shutdown();
    logger.info("worker stopped");
    process.exit(0);
  } catch (error) {
    logger.fatal({ err: error }, "shutdown failed");
    process.exit(1);
  }
}

for (const signal of ["SIGTERM", "SIGINT"] as const)
  process.on(signal, (received) => void shutdown(received));
