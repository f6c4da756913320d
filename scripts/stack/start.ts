// The whole demo stack on one machine, started the same way by `npm run up` and by the e2e suite's global setup:
// the Slack receiver, the database (migrated and seeded), the demo shop, web and worker, two gateway agents in
// the demo organization's "edge" group, and a traffic generator through each gateway.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createDb } from "@switchyard/db";
import { type ShopInstance } from "@switchyard/demo";
import { demoLogin } from "../../prisma/demo-login";
import {
  DEMO_GATEWAYS,
  DEMO_ORGANIZATION_SLUG,
  ensureAgentTokens,
  ensureDemoRoutes,
  ensureIngestKey,
} from "./demo-state";
import { type ManagedProcess, Supervisor } from "./processes";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** What has to be built before the stack starts (the demo command builds it; `npm test` builds everything). */
export const BUILD_OUTPUTS = [
  "apps/web/.next/BUILD_ID",
  "apps/worker/dist/main.js",
  "apps/gateway/dist/cli.js",
  "apps/demo/dist/shop.js",
  "apps/demo/dist/traffic.js",
  "apps/demo/dist/slack-receiver.js",
];

export interface StackOptions {
  databaseUrl: string;
  redisUrl: string;
  /** BullMQ key prefix; the e2e run takes its own so it never shares queues with anything else. */
  queuePrefix?: string;
  authSecret: string;
  /** Tokens, the ingest key and the gateways' last-known-good revisions live here (`.switchyard/` for up). */
  stateDir: string;
  webPort: number;
  /** The address people open; sign-in checks the origin against it. Default http://localhost:<webPort>. */
  publicUrl?: string;
  /**
   * `preferred`: the documented ports (gateways 8081/8082, receiver 4400, the shop's 4101...) where free, any
   * free port otherwise; `ephemeral`: any free port everywhere (tests).
   */
  ports: "preferred" | "ephemeral";
  /** The demo error-rate rule's window and hold; default the seed's (30 s over, held 60 s). */
  alertTiming?: { windowSeconds: number; forSeconds: number };
  /** Requests per second the traffic generator sends through each gateway. */
  trafficRps: number;
  logLevel?: string;
  /** Every line a process prints, by process name. */
  log: (name: string, line: string) => void;
  /** A process of the stack died after start-up: the caller decides (stop everything, fail the run). */
  onFailure: (reason: string) => void;
  /** Aborting it (Ctrl-C during start-up) stops whatever was started; startStack then rejects. */
  signal?: AbortSignal;
}

export interface StackInfo {
  url: string;
  login: { email: string; password: string };
  organization: string;
  groupId: string;
  /** `pid`: the agent's process when the stack started (the stack starts it again when it exits). */
  gateways: Array<{ name: string; url: string; adminUrl: string; pid: number }>;
  slackReceiverUrl: string;
  slackWebhookUrl: string;
  /** Every shop replica, e.g. for fault injection through its admin endpoint. */
  instances: Array<Pick<ShopInstance, "id" | "service" | "version" | "url">>;
}

export interface RunningStack {
  info: StackInfo;
  /** Process ids by name, e.g. to measure their memory. */
  processes(): Array<{ name: string; pid: number | undefined }>;
  stop(): Promise<void>;
}

const PREFERRED = { receiver: 4400, gateways: [8081, 8082] } as const;

export function missingBuildOutputs(): string[] {
  return BUILD_OUTPUTS.filter((file) => !existsSync(path.join(root, file)));
}

async function portIsFree(port: number): Promise<boolean> {
  const { createServer } = await import("node:net");
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** The preferred port when it is free and ports are `preferred`; 0 (any free port) otherwise. */
async function pickPort(mode: StackOptions["ports"], preferred: number): Promise<number> {
  return mode === "preferred" && (await portIsFree(preferred)) ? preferred : 0;
}

/** Runs a one-shot command (migrations, the seed) with its output in the stack log; rejects on failure. */
function runOnce(name: string, args: string[], env: Record<string, string>, log: StackOptions["log"]) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env } });
    for (const stream of [child.stdout, child.stderr]) {
      stream.setEncoding("utf8");
      stream.on("data", (text: string) =>
        text
          .trimEnd()
          .split("\n")
          .forEach((line) => log(name, line)),
      );
    }
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${name} failed (exit ${code}); see its output above`)),
    );
  });
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, failed: AbortSignal) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (failed.aborted) throw new Error(`${what}: ${String(failed.reason)}`);
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} within ${timeoutMs / 1000} s`);
}

