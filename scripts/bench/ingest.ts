/**
 * `npm run bench:ingest`: sustained OTLP protobuf load against the running control plane. Builds and starts
 * the web app and worker (as `npm run up` does) on a scratch database and Redis prefix, creates an ingest
 * key, runs several sender processes for 60 s, waits for the writers to drain, and prints figures and one
 * JSON line. Loopback only; every wait is bounded; everything it starts it stops, and the scratch database
 * is dropped. Not a test: it asserts nothing.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { applyMigrations } from "@switchyard/db/migrate";
import { generateIngestKey } from "@switchyard/ingest";
import { CpuSampler } from "./cpu-sampler";
import { admin, dbUrl, freePort, percentile, redisUrl, waitFor } from "./scratch";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const SENDERS = Number(process.env.BENCH_SENDERS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const SPANS_PER_BATCH = Number(process.env.BENCH_SPANS_PER_BATCH ?? 500);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 60_000);
const DRAIN_TIMEOUT_MS = 120_000;
for (const [name, value, max] of [
  ["BENCH_SENDERS", SENDERS, 16],
  ["BENCH_CONCURRENCY", CONCURRENCY, 64],
  ["BENCH_SPANS_PER_BATCH", SPANS_PER_BATCH, 10_000],
  ["BENCH_DURATION_MS", DURATION_MS, 600_000],
] as const) {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    console.error(`${name} must be a whole number from 1 to ${max}`);
    process.exit(2);
  }
}
const children: ChildProcess[] = [];
const roles = new Map<ChildProcess, string>();

let stopping = false;
function start(name: string, args: string[], env: Record<string, string>, cwd = root) {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
    detached: true,
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  child.on("exit", (code) => {
    if (code && !stopping) console.error(`${name} exited with ${code}:\n${stderr}`);
  });
  children.push(child);
  roles.set(child, name);
  return child;
}

async function stopAll() {
  stopping = true;
  const signal = (s: NodeJS.Signals) => {
    for (const child of children) {
      try {
        if (child.pid && child.exitCode === null) process.kill(-child.pid, s);
      } catch {
        // already gone
      }
    }
  };
  signal("SIGTERM");
  await new Promise((r) => setTimeout(r, 1500));
  signal("SIGKILL");
}

interface SenderReport {
  accepted: Array<[string, number, number]>;
  refused: Record<string, number>;
  metricExports: number;
  sentMetricPoints: number;
}

function runSender(
  index: number,
  baseUrl: string,
  key: string,
  organizationId: string,
): Promise<SenderReport> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      path.join(root, "scripts/bench/ingest-sender.ts"),
      baseUrl,
      key,
      organizationId,
      String(DURATION_MS),
      String(CONCURRENCY),
      String(SPANS_PER_BATCH),
      String(index),
    ],
    { cwd: root, stdio: ["ignore", "pipe", "inherit"], detached: true },
  );
  children.push(child);
  roles.set(child, "senders");
  let out = "";
  child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) =>
    child.on("exit", (code) =>
      code === 0
        ? resolve(JSON.parse(out) as SenderReport)
        : reject(new Error(`sender ${index} exited ${code}`)),
    ),
  );
}

const name = `sy_bench_ingest_${randomBytes(4).toString("hex")}`;
const prefix = `sy-bench-${randomBytes(4).toString("hex")}`;
let pool: pg.Pool | undefined;
try {
  console.log("building web and worker (cached when nothing changed)…");
  const build = spawnSync(
    "npx",
    [
      "turbo",
      "run",
      "build",
      "--filter=@switchyard/web",
      "--filter=@switchyard/worker",
      "--output-logs=errors-only",
    ],
    { cwd: root, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } },
  );
  if (build.status !== 0) throw new Error("the build failed");
  await admin(`CREATE DATABASE "${name}"`);
  await applyMigrations(dbUrl(name));
  pool = new pg.Pool({ connectionString: dbUrl(name), max: 2 });
  const organizationId = `bench-${randomBytes(4).toString("hex")}`;
  await pool.query(`INSERT INTO "Organization" (id, name, slug) VALUES ($1, 'Bench', $1)`, [organizationId]);
  const { key, hash, displayPrefix } = generateIngestKey();
  await pool.query(
    `INSERT INTO "IngestKey" (id, "organizationId", name, "keyHash", "keyPrefix") VALUES ($1, $2, 'bench', $3, $4)`,
    [randomBytes(8).toString("hex"), organizationId, hash, displayPrefix],
  );

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
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
    [path.join(root, "node_modules/next/dist/bin/next"), "start", "--port", String(port)],
    env,
    path.join(root, "apps/web"),
  );
  start("worker", ["apps/worker/dist/main.js"], env);
  await waitFor("the web app", 60_000, async () =>
    (await fetch(`${baseUrl}/api/healthz`)).ok ? true : undefined,
  );

  console.log(
    `${SENDERS} senders × ${CONCURRENCY} connections, ${SPANS_PER_BATCH} spans per batch, ${DURATION_MS / 1000} s…`,
  );
  const cpu = new CpuSampler(
    () => {
      const groups: Record<string, number[]> = {};
      for (const [child, role] of roles) if (child.pid) (groups[role] ??= []).push(child.pid);
      return groups;
    },
    pool,
    name,
  );
  cpu.start();
  const startedAt = Date.now();
  const reports = await Promise.all(
    Array.from({ length: SENDERS }, (_, i) => runSender(i, baseUrl, key, organizationId)),
  );
  const sentFor = (Date.now() - startedAt) / 1000;
  const accepted = reports.flatMap((r) => r.accepted);
  const acceptedSpans = accepted.reduce((sum, [, , items]) => sum + items, 0);
  const acceptedPoints = reports.reduce((sum, r) => sum + r.sentMetricPoints, 0);

  const written = await waitFor("the writers to drain", DRAIN_TIMEOUT_MS, async () => {
    const { rows } = await pool!.query<{ n: string }>("SELECT count(*) AS n FROM telemetry_batch");
    return Number(rows[0]!.n) >= accepted.length ? true : undefined;
  }).catch(() => false);
  const cpuSeconds = await cpu.stop();
  const { rows: batches } = await pool.query<{
    batch_id: string;
    written_at: Date;
    signal: string;
    items_stored: number;
  }>("SELECT batch_id, written_at, signal, items_stored FROM telemetry_batch");
  const writtenAt = new Map(batches.map((b) => [b.batch_id, b.written_at.getTime()]));
  const lags = accepted
    .map(([batchId, at]) => (writtenAt.has(batchId) ? writtenAt.get(batchId)! - at : Number.NaN))
    .filter((lag) => Number.isFinite(lag))
    .sort((a, b) => a - b);
  const storedSpans = Number(
    (await pool.query<{ n: string }>("SELECT count(*) AS n FROM telemetry_span")).rows[0]!.n,
  );
  const storedPoints = batches
    .filter((b) => b.signal === "metrics")
    .reduce((sum, b) => sum + b.items_stored, 0);
  const lastWrite = Math.max(...batches.map((b) => b.written_at.getTime()));
  const storeSeconds = (lastWrite - startedAt) / 1000;
  const refused = reports.reduce<Record<string, number>>((all, r) => {
    for (const [status, n] of Object.entries(r.refused)) all[status] = (all[status] ?? 0) + n;
    return all;
  }, {});

  console.log(
    `sent for ${sentFor.toFixed(1)} s; accepted ${accepted.length} batches (${acceptedSpans} spans, ${acceptedPoints} metric points)`,
  );
  console.log(`refused: ${JSON.stringify(refused)}; drained: ${written}`);
  console.log(
    `stored ${storedSpans} spans and ${storedPoints} metric points by ${storeSeconds.toFixed(1)} s`,
  );
  console.log(
    `lag accept→stored ms: p50 ${percentile(lags, 50)}, p95 ${percentile(lags, 95)}, p99 ${percentile(lags, 99)}, max ${lags.at(-1) ?? 0}`,
  );
  console.log(`CPU seconds from the first send until drained: ${JSON.stringify(cpuSeconds)}`);
  console.log(
    JSON.stringify({
      spans_per_s_accepted: Math.round(acceptedSpans / sentFor),
      spans_per_s_stored: Math.round(storedSpans / Math.max(storeSeconds, sentFor)),
      metric_points_per_s_stored: Math.round(storedPoints / Math.max(storeSeconds, sentFor)),
      lag_p99_ms: percentile(lags, 99),
      lost: acceptedSpans - storedSpans + (acceptedPoints - storedPoints),
    }),
  );
} finally {
  await stopAll();
  await pool?.end();
  await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
}
