/**
 * `npm run bench:ingest-stages`: where the ingest path spends its time, stage by stage, in one process
 * (no HTTP, no other senders), so a change can be judged by CPU time and round trips rather than by the
 * noisy end-to-end figure of `npm run bench:ingest` on a shared machine. Uses a scratch database and Redis
 * prefix (both removed at the end) and the same 500-span protobuf batches as the bench senders.
 *
 * Prints, per trace batch: the ingest handler's CPU time (decode, validate, enqueue), the job payload size
 * in Redis, the worker's job fetch and payload parse, the writer's wall time and Postgres round trips written one at a
 * time, then the throughput of the worker's telemetry write path with its real concurrency.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { jobPayloads, type TelemetryIngestPayload } from "@switchyard/contracts";
import { batchOfExport } from "@switchyard/otlp";
import { applyMigrations } from "@switchyard/db/migrate";
import { createIngestQueue, createOtlpHandler } from "@switchyard/ingest";
import { TelemetryWriter } from "@switchyard/telemetry-store";
import { stampTraceIds, traceTemplate } from "./otlp-bodies";
import { admin, dbUrl, redisUrl } from "./scratch";

const BATCHES = Number(process.env.BENCH_BATCHES ?? 200);
const SPANS_PER_BATCH = Number(process.env.BENCH_SPANS_PER_BATCH ?? 500);

const cpuMs = (from: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1000;
};

/** Counts and times the statements pool clients send (by their first words), so round trips show up. */
function countQueries(pool: pg.Pool): { count: number; msByStatement: Map<string, number> } {
  const counter = { count: 0, msByStatement: new Map<string, number>() };
  pool.on("connect", (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = async (...args: unknown[]) => {
      counter.count++;
      const text = typeof args[0] === "string" ? args[0] : "?";
      const key = text.replace(/\s+/g, " ").slice(0, 40);
      const started = performance.now();
      try {
        return await query(...args);
      } finally {
        counter.msByStatement.set(key, (counter.msByStatement.get(key) ?? 0) + performance.now() - started);
      }
    };
  });
  return counter;
}

const name = `sy_bench_stages_${randomBytes(4).toString("hex")}`;
const prefix = `sy-bench-stages-${randomBytes(4).toString("hex")}`;
const organizationId = `bench-${randomBytes(4).toString("hex")}`;
const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
const ingestQueue = createIngestQueue({ redisUrl, prefix });
const inspector = new Queue("telemetry", { connection: redis, prefix });
let pool: pg.Pool | undefined;
try {
  await admin(`CREATE DATABASE "${name}"`);
  await applyMigrations(dbUrl(name));
  pool = new pg.Pool({ connectionString: dbUrl(name), max: 6 });
  const queries = countQueries(pool);

  const handler = createOtlpHandler("traces", {
    authenticate: async () => ({ organizationId, kind: "ingest_key", id: "bench" }),
    queue: ingestQueue,
    limits: { maxQueueDepth: 1_000_000 },
  });
  const template = traceTemplate(SPANS_PER_BATCH);
  const bodies = Array.from({ length: BATCHES + 20 }, () => stampTraceIds(template, randomBytes(8)));
  const post = (body: Buffer) =>
    handler(
      new Request("http://bench/v1/traces", {
        method: "POST",
        headers: { authorization: "Bearer bench", "content-type": "application/x-protobuf" },
        body,
      }),
    );
  for (const body of bodies.slice(0, 20)) await post(body); // warm-up
  const handlerCpu = process.cpuUsage();
  const handlerStarted = performance.now();
  for (const body of bodies.slice(20)) {
    const response = await post(body);
    if (response.status !== 200) throw new Error(`ingest answered ${response.status}`);
  }
  const handlerMs = (performance.now() - handlerStarted) / BATCHES;
  const handlerCpuMs = cpuMs(handlerCpu) / BATCHES;

  const jobIds = await inspector.getJobs(["wait"], 0, -1);
  const sizes = await Promise.all(
    jobIds.slice(0, 20).map((job) => redis.hstrlen(`${prefix}:telemetry:${job.id}`, "data")),
  );
  const payloadBytes = sizes.reduce((a, b) => a + b, 0) / sizes.length;

  // Fetching the jobs counts too: BullMQ parses each job's data from JSON.
  const parseCpu = process.cpuUsage();
  const jobs = await inspector.getJobs(["wait"], 0, -1);
  const payloads = jobs.map((job) => {
    const parsed = jobPayloads["telemetry.ingest"].safeParse(job.data);
    if (!parsed.success) throw new Error("a job payload did not parse");
    // As the worker does: a queued export is normalised again.
    return "body" in parsed.data ? batchOfExport(parsed.data) : (parsed.data as TelemetryIngestPayload);
  });
  const parseCpuMs = cpuMs(parseCpu) / jobs.length;

  const writer = new TelemetryWriter(pool);
  const sequential = payloads.slice(0, 40);
  await writer.write(sequential[0]!); // creates the day partition
  const queriesBefore = queries.count;
  const writeCpu = process.cpuUsage();
  const writeStarted = performance.now();
  for (const payload of sequential.slice(1)) await writer.write(payload);
  const writeMs = (performance.now() - writeStarted) / (sequential.length - 1);
  const writeCpuMs = cpuMs(writeCpu) / (sequential.length - 1);
  const roundTrips = (queries.count - queriesBefore) / (sequential.length - 1);
  const statementMs = Object.fromEntries(
    [...queries.msByStatement].map(([text, ms]) => [text, Number((ms / sequential.length).toFixed(2))]),
  );

  const concurrent = payloads.slice(sequential.length);
  const lanes = 4;
  const concurrentStarted = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < concurrent.length) await writer.write(concurrent[next++]!);
    }),
  );
  const concurrentSeconds = (performance.now() - concurrentStarted) / 1000;

  const figures = {
    at: new Date().toISOString(),
    spans_per_batch: SPANS_PER_BATCH,
    handler_ms_per_batch: Number(handlerMs.toFixed(2)),
    handler_cpu_ms_per_batch: Number(handlerCpuMs.toFixed(2)),
    job_payload_bytes: Math.round(payloadBytes),
    worker_parse_cpu_ms_per_batch: Number(parseCpuMs.toFixed(2)),
    write_ms_per_batch: Number(writeMs.toFixed(2)),
    write_client_cpu_ms_per_batch: Number(writeCpuMs.toFixed(2)),
    write_round_trips_per_batch: Number(roundTrips.toFixed(2)),
    write_spans_per_s_4_lanes: Math.round((concurrent.length * SPANS_PER_BATCH) / concurrentSeconds),
  };
  console.log(JSON.stringify(statementMs, null, 1));
  console.log(JSON.stringify(figures));
} finally {
  await inspector.obliterate({ force: true }).catch(() => undefined);
  await inspector.close();
  await ingestQueue.close();
  redis.disconnect();
  await pool?.end();
  await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
}