const httpOk = (url: string) => async () => (await fetch(url, { signal: AbortSignal.timeout(2_000) })).ok;

function addressOf(line: Record<string, unknown>, key: "proxy" | "admin"): number {
  return (line[key] as { port: number }).port;
}

/**
 * Starts the stack and resolves once every part answers: web healthy, both gateways ready on the demo routes.
 * On a failure during start-up everything already started is stopped before the error is thrown.
 */
export async function startStack(options: StackOptions): Promise<RunningStack> {
  const missing = missingBuildOutputs();
  if (missing.length > 0) {
    throw new Error(
      `Build first (missing ${missing.join(", ")}): npx turbo run build --filter=@switchyard/web ` +
        "--filter=@switchyard/worker --filter=@switchyard/gateway --filter=@switchyard/demo",
    );
  }
  const failure = new AbortController();
  const supervisor = new Supervisor({
    log: options.log,
    onFailure: (reason) => {
      failure.abort(reason);
      options.onFailure(reason);
    },
  });
  options.signal?.addEventListener("abort", () => {
    failure.abort("stopped");
    void supervisor.stopAll();
  });
  /** Waits for a process's ready line, or gives up as soon as the stack failed or was stopped. */
  const readyOf = (managed: ManagedProcess) =>
    Promise.race([
      managed.ready,
      new Promise<never>((_, reject) => {
        const fail = () =>
          reject(new Error(`${managed.name} was not ready: ${String(failure.signal.reason)}`));
        if (failure.signal.aborted) fail();
        else failure.signal.addEventListener("abort", fail);
      }),
    ]);
  const db = createDb(options.databaseUrl);
  const node = process.execPath;
  const demoBin = (name: string) => path.join(root, "apps/demo/dist", `${name}.js`);
  const controlPlane = `http://127.0.0.1:${options.webPort}`;
  const publicUrl = options.publicUrl ?? `http://localhost:${options.webPort}`;
  const started: ManagedProcess[] = [];
  const launch = (spec: Parameters<Supervisor["start"]>[0]) => {
    const managed = supervisor.start(spec);
    started.push(managed);
    return managed;
  };
  const stop = async () => {
    await supervisor.stopAll();
    await db.$disconnect();
  };

  try {
    const receiver = launch({
      name: "slack-receiver",
      command: node,
      args: [demoBin("slack-receiver"), "--port", String(await pickPort(options.ports, PREFERRED.receiver))],
      readyWhen: (line) => line.event === "slack-receiver.ready",
      stopOrder: 3,
    });
    const slackReceiverUrl = String((await readyOf(receiver)).url);
    const slackWebhookUrl = `${slackReceiverUrl}/services/demo`;

    const dbEnv = {
      DATABASE_URL: options.databaseUrl,
      // The seed points the demo Slack channel at the receiver, encrypted with the secret web and worker use.
      SWITCHYARD_DEMO_SLACK_WEBHOOK_URL: slackWebhookUrl,
      BETTER_AUTH_SECRET: options.authSecret,
      ...(options.alertTiming
        ? {
            SWITCHYARD_DEMO_ALERT_WINDOW_SECONDS: String(options.alertTiming.windowSeconds),
            SWITCHYARD_DEMO_ALERT_FOR_SECONDS: String(options.alertTiming.forSeconds),
          }
        : {}),
    };
    const tsx = ["--import", "tsx"];
    await runOnce("migrate", [...tsx, "packages/db/src/migrate-cli.ts"], dbEnv, options.log);
    await runOnce("seed", [...tsx, "prisma/seed.ts"], dbEnv, options.log);

    const organization = await db.organization.findUniqueOrThrow({ where: { slug: DEMO_ORGANIZATION_SLUG } });
    const ingestKey = await ensureIngestKey(db, organization.id, options.stateDir);
    // Web, worker and the shop send their own traces to this control plane (they appear on the service map).
    const telemetryEnv = {
      OTEL_EXPORTER_OTLP_ENDPOINT: controlPlane,
      OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer%20${ingestKey}`,
    };

    const shopPorts =
      options.ports === "preferred" && (await portIsFree(4101))
        ? []
        : ["--users-port", "0", "--products-port", "0", "--orders-v1-port", "0", "--orders-v2-port", "0"];
    const shop = launch({
      name: "shop",
      command: node,
      args: [demoBin("shop"), ...shopPorts],
      env: telemetryEnv,
      readyWhen: (line) => line.event === "shop.ready",
      stopOrder: 2,
    });
    const instances = (await readyOf(shop)).instances as StackInfo["instances"];

    const { groupId } = await ensureDemoRoutes(db, organization.id, instances);
    const tokens = await ensureAgentTokens(db, organization.id, groupId, options.stateDir);

    const appEnv = {
      ...telemetryEnv,
      DATABASE_URL: options.databaseUrl,
      REDIS_URL: options.redisUrl,
      BETTER_AUTH_SECRET: options.authSecret,
      SWITCHYARD_PUBLIC_URL: publicUrl,
      NEXT_TELEMETRY_DISABLED: "1",
      NODE_ENV: "production",
      ...(options.queuePrefix ? { SWITCHYARD_QUEUE_PREFIX: options.queuePrefix } : {}),
      ...(options.logLevel ? { LOG_LEVEL: options.logLevel } : {}),
    };
    launch({
      name: "web",
      command: node,
      args: [path.join(root, "node_modules/next/dist/bin/next"), "start", "--port", String(options.webPort)],
      cwd: path.join(root, "apps/web"),
      env: appEnv,
      stopOrder: 3,
    });
    launch({
      name: "worker",
      command: node,
      args: [path.join(root, "apps/worker/dist/main.js")],
      env: appEnv,
      stopOrder: 2,
    });
    await waitFor(
      "the web app was not healthy",
      httpOk(`${controlPlane}/api/healthz`),
      90_000,
      failure.signal,
    );

    const gateways: StackInfo["gateways"] = [];
    for (const [index, name] of DEMO_GATEWAYS.entries()) {
      const dir = path.join(options.stateDir, "gateways", name);
      await mkdir(dir, { recursive: true });
      const bootstrap = (proxyPort: number, adminPort: number) => ({
        agentId: name,
        controlPlaneUrl: controlPlane,
        listen: { host: "127.0.0.1", port: proxyPort },
        adminListen: { host: "127.0.0.1", port: adminPort },
        stateDir: "state",
        // Every request's span is kept, so the service map and traces fill within seconds of the first request.
        telemetry: { traceSampleRate: 1, exportIntervalMs: 2_000 },
        accessLog: { enabled: false },
        // Rate limits marked shared keep their buckets here, under the run's own prefix.
        redis: { url: options.redisUrl, keyPrefix: `${options.queuePrefix ?? "switchyard"}:gateway:` },
        drainTimeoutMs: 5_000,
      });
      const bootstrapFile = path.join(dir, "bootstrap.json");
      const proxyPort = await pickPort(options.ports, PREFERRED.gateways[index]!);
      await writeFile(bootstrapFile, JSON.stringify(bootstrap(proxyPort, 0), null, 2));
      const gateway = launch({
        name,
        command: node,
        args: [path.join(root, "apps/gateway/dist/cli.js"), "--config", bootstrapFile],
        env: { SWITCHYARD_AGENT_TOKEN: tokens[name]! },
        // Like a gateway under systemd: it comes back after a crash or a restart, on the same addresses.
        restart: true,
        readyWhen: (line) => line.msg === "gateway agent started",
        stopOrder: 1,
      });
      const ready = await readyOf(gateway);
      const ports = { proxy: addressOf(ready, "proxy"), admin: addressOf(ready, "admin") };
      await writeFile(bootstrapFile, JSON.stringify(bootstrap(ports.proxy, ports.admin), null, 2));
      gateways.push({
        name,
        url: `http://127.0.0.1:${ports.proxy}`,
        adminUrl: `http://127.0.0.1:${ports.admin}`,
        pid: gateway.pid!,
      });
    }
    for (const gateway of gateways) {
      await waitFor(
        `${gateway.name} was not ready`,
        httpOk(`${gateway.adminUrl}/readyz`),
        30_000,
        failure.signal,
      );
    }

    for (const [index, gateway] of gateways.entries()) {
      launch({
        name: `traffic-${gateway.name}`,
        command: node,
        // The generator stops by itself after an hour at most; the restart policy keeps the demo going.
        args: [
          demoBin("traffic"),
          "--target",
          gateway.url,
          "--rps",
          String(options.trafficRps),
          "--duration",
          "1h",
          "--seed",
          String(42 + index),
        ],
        restart: true,
      });
    }

    return {
      info: {
        url: publicUrl,
        login: { email: demoLogin.email, password: demoLogin.password },
        organization: DEMO_ORGANIZATION_SLUG,
        groupId,
        gateways,
        slackReceiverUrl,
        slackWebhookUrl,
        instances: instances.map(({ id, service, version, url }) => ({ id, service, version, url })),
      },
      processes: () => started.map((managed) => ({ name: managed.name, pid: managed.pid })),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
