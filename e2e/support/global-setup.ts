import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { startDemoStack } from "./demo-stack";
import { e2ePort } from "./ports";

/**
 * Starts the real stack for the browser tests: a fresh database (migrated and seeded), the built web app
 * and the worker with a Redis prefix of its own. Returns the teardown, which stops both and drops the
 * database. Anything missing fails the run with a message; nothing is skipped.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const adminUrl =
  process.env.TEST_DATABASE_URL ??
  process.env.DATABASE_URL ??
  "postgresql://postgres@127.0.0.1:5432/postgres";
const redisUrl = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

function databaseUrl(name: string) {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function adminQuery(sql: string) {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  await client.connect().catch((error: Error) => {
    throw new Error(`e2e needs PostgreSQL at ${adminUrl}: ${error.message}`);
  });
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function portInUse(port: number) {
  return new Promise<boolean>((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

function runOrThrow(command: string, args: string[], env: Record<string, string>) {
  const result = spawnSync(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: "inherit" });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed with ${result.status}`);
}

async function waitForHealthy(url: string, web: ChildProcess) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (web.exitCode !== null)
      throw new Error(`the web app exited with ${web.exitCode} before it was healthy`);
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the web app was not healthy at ${url} within 60 s`);
}

export default async function globalSetup() {
  if (
    !existsSync(path.join(root, "apps/web/.next/BUILD_ID")) ||
    !existsSync(path.join(root, "apps/worker/dist/main.js"))
  ) {
    throw new Error(
      "Build web and worker first: npx turbo run build --filter=@switchyard/web --filter=@switchyard/worker",
    );
  }
  if (await portInUse(e2ePort)) throw new Error(`Port ${e2ePort} is taken; set E2E_PORT to a free port.`);

  const name = `sy_e2e_${randomBytes(5).toString("hex")}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  const env = {
    DATABASE_URL: databaseUrl(name),
    REDIS_URL: redisUrl,
    SWITCHYARD_QUEUE_PREFIX: `sy-e2e-${name}`,
    BETTER_AUTH_SECRET: randomBytes(32).toString("hex"),
    SWITCHYARD_PUBLIC_URL: `http://localhost:${e2ePort}`,
    NEXT_TELEMETRY_DISABLED: "1",
    NODE_ENV: "production",
    LOG_LEVEL: "warn",
  };
  runOrThrow("npx", ["tsx", "packages/db/src/migrate-cli.ts"], env);
  runOrThrow("npx", ["tsx", "prisma/seed.ts"], env);

  // Own process groups, so stopping a child also stops what it spawned (Next's server is a grandchild).
  const spawnOptions: SpawnOptions = {
    env: { ...process.env, ...env },
    stdio: ["ignore", "inherit", "inherit"],
    detached: true,
  };
  const nextBin = path.join(root, "node_modules/next/dist/bin/next");
  const web = spawn("node", [nextBin, "start", "--port", String(e2ePort)], {
    ...spawnOptions,
    cwd: path.join(root, "apps/web"),
  });
  const worker = spawn("node", ["apps/worker/dist/main.js"], { ...spawnOptions, cwd: root });
  const signal = (child: ChildProcess, sig: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
    try {
      process.kill(-child.pid, sig);
    } catch {
      // already gone
    }
  };

  const teardown = async () => {
    for (const child of [web, worker]) signal(child, "SIGTERM");
    await new Promise((r) => setTimeout(r, 1500));
    for (const child of [web, worker]) signal(child, "SIGKILL");
    await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  };
  try {
    await waitForHealthy(`http://localhost:${e2ePort}/api/healthz`, web);
  } catch (error) {
    await teardown();
    throw error;
  }
  let demo: Awaited<ReturnType<typeof startDemoStack>>;
  try {
    demo = await startDemoStack({
      databaseUrl: env.DATABASE_URL,
      controlPlaneUrl: env.SWITCHYARD_PUBLIC_URL,
    });
  } catch (error) {
    await teardown();
    throw error;
  }
  process.env.SWITCHYARD_E2E_DEMO = JSON.stringify(demo.info);
  return async () => {
    await demo.stop();
    await teardown();
  };
}
