/**
 * `npm run bench:alerts`: how long an error spike takes to reach Slack. A real gateway process proxies steady
 * traffic to 20 services (one loopback upstream that fails on demand) and exports its metrics to the ingest
 * (the web app's OTLP handler on a plain Node server, as the integration tests mount it); the real worker
 * process writes the rollups and evaluates a 30 s error-rate rule without a service (one incident per
 * service) every 10 s; a local stand-in for Slack's webhook records every message. Each trial makes one
 * service fail and measures from its first failing request (as the upstream answered it) to the firing
 * message at the receiver. Ends with one JSON line. Loopback only; everything it starts it stops.
 *
 * BENCH_EXPORT_INTERVAL_MS sets the gateway's metrics export interval (default 10000, the gateway's own
 * default): a spike cannot be seen before the gateway has exported it.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { encryptChannelSecret, maskWebhookUrl } from "@switchyard/alerting";
import { startSlackReceiver } from "@switchyard/alerting/testing";
import { createDb } from "@switchyard/db";
import { applyMigrations } from "@switchyard/db/migrate";
import { hashToken } from "@switchyard/ingest";
import type { TestDatabase, TestRedis } from "@switchyard/test-fixtures";
import { GatewayProcess } from "../../apps/gateway/src/testing/processes";
import { startIngestServer } from "../../apps/web/src/server/testing/ingest-harness";
import { admin, adminUrl, percentile, redisUrl } from "./scratch";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const TRIALS = 20;
const SERVICES = TRIALS;
const REQUESTS_PER_SECOND = 50;
const TRIAL_TIMEOUT_MS = 60_000;
const EXPORT_INTERVAL_MS = Number(process.env.BENCH_EXPORT_INTERVAL_MS ?? 10_000);
if (!Number.isInteger(EXPORT_INTERVAL_MS) || EXPORT_INTERVAL_MS < 100 || EXPORT_INTERVAL_MS > 60_000) {
  console.error("BENCH_EXPORT_INTERVAL_MS must be a whole number from 100 to 60000");
  process.exit(2);
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const serviceName = (i: number) => `svc-${String(i).padStart(2, "0")}`;

/** The upstream of every service: answers 500 while its service is failing, and notes the first one. */
async function startUpstream() {
  const failing = new Set<string>();
  const firstFailureAt = new Map<string, number>();
  const server = createServer((req, res) => {
    const service = (req.url ?? "/").split("/")[1] ?? "";
    if (failing.has(service)) {
      if (!firstFailureAt.has(service)) firstFailureAt.set(service, Date.now());
      res.writeHead(500).end("injected");
    } else {
      res.end("ok");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    failing,
    firstFailureAt,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

function gatewayConfig(upstreamUrl: string) {
  const services = Array.from({ length: SERVICES }, (_, i) => serviceName(i));
  return {
    routes: services.map((service) => ({ id: service, match: { pathPrefix: `/${service}` }, service })),
    services: Object.fromEntries(
      services.map((service) => [
        service,
        {
          targets: [{ id: `${service}-1`, url: upstreamUrl, version: "v1" }],
          // Every injected error reaches the client and the metrics: no ejection, no breaker, no probes.
          healthCheck: { active: { enabled: false }, passive: { enabled: false } },
          circuitBreaker: { enabled: false },
        },
      ]),
    ),
  };
}

/** Round-robin requests to every service at a steady rate until stopped. */
function steadyLoad(origin: string) {
  let stopped = false;
  const done = (async () => {
    let next = 0;
    const started = Date.now();
    for (let sent = 0; !stopped; sent++) {
      const path = `/${serviceName(next++ % SERVICES)}/item`;
      void fetch(`${origin}${path}`).then(
        (response) => response.arrayBuffer(),
        () => undefined,
      );
      const due = started + ((sent + 1) * 1000) / REQUESTS_PER_SECOND;
      await sleep(Math.max(0, due - Date.now()));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await done;
    },
  };
}

const cleanups: Array<() => Promise<unknown>> = [];
const name = `sy_bench_alerts_${randomBytes(4).toString("hex")}`;
const prefix = `sy-bench-${randomBytes(4).toString("hex")}`;
const databaseUrl = Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString();
const authSecret = randomBytes(32).toString("hex");

try {
  await admin(`CREATE DATABASE "${name}"`);
  await applyMigrations(databaseUrl);
  const db = createDb(databaseUrl);
  cleanups.push(() => db.$disconnect());
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  await redis.connect();
  cleanups.push(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  const receiver = await startSlackReceiver();
  cleanups.push(() => receiver.close());
  const upstream = await startUpstream();
  cleanups.push(() => upstream.close());

  const organization = await db.organization.create({ data: { id: "bench", name: "Bench", slug: "bench" } });
  const channel = await db.notificationChannel.create({
    data: {
      organizationId: organization.id,
      name: "#bench",
      kind: "slack",
      secretCiphertext: encryptChannelSecret(receiver.url, authSecret),
      maskedTarget: maskWebhookUrl(receiver.url),
    },
  });
  await db.alertRule.create({
    data: {
      organizationId: organization.id,
      name: "Error spike",
      signal: "ERROR_RATE",
      threshold: 0.05,
      windowSeconds: 30,
      forSeconds: 0,
      severity: "CRITICAL",
      channels: { create: [{ channelId: channel.id }] },
    },
  });
  const group = await db.gatewayGroup.create({ data: { organizationId: organization.id, name: "edge" } });
  const agentToken = `sy_agt_${randomBytes(32).toString("base64url")}`;
  await db.agent.create({
    data: {
      organizationId: organization.id,
      groupId: group.id,
      name: "bench-1",
      tokenHash: hashToken(agentToken),
      tokenPrefix: agentToken.slice(0, 13),
    },
  });

  const ingest = await startIngestServer(
    { name, url: databaseUrl, db, drop: async () => undefined } satisfies TestDatabase,
    { url: redisUrl, prefix, cleanup: async () => undefined } satisfies TestRedis,
  );
  cleanups.push(() => ingest.close());
  const worker = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: path.join(root, "apps/worker"),
    env: {
      ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("OTEL_"))),
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      SWITCHYARD_QUEUE_PREFIX: prefix,
      BETTER_AUTH_SECRET: authSecret,
      SWITCHYARD_PUBLIC_URL: "http://localhost:3000",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  cleanups.push(async () => {
    if (worker.exitCode !== null || worker.signalCode !== null) return;
    worker.kill("SIGTERM");
    await new Promise((resolve) => worker.once("exit", resolve));
  });
  const gateway = await GatewayProcess.start({
    config: gatewayConfig(upstream.url),
    bootstrap: {
      agentId: "bench-1",
      agentToken,
      telemetry: { otlpEndpoint: ingest.url, exportIntervalMs: EXPORT_INTERVAL_MS, traceSampleRate: 0 },
    },
  });
  cleanups.push(() => gateway.remove());

  const load = steadyLoad(gateway.url);
  cleanups.push(() => load.stop());
  console.log(
    `warming up: ${REQUESTS_PER_SECOND} req/s over ${SERVICES} services, gateway export every ${EXPORT_INTERVAL_MS} ms…`,
  );
  await sleep(35_000);
  if (receiver.requests.length > 0) throw new Error("an alert fired before any error was injected");

  const firingFor = (service: string) =>
    receiver.requests.filter(
      (r) => r.body.text.startsWith("Critical:") && r.body.text.endsWith(` on ${service}`),
    );
  const seconds: number[] = [];
  let missed = 0;
  for (let trial = 0; trial < TRIALS; trial++) {
    const service = serviceName(trial);
    upstream.failing.add(service);
    const deadline = Date.now() + TRIAL_TIMEOUT_MS;
    while (firingFor(service).length === 0 && Date.now() < deadline) await sleep(50);
    upstream.failing.delete(service);
    const message = firingFor(service)[0];
    const firstFailure = upstream.firstFailureAt.get(service);
    if (!message || firstFailure === undefined) {
      missed++;
      console.log(`trial ${trial + 1}: no message within ${TRIAL_TIMEOUT_MS / 1000} s`);
    } else {
      seconds.push((message.at - firstFailure) / 1000);
      console.log(`trial ${trial + 1}: ${seconds.at(-1)!.toFixed(2)} s`);
    }
    // A pause uniform over a whole export/evaluation period, so trials do not start in step with either.
    await sleep(2_000 + Math.random() * Math.max(EXPORT_INTERVAL_MS, 10_000));
  }

  // Let every incident resolve, then count messages: one firing and one resolved per service.
  console.log("waiting for the resolved messages…");
  const resolvedFor = (service: string) =>
    receiver.requests.filter(
      (r) => r.body.text.startsWith("Resolved:") && r.body.text.includes(` on ${service} `),
    );
  const settleDeadline = Date.now() + 120_000;
  const allResolved = () =>
    Array.from({ length: TRIALS }, (_, i) => serviceName(i)).every((s) => resolvedFor(s).length > 0);
  while (!allResolved() && Date.now() < settleDeadline) await sleep(500);
  await sleep(21_000);
  let duplicates = 0;
  for (let i = 0; i < TRIALS; i++) {
    const service = serviceName(i);
    duplicates += Math.max(0, firingFor(service).length - 1) + Math.max(0, resolvedFor(service).length - 1);
  }
  const sorted = [...seconds].sort((a, b) => a - b);
  const round = (value: number) => Number(value.toFixed(2));
  console.log(
    JSON.stringify({
      trials: TRIALS,
      p50_s: sorted.length ? round(percentile(sorted, 50)) : null,
      p95_s: sorted.length ? round(percentile(sorted, 95)) : null,
      missed,
      duplicates,
    }),
  );
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  // In reverse: load, gateway and worker stop before what they use is closed.
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  // Dropped last: the worker must have let go of its connections first.
  await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
}
