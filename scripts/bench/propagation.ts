/**
 * `npm run bench:propagation`: how fast a traffic change reaches every gateway. Starts the built web app and
 * worker on a scratch database, three real gateway agents watching the control plane, then makes 100 canary
 * changes through the tRPC mutation (as the UI does) and reads, for each revision, the time from its commit
 * to the last agent's acknowledgement. Loopback only; every wait is bounded; everything it starts it stops.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { applyMigrations } from "@switchyard/db/migrate";
import { createDb } from "@switchyard/db";
import { hashAgentToken } from "@switchyard/traffic";
import { admin, dbUrl, freePort, percentile, redisUrl, waitFor } from "./scratch";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const AGENTS = 3;
const CHANGES = 100;
const CONVERGE_TIMEOUT_MS = 5_000;
/** Convergence is timed to the millisecond, so it is checked far more often than the scratch default. */
const POLL_MS = 5;
const children: ChildProcess[] = [];

function start(name: string, command: string, args: string[], env: Record<string, string>, cwd = root) {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
    detached: true,
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  child.on("exit", (code) => {
    if (code && code !== 0 && !stopping) console.error(`${name} exited with ${code}:\n${stderr}`);
  });
  children.push(child);
  return child;
}

let stopping = false;
async function stopAll() {
  stopping = true;
  for (const child of children) {
    try {
      if (child.pid && child.exitCode === null) process.kill(-child.pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
  await new Promise((r) => setTimeout(r, 1500));
  for (const child of children) {
    try {
      if (child.pid && child.exitCode === null) process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

const name = `sy_bench_prop_${randomBytes(4).toString("hex")}`;
const prefix = `sy-bench-${randomBytes(4).toString("hex")}`;
const workDir = await mkdtemp(path.join(tmpdir(), "switchyard-bench-"));
try {
  if (spawnSync("test", ["-f", path.join(root, "apps/web/.next/BUILD_ID")]).status !== 0) {
    console.log("building web and worker…");
    spawnSync(
      "npx",
      [
        "turbo",
        "run",
        "build",
        "--filter=@switchyard/web",
        "--filter=@switchyard/worker",
        "--output-logs=errors-only",
      ],
      { cwd: root, stdio: "inherit" },
    );
  }
  await admin(`CREATE DATABASE "${name}"`);
  await applyMigrations(dbUrl(name));
  spawnSync("npx", ["tsx", "prisma/seed.ts"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: dbUrl(name) },
    stdio: "ignore",
  });
  const db = createDb(dbUrl(name));

  const upstream = createServer((_req, res) => res.end("ok"));
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;

  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  const env = {
    DATABASE_URL: dbUrl(name),
    REDIS_URL: redisUrl,
    SWITCHYARD_QUEUE_PREFIX: prefix,
    BETTER_AUTH_SECRET: randomBytes(32).toString("hex"),
    SWITCHYARD_PUBLIC_URL: baseUrl,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    LOG_LEVEL: "warn",
  };
  start(
    "web",
    "node",
    [path.join(root, "node_modules/next/dist/bin/next"), "start", "--port", String(port)],
    env,
    path.join(root, "apps/web"),
  );
  start("worker", "node", ["apps/worker/dist/main.js"], env);
  await waitFor(
    "the web app",
    60_000,
    async () => ((await fetch(`${baseUrl}/api/healthz`)).ok ? true : undefined),
    POLL_MS,
  );

  const organization = await db.organization.findUniqueOrThrow({ where: { slug: "demo" } });
  const group = await db.gatewayGroup.create({
    data: { organizationId: organization.id, name: `bench-${randomBytes(3).toString("hex")}` },
  });
  for (let i = 1; i <= AGENTS; i++) {
    const token = `sy_agt_${randomBytes(32).toString("base64url")}`;
    await db.agent.create({
      data: {
        organizationId: organization.id,
        groupId: group.id,
        name: `bench-${i}`,
        tokenHash: hashAgentToken(token),
        tokenPrefix: token.slice(0, 13),
      },
    });
    const dir = path.join(workDir, `agent-${i}`);
    await rm(dir, { recursive: true, force: true });
    await import("node:fs/promises").then((fs) => fs.mkdir(dir, { recursive: true }));
    await writeFile(
      path.join(dir, "bootstrap.json"),
      JSON.stringify({
        agentId: `bench-${i}`,
        controlPlaneUrl: baseUrl,
        agentToken: token,
        listen: { host: "127.0.0.1", port: 0 },
        adminListen: { host: "127.0.0.1", port: 0 },
        stateDir: "state",
        accessLog: { enabled: false },
      }),
    );
    start(
      `gateway ${i}`,
      "node",
      [
        "--import",
        "tsx",
        path.join(root, "apps/gateway/src/cli.ts"),
        "--config",
        path.join(dir, "bootstrap.json"),
      ],
      {},
      path.join(root, "apps/gateway"),
    );
  }

  const signIn = await fetch(`${baseUrl}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: baseUrl },
    body: JSON.stringify({ email: "admin@switchyard.local", password: "switchyard-demo-1" }),
  });
  if (!signIn.ok) throw new Error(`sign-in failed: ${signIn.status}`);
  const cookie = signIn.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const trpc = async (procedure: string, input: unknown) => {
    const response = await fetch(`${baseUrl}/api/trpc/${procedure}`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie, "x-switchyard-org": "demo" },
      body: JSON.stringify({ json: input }),
    });
    const body = (await response.json()) as {
      result?: { data: { json: { number: number } } };
      error?: unknown;
    };
    if (!body.result) throw new Error(`${procedure} failed: ${JSON.stringify(body.error)}`);
    return body.result.data.json;
  };

  const converged = (number: number) =>
    waitFor(
      `revision ${number} on ${AGENTS} agents`,
      CONVERGE_TIMEOUT_MS,
      async () => {
        const acks = await db.configAck.findMany({
          where: { revision: { groupId: group.id, number } },
          select: { propagationMs: true, status: true },
        });
        return acks.length === AGENTS && acks.every((a) => a.status === "applied")
          ? Math.max(...acks.map((a) => a.propagationMs))
          : undefined;
      },
      POLL_MS,
    );

  const config = {
    routes: [{ id: "orders", match: { pathPrefix: "/api/orders" }, service: "orders" }],
    services: {
      orders: {
        targets: [
          { id: "v1", url: upstreamUrl, version: "v1" },
          { id: "v2", url: upstreamUrl, version: "v2" },
        ],
        split: { stableVersion: "v1", canaryVersion: "v2", canaryPercent: 0 },
        healthCheck: { active: { enabled: false } },
      },
    },
  };
  let latest = (
    await trpc("traffic.commit", { groupId: group.id, baseNumber: null, config, message: "bench start" })
  ).number;
  await waitFor("every agent connected", 30_000, () => converged(latest).catch(() => undefined), POLL_MS);

  const times: number[] = [];
  let notConverged = 0;
  for (let i = 1; i <= CHANGES; i++) {
    latest = (
      await trpc("traffic.setCanary", {
        groupId: group.id,
        baseNumber: latest,
        serviceId: "orders",
        canaryPercent: i % 101,
      })
    ).number;
    try {
      times.push(await converged(latest));
    } catch {
      notConverged++;
    }
  }
  times.sort((a, b) => a - b);
  const result = {
    agents: AGENTS,
    changes: CHANGES,
    p50_ms: times.length ? percentile(times, 50) : null,
    p99_ms: times.length ? percentile(times, 99) : null,
    not_converged: notConverged,
  };
  console.log(
    `\nrevisions measured  ${times.length}\nmin                 ${times[0]} ms\np50                 ${result.p50_ms} ms\np90                 ${percentile(times, 90)} ms\np99                 ${result.p99_ms} ms\nmax                 ${times.at(-1)} ms\nnot converged       ${notConverged}\n`,
  );
  console.log(JSON.stringify(result));
  await db.$disconnect();
  upstream.close();
} finally {
  await stopAll();
  await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
  const redis = new Redis(redisUrl);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  await rm(workDir, { recursive: true, force: true });
}
