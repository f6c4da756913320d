// `npm run up`: the whole product on this machine with demo data. Installs what is missing, finds Postgres
// and Redis, builds, then starts the stack (scripts/stack/start.ts, the same module the e2e suite starts):
// web and worker, two gateway agents, the demo shop, a traffic generator and a local Slack receiver. It
// prints the URL, the login and the addresses; Ctrl-C stops everything it started.
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
  root,
  run,
} from "./lib/stack.mjs";

const started = Date.now();
const databaseUrl = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/switchyard";
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const stateDir = path.join(root, ".switchyard");

/** A per-checkout secret, kept across runs so sessions survive a restart. */
function authSecret() {
  if (process.env.BETTER_AUTH_SECRET) return process.env.BETTER_AUTH_SECRET;
  const file = path.join(stateDir, "auth-secret");
  if (!existsSync(file)) {
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString("hex"), { mode: 0o600 });
  }
  return readFileSync(file, "utf8").trim();
}

const colours = [36, 35, 33, 32, 34, 91, 92, 93, 94, 95];
const prefixes = new Map();
function printLine(name, line) {
  if (!prefixes.has(name)) {
    const colour = colours[prefixes.size % colours.length];
    prefixes.set(name, `\x1b[${colour}m${name.padEnd(17)}\x1b[0m│ `);
  }
  process.stdout.write(`${prefixes.get(name)}${line}\n`);
}

ensureDependencies();
await ensurePostgres(databaseUrl);
await ensureRedis(redisUrl);
await ensureDatabaseExists(databaseUrl);
run("node", ["scripts/prisma-generate.mjs"]);

log("building web, worker, gateway and the demo shop (cached when nothing changed)…");
run(
  "npx",
  [
    "turbo",
    "run",
    "build",
    "--filter=@switchyard/web",
    "--filter=@switchyard/worker",
    "--filter=@switchyard/gateway",
    "--filter=@switchyard/demo",
    "--output-logs=errors-only",
  ],
  { env: { NEXT_TELEMETRY_DISABLED: "1" } },
);

// Imported here: on a fresh clone tsx exists only after ensureDependencies().
const { tsImport } = await import("tsx/esm/api");
const { startStack } = await tsImport("./stack/start.ts", import.meta.url);

const port = await freePort(Number(process.env.PORT ?? 3000));
const abort = new AbortController();
let stack;
let stopping = false;
async function stop(code, reason) {
  if (stopping) return;
  stopping = true;
  log(reason);
  abort.abort();
  await stack?.stop();
  process.exit(code);
}
process.on("SIGINT", () => stop(0, "stopping…"));
process.on("SIGTERM", () => stop(0, "stopping…"));

try {
  stack = await startStack({
    databaseUrl,
    redisUrl,
    authSecret: authSecret(),
    stateDir,
    webPort: port,
    publicUrl: process.env.SWITCHYARD_PUBLIC_URL,
    ports: "preferred",
    trafficRps: Number(process.env.SWITCHYARD_DEMO_RPS ?? 5),
    log: printLine,
    onFailure: (reason) => stop(1, `${reason}; stopping everything.`),
    signal: abort.signal,
  });
} catch (error) {
  if (!stopping) fail(error instanceof Error ? error.message : String(error));
}
if (stopping) await new Promise(() => undefined);

const { info } = stack;
const seconds = ((Date.now() - started) / 1000).toFixed(1);
const gatewayLines = info.gateways
  .map((g) => `    ${g.name.padEnd(10)}${g.url}   (admin ${g.adminUrl})`)
  .join("\n");
console.log(`
  \x1b[1mSwitchyard is running\x1b[0m (ready in ${seconds} s)

    URL       ${info.url}
    Login     ${info.login.email}
    Password  ${info.login.password}

  Gateways (group "edge" of the demo organization; a traffic generator sends ${process.env.SWITCHYARD_DEMO_RPS ?? 5} req/s through each)
${gatewayLines}
    try: curl ${info.gateways[0].url}/api/orders/ord_9001

  Slack receiver  ${info.slackWebhookUrl}   (what it received: ${info.slackReceiverUrl}/messages)
  Fault injection  curl -X PUT -H 'content-type: application/json' -d '{"errorRate":0.3}' ${info.instances.find((i) => i.id === "orders-v2-1").url}/admin/faults

  Press Ctrl-C to stop.
`);
