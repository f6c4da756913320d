import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { startStack } from "../../scripts/stack/start";
import { e2ePort } from "./ports";

/**
 * Starts, for the browser tests, exactly the stack `npm run up` starts (scripts/stack/start.ts), on a fresh
 * database, a Redis prefix of its own, a temporary state directory and ephemeral ports (the web app on
 * E2E_PORT). Returns the teardown, which stops it all and drops the database. Anything missing fails the run
 * with a message; nothing is skipped.
 */
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

export default async function globalSetup() {
  if (await portInUse(e2ePort)) throw new Error(`Port ${e2ePort} is taken; set E2E_PORT to a free port.`);

  const name = `sy_e2e_${randomBytes(5).toString("hex")}`;
  const stateDir = await mkdtemp(path.join(tmpdir(), "switchyard-e2e-"));
  // The processes' output goes to a file, kept when the run fails, so the test output stays readable.
  const logFile = path.join(stateDir, "stack.log");
  const log = createWriteStream(logFile);
  await adminQuery(`CREATE DATABASE "${name}"`);
  const cleanUp = async () => {
    await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    log.end();
  };
  let stack: Awaited<ReturnType<typeof startStack>>;
  try {
    stack = await startStack({
      databaseUrl: databaseUrl(name),
      redisUrl,
      queuePrefix: `sy-e2e-${name}`,
      authSecret: randomBytes(32).toString("hex"),
      stateDir,
      webPort: e2ePort,
      ports: "ephemeral",
      trafficRps: 5,
      // The suite waits for the alert to fire and resolve: a shorter window and hold than the demo's.
      alertTiming: { windowSeconds: 20, forSeconds: 10 },
      logLevel: "warn",
      log: (process, line) => log.write(`${process.padEnd(17)}│ ${line}\n`),
      onFailure: (reason) => console.error(`[e2e stack] ${reason} (log: ${logFile})`),
    });
  } catch (error) {
    await cleanUp();
    console.error(`[e2e stack] start-up failed; its log: ${logFile}`);
    throw error;
  }
  process.env.SWITCHYARD_E2E_DEMO = JSON.stringify(stack.info);
  process.env.SWITCHYARD_E2E_STACK_LOG = logFile;
  return async () => {
    await stack.stop();
    await cleanUp();
    await rm(stateDir, { recursive: true, force: true });
  };
}
