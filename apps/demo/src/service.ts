// One replica of a demo shop service: `service --service orders --version v2 --port 4311 --instance-id orders-v2-1 ...`.
// Started by the shop supervisor (which listens for the "listening" IPC message) or by hand.
import { type AddressInfo } from "node:net";
import { runCli } from "./cli";
import { parseServiceFlags, SERVICE_USAGE } from "./service/flags";
import { type ServiceReadyMessage } from "./service/ipc";
import { createServiceApp } from "./service/server";
import { startTracing } from "./service/tracing";

// In-flight requests get this long to finish on shutdown before their connections are cut.
const SHUTDOWN_GRACE_MS = 2_000;

async function main(): Promise<void> {
  const flags = parseServiceFlags(process.argv.slice(2));
  const tracing = await startTracing({
    service: flags.service,
    version: flags.version,
    instanceId: flags.instanceId,
  });
  const log = (level: "info" | "error", message: string, fields: Record<string, unknown> = {}) => {
    const line = JSON.stringify({
      time: new Date().toISOString(),
      level,
      instance: flags.instanceId,
      message,
      ...fields,
    });
    (level === "error" ? process.stderr : process.stdout).write(`${line}\n`);
  };
  const app = createServiceApp(flags, tracing.tracer, log);

  app.server.on("error", (error) => {
    log("error", "cannot listen", { error: error.message, host: flags.host, port: flags.port });
    process.exit(1);
  });
  app.server.listen(flags.port, flags.host, () => {
    const { port } = app.server.address() as AddressInfo;
    log("info", "listening", {
      service: flags.service,
      version: flags.version,
      url: `http://${flags.host.includes(":") ? `[${flags.host}]` : flags.host}:${port}`,
      tracesExported: tracing.exporting,
    });
    process.send?.({ type: "listening", port } satisfies ServiceReadyMessage);
  });

  let stopping = false;
  const shutdown = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    log("info", "shutting down", { reason });
    const closed = new Promise<void>((resolve) => app.server.close(() => resolve()));
    app.server.closeIdleConnections();
    const cut = setTimeout(() => app.server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    cut.unref();
    await closed;
    await tracing
      .shutdown()
      .catch((error: unknown) => log("error", "could not flush traces", { error: String(error) }));
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
  // A supervisor that dies without stopping us (e.g. SIGKILL) closes the IPC channel: never outlive it.
  process.on("disconnect", () => void shutdown("supervisor gone"));
}

runCli(main, SERVICE_USAGE);
