// `npm run up`: the whole product on this machine with demo data. Installs what is missing, finds Postgres
// and Redis, migrates and seeds, builds, starts web and worker, and prints the URL and the demo login.
// Ctrl-C stops everything it started.
import { randomBytes } from "node:crypto";
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
const env = {
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
