// Shared by `npm run up` and the test command: installing dependencies, finding Postgres and Redis, and
// creating the database. Node built-ins only, because this runs before `npm install` on a fresh clone; the
// stack itself starts in scripts/stack/start.ts.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export function log(message) {
  console.log(`\x1b[36m[switchyard]\x1b[0m ${message}`);
}

export function fail(message) {
  console.error(`\x1b[31m[switchyard]\x1b[0m ${message}`);
  process.exit(1);
}

/** Runs a command to completion with inherited output; exits the script when it fails. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: "inherit",
    ...options,
    env: { ...process.env, ...options.env },
  });
  if (result.status !== 0)
    fail(`\`${[command, ...args].join(" ")}\` failed (exit ${result.status ?? result.signal}).`);
}

/**
 * Installs from the lockfile when node_modules is missing or older than it. `npm install` rather than
 * `npm ci`: ci refuses a lockfile that lacks another platform's optional binaries (turbo's macOS and
 * Windows builds), and registry mirrors that carry only Linux builds produce exactly such lockfiles.
 */
export function ensureDependencies() {
  const marker = path.join(root, "node_modules/.package-lock.json");
  const lock = path.join(root, "package-lock.json");
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  log("installing npm packages…");
  run("npm", ["install", "--no-audit", "--no-fund"]);
}

function canConnect(host, port, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

function hasCommand(name) {
  return spawnSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" }).status === 0;
}

const isRoot = process.getuid?.() === 0;
const isLocal = (host) => ["127.0.0.1", "localhost", "::1", "[::1]"].includes(host);

/**
 * Finds a service, starting the machine's own copy when it is local and we are allowed to; otherwise it
 * says exactly what to install or set, and exits. It never waits indefinitely.
 */
async function ensureService({ name, url, defaultPort, start, install, variable }) {
  const host = url.hostname || "127.0.0.1";
  const port = Number(url.port || defaultPort);
  if (await canConnect(host, port)) return;
  if (isLocal(host) && port === defaultPort && start && isRoot) {
    log(`${name} is not running on ${host}:${port}; starting the local one…`);
    spawnSync("sh", ["-c", start], { stdio: "ignore" });
    for (let i = 0; i < 20; i++) {
      if (await canConnect(host, port)) return;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  fail(
    `${name} is not reachable at ${host}:${port}.\n` +
      `  Install and start it (${install}),\n` +
      `  or set ${variable} to a ${name} server you have.`,
  );
}

export async function ensurePostgres(databaseUrl) {
  await ensureService({
    name: "PostgreSQL",
    url: new URL(databaseUrl),
    defaultPort: 5432,
    variable: "DATABASE_URL",
    install:
      "Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql@16 && brew services start postgresql@16",
    start: hasCommand("pg_ctlcluster")
      ? "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql | head -n1) main start"
      : null,
  });
}

export async function ensureRedis(redisUrl) {
  await ensureService({
    name: "Redis",
    url: new URL(redisUrl),
    defaultPort: 6379,
    variable: "REDIS_URL",
    install:
      "Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis && brew services start redis",
    start: hasCommand("redis-server")
      ? 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no'
      : null,
  });
}

/** Creates the database named in the URL if the server does not have it yet. */
export async function ensureDatabaseExists(databaseUrl) {
  const { default: pg } = await import("pg");
  const target = new URL(databaseUrl);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(databaseUrl);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    fail(
      `Could not sign in to PostgreSQL at ${target.host}: ${error.message}. Check the user and password in DATABASE_URL.`,
    );
  }
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (rowCount === 0) {
      log(`creating database ${name}…`);
      await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
    }
  } finally {
    await client.end();
  }
}

export async function freePort(preferred) {
  for (let port = preferred; port < preferred + 50; port++) {
    if (!(await canConnect("127.0.0.1", port, 300))) return port;
  }
  fail(`No free port between ${preferred} and ${preferred + 49}.`);
}
