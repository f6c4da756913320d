// `npm run up`: the whole product on this machine with demo data. Installs what is missing, finds Postgres
// and Redis, migrates and seeds, builds, starts web and worker, and prints the URL and the demo login.
// Ctrl-C stops everything it started.
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  ensureDatabaseExists,
  ensureDependencies,
  ensurePostgres,
  ensureRedis,
  fail,
  freePort,
  log,
  nextBin,
  prepareDatabase,
  processGroup,
  root,
  run,
  waitForHttp,
} from "./lib/stack.mjs";

const started = Date.now();
const databaseUrl = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/switchyard";
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** A per-checkout secret, kept across runs so sessions survive a restart. */
function authSecret() {
  if (process.env.BETTER_AUTH_SECRET) return process.env.BETTER_AUTH_SECRET;
  const file = path.join(root, ".switchyard/auth-secret");
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(32).toString("hex"), { mode: 0o600 });
  }
  return readFileSync(file, "utf8").trim();
}

/**
 * The demo organization's ingest key for the control plane's own telemetry (web and worker appear on the
 * service map). The key is kept in .switchyard/ so later runs reuse it; only its hash is in the database,
 * and a key someone revoked in Settings is replaced rather than revived.
 */
async function selfTelemetryKey() {
  const file = path.join(root, ".switchyard/self-telemetry-key");
  // Imported here: on a fresh clone the packages exist only after ensureDependencies().
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const hashOf = (key) => createHash("sha256").update(key).digest("hex");
    let key = existsSync(file) ? readFileSync(file, "utf8").trim() : "";
    if (key) {
      const { rows } = await client.query(`SELECT "revokedAt" FROM "IngestKey" WHERE "keyHash" = $1`, [
        hashOf(key),
      ]);
      if (rows[0]?.revokedAt) key = "";
      else if (rows.length === 1) return key;
    }
    key ||= `sy_ing_${randomBytes(32).toString("base64url")}`;
    await client.query(
      `INSERT INTO "IngestKey" (id, "organizationId", name, "keyHash", "keyPrefix")
       VALUES ($1, 'demo-org', 'switchyard self-telemetry', $2, $3) ON CONFLICT ("keyHash") DO NOTHING`,
      [randomBytes(12).toString("hex"), hashOf(key), key.slice(0, 13)],
    );
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, key, { mode: 0o600 });
    return key;
  } finally {
    await client.end();
  }
}

ensureDependencies();
await ensurePostgres(databaseUrl);
await ensureRedis(redisUrl);
await ensureDatabaseExists(databaseUrl);
prepareDatabase(databaseUrl);

log("building web and worker (cached when nothing changed)…");
run(
  "npx",
  [
    "turbo",
    "run",
    "build",
    "--filter=@switchyard/web",
    "--filter=@switchyard/worker",
    "--output-logs=errors-only",
  ],
  {
    env: { NEXT_TELEMETRY_DISABLED: "1" },
  },
);

const port = await freePort(Number(process.env.PORT ?? 3000));
const publicUrl = process.env.SWITCHYARD_PUBLIC_URL ?? `http://localhost:${port}`;
const ingestKey = await selfTelemetryKey();
const env = {
  // Web and worker send their own traces and metrics to this control plane's OTLP ingest.
  OTEL_EXPORTER_OTLP_ENDPOINT: publicUrl,
  OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer%20${ingestKey}`,
  DATABASE_URL: databaseUrl,
  REDIS_URL: redisUrl,
  BETTER_AUTH_SECRET: authSecret(),
  SWITCHYARD_PUBLIC_URL: publicUrl,
  NEXT_TELEMETRY_DISABLED: "1",
  NODE_ENV: "production",
};

const group = processGroup({});
const web = group.start("web", "node", [nextBin, "start", "--port", String(port)], {
  cwd: path.join(root, "apps/web"),
  env,
});
group.start("worker", "node", ["apps/worker/dist/main.js"], { env });

if (
  !(await waitForHttp(`${publicUrl}/api/healthz`, { timeoutMs: 60_000, isAlive: () => group.isAlive(web) }))
) {
  await group.stopAll(1, `The web app did not become healthy at ${publicUrl}/api/healthz within 60 s.`);
  fail("giving up");
}

const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(`
  \x1b[1mSwitchyard is running\x1b[0m (ready in ${seconds} s)

    URL       ${publicUrl}
    Login     ${process.env.SWITCHYARD_DEMO_EMAIL ?? "admin@switchyard.local"}
    Password  ${process.env.SWITCHYARD_DEMO_PASSWORD ?? "switchyard-demo-1"}

  Press Ctrl-C to stop.
`);
