import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { DEFAULT_HEALTH_THRESHOLDS, LATENCY_BUCKET_COUNT } from "@switchyard/contracts";
import { applyMigrations } from "@switchyard/db/migrate";
import { createPartition } from "@switchyard/telemetry-store";
import {
  loadOverview,
  loadServiceDetail,
  loadServiceMap,
  TelemetryReader,
  windowFor,
} from "../dashboard-views";

/**
 * `npm run bench:dashboard`: a week of minute rollups for 50 services and their edges in a scratch
 * database, then the overview, map and service-detail reads timed server-side (the same functions the
 * tRPC procedures call). Not a test: it prints figures and ends with one JSON line.
 */

const SERVICES = 50;
const DAYS = 7;
const ROUTES_PER_SERVICE = 2;
/** Every fifth service runs a canary next to its stable version. */
const CANARY_EVERY = 5;
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 20);
/** The picker's shortest, middle and longest ranges; the last is the headline. */
const RANGES = ["1h", "24h", "7d"] as const;
const ORGANIZATION_ID = "bench_org";

if (!Number.isInteger(ITERATIONS) || ITERATIONS < 5 || ITERATIONS > 1000) {
  console.error("BENCH_ITERATIONS: use a whole number from 5 to 1000");
  process.exit(64);
}

const adminUrl = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function generate(pool: pg.Pool, now: Date): Promise<void> {
  const minuteMs = 60_000;
  const endMs = Math.floor(now.getTime() / minuteMs) * minuteMs;
  const startMs = endMs - DAYS * 24 * 60 * minuteMs;
  const client = await pool.connect();
  try {
    // Bulk load without the per-row hourly triggers; one grouped insert below gives the same hours (as the
    // migration's backfill does). That the triggers keep hours equal to minutes is tested in telemetry-store.
    await client.query("SET session_replication_role = replica");
    await loadMinutes(client, startMs, endMs);
    await client.query("SET session_replication_role = DEFAULT");
  } finally {
    client.release();
  }
  await pool.query(`INSERT INTO telemetry_rollup_hour
    SELECT organization_id, date_trunc('hour', minute), service, route, version, status_class, source,
      sum(count), sum(errors), sum(duration_sum_ms), ARRAY[${BUCKET_SUMS}]
    FROM telemetry_rollup GROUP BY 1, 2, 3, 4, 5, 6, 7`);
  // Columns named: server_version was added to the table last, after the counts.
  await pool.query(`INSERT INTO telemetry_edge_hour
      (organization_id, hour, client_service, server_service, server_version, count, errors, duration_sum_ms,
       buckets)
    SELECT organization_id, date_trunc('hour', minute), client_service, server_service, server_version,
      sum(count), sum(errors), sum(duration_sum_ms), ARRAY[${BUCKET_SUMS}]
    FROM telemetry_edge GROUP BY 1, 2, 3, 4, 5`);
}

const BUCKET_SUMS = Array.from({ length: LATENCY_BUCKET_COUNT }, (_, i) => `sum(buckets[${i + 1}])`).join(
  ", ",
);

