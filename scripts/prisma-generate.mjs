// Runs `prisma generate` from the repository root.
// Prisma's CLI insists on locating its native schema engine at start-up and downloads it when absent, which
// fails on machines without access to Prisma's binary host. `generate` never runs that engine, so when no
// engine is configured we point the variable at an existing file to skip the download.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1" };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;

const result = spawnSync("npx", ["prisma", "generate", "--config", "prisma.config.ts"], {
  cwd: root,
  env,
  stdio: "inherit",
});
process.exit(result.status ?? 1);