async function loadMinutes(pool: pg.PoolClient, startMs: number, endMs: number): Promise<void> {
  await pool.query(
    `INSERT INTO "Organization" (id, name, slug, "createdAt") VALUES ($1, 'bench', 'bench', now())`,
    [ORGANIZATION_ID],
  );
  // Buckets shaped like a healthy service: most requests 10-50 ms, a tail up to a second.
  const buckets = `ARRAY[0, 0, 2, 10, 30, 20, 8, 4, 2, 1, 0, 0, 0, 0, 0]::bigint[]`;
  if (LATENCY_BUCKET_COUNT !== 15) throw new Error("the bench's bucket shape needs updating");
  await pool.query(
    `INSERT INTO telemetry_rollup
       (organization_id, minute, service, route, version, status_class, source, count, errors, duration_sum_ms, buckets)
     SELECT $1, m, 'svc-' || lpad(s::text, 2, '0'), '/r' || r, v.version, '2xx', 'metrics',
       77, (s + r + extract(minute FROM m)::int) % 3, 77 * 30.0, ${buckets}
     FROM generate_series($2::timestamptz, $3::timestamptz - interval '1 minute', interval '1 minute') AS m,
       generate_series(0, $4 - 1) AS s, generate_series(1, $5) AS r,
       LATERAL (SELECT 'stable' AS version UNION ALL SELECT 'canary' WHERE s % $6 = 0) AS v`,
    [ORGANIZATION_ID, new Date(startMs), new Date(endMs), SERVICES, ROUTES_PER_SERVICE, CANARY_EVERY],
  );
  // The gateway calls every service; each service calls the next two. A call to a canary service is
  // answered by either version: one row per version, 100 and 20 calls.
  await pool.query(
    `INSERT INTO telemetry_edge
       (organization_id, minute, client_service, server_service, server_version, count, errors, duration_sum_ms,
        buckets)
     SELECT $1, m, e.client, 'svc-' || lpad(e.server::text, 2, '0'), v.version, v.count, 1, v.count * 30.0,
       ${buckets}
     FROM generate_series($2::timestamptz, $3::timestamptz - interval '1 minute', interval '1 minute') AS m,
       (SELECT 'switchyard-gateway' AS client, s AS server FROM generate_series(0, $4 - 1) s
        UNION ALL
        SELECT 'svc-' || lpad(s::text, 2, '0'), (s + k) % $4
        FROM generate_series(0, $4 - 1) s, generate_series(1, 2) k) AS e,
       LATERAL (SELECT 'stable' AS version, CASE WHEN e.server % $5 = 0 THEN 100 ELSE 120 END AS count
                UNION ALL SELECT 'canary', 20 WHERE e.server % $5 = 0) AS v`,
    [ORGANIZATION_ID, new Date(startMs), new Date(endMs), SERVICES, CANARY_EVERY],
  );
  // A span every 5 minutes per service, so the detail page's error and slow trace searches have data.
  for (let day = startMs - (startMs % 86_400_000); day <= endMs; day += 86_400_000) {
    await createPartition(pool, day);
  }
  await pool.query(
    `INSERT INTO telemetry_span
       (organization_id, trace_id, span_id, parent_span_id, service, name, kind, start_time, duration_us,
        status, route, version, http_status_code, attributes)
     SELECT $1, md5(s::text || m::text), left(md5(m::text || s::text), 16), NULL, 'svc-' || lpad(s::text, 2, '0'),
       'GET /r1', 2, m, 1000 * (5 + (extract(epoch FROM m)::bigint % 900)), CASE WHEN s % 7 = 0 THEN 2 ELSE 0 END,
       '/r1', 'stable', CASE WHEN s % 7 = 0 THEN 500 ELSE 200 END, '{}'::jsonb
     FROM generate_series($2::timestamptz, $3::timestamptz - interval '1 minute', interval '5 minutes') AS m,
       generate_series(0, $4 - 1) AS s`,
    [ORGANIZATION_ID, new Date(startMs), new Date(endMs), SERVICES],
  );
}

function p95(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)]!;
}

async function time(run: () => Promise<unknown>): Promise<number[]> {
  await run(); // warm the plan cache and the pool
  const samples: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return samples;
}

async function main(): Promise<void> {
  const name = `sy_bench_${randomBytes(5).toString("hex")}`;
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await admin(`CREATE DATABASE "${name}"`);
  const pool = new pg.Pool({ connectionString: url.toString(), max: 5 });
  try {
    await applyMigrations(url.toString());
    const now = new Date();
    const generated = performance.now();
    await generate(pool, now);
    await pool.query("ANALYZE");
    const { rows } = await pool.query<{ rollups: string; edges: string }>(
      "SELECT (SELECT count(*) FROM telemetry_rollup) AS rollups, (SELECT count(*) FROM telemetry_edge) AS edges",
    );
    console.log(
      `generated ${rows[0]!.rollups} rollup rows and ${rows[0]!.edges} edge rows in ${((performance.now() - generated) / 1000).toFixed(1)} s`,
    );
    const reader = new TelemetryReader(pool);
    const results: Record<string, { overview: number; map: number; service: number }> = {};
    for (const preset of RANGES) {
      const window = windowFor({ kind: "preset", preset }, now);
      const thresholds = DEFAULT_HEALTH_THRESHOLDS;
      const overview = await time(() => loadOverview(reader, ORGANIZATION_ID, window, thresholds));
      const map = await time(() => loadServiceMap(reader, ORGANIZATION_ID, window, thresholds));
      const service = await time(() =>
        loadServiceDetail(reader, ORGANIZATION_ID, window, thresholds, { service: "svc-00" }),
      );
      results[preset] = { overview: p95(overview), map: p95(map), service: p95(service) };
      console.log(
        `${preset.padStart(4)}  overview p95 ${p95(overview).toFixed(1)} ms  map p95 ${p95(map).toFixed(1)} ms  service p95 ${p95(service).toFixed(1)} ms  (${ITERATIONS} runs each)`,
      );
    }
    // The headline is the worst case the range picker offers: the whole week.
    const week = results["7d"]!;
    console.log(
      JSON.stringify({
        services: SERVICES,
        days: DAYS,
        overview_p95_ms: Number(week.overview.toFixed(1)),
        map_p95_ms: Number(week.map.toFixed(1)),
        service_p95_ms: Number(week.service.toFixed(1)),
      }),
    );
  } finally {
    await pool.end();
    await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
