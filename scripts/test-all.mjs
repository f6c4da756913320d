// `npm test`: the whole suite, as CI runs it. Installs what is missing (npm packages; Debian's Chromium when
// run as root), checks that Postgres and Redis are up, then runs lint, format check, typecheck, unit,
// integration, build and end-to-end. Every step runs even when an earlier one failed, so one run shows
// everything that is wrong; the exit code is non-zero when any step failed.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { ensureDependencies, ensurePostgres, ensureRedis, fail, log, root, run } from "./lib/stack.mjs";

const reports = path.join(root, ".switchyard/reports");
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

const env = { NEXT_TELEMETRY_DISABLED: "1", TURBO_TELEMETRY_DISABLED: "1" };
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

function ensureChromium() {
  if (existsSync(chromium)) return;
  if (process.getuid?.() === 0 && spawnSync("sh", ["-c", "command -v apt-get"]).status === 0) {
    log("installing Chromium from Debian for the browser tests…");
    run("apt-get", ["update", "-qq"]);
    run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "chromium"], {
      env: { DEBIAN_FRONTEND: "noninteractive" },
    });
    return;
  }
  fail(
    `The browser tests need Chromium at ${chromium}. Install it (Debian/Ubuntu: sudo apt-get install chromium) ` +
      "or set CHROMIUM_PATH to a Chromium or Chrome binary.",
  );
}

ensureDependencies();
ensureChromium();
await ensurePostgres(process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres");
await ensureRedis(process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
run("node", ["scripts/prisma-generate.mjs"]);

const vitestReport = (name) => path.join(reports, `${name}.json`);
const playwrightReport = path.join(reports, "e2e.json");

const steps = [
  ["lint", "npx", ["eslint", ".", "--max-warnings=0"]],
  ["format", "npx", ["prettier", "--check", "."]],
  ["typecheck", "npx", ["turbo", "run", "typecheck", "--output-logs=errors-only"]],
  [
    "unit",
    "npx",
    [
      "vitest",
      "run",
      "--project",
      "unit",
      "--reporter=default",
      "--reporter=json",
      `--outputFile.json=${vitestReport("unit")}`,
    ],
  ],
  [
    "integration",
    "npx",
    [
      "vitest",
      "run",
      "--project",
      "integration",
      "--reporter=default",
      "--reporter=json",
      `--outputFile.json=${vitestReport("integration")}`,
    ],
  ],
  ["build", "npx", ["turbo", "run", "build", "--output-logs=errors-only"]],
  [
    "e2e",
    "npx",
    ["playwright", "test", "--reporter=list,json"],
    { cwd: path.join(root, "e2e"), env: { PLAYWRIGHT_JSON_OUTPUT_FILE: playwrightReport } },
  ],
];

const results = [];
for (const [name, command, args, options = {}] of steps) {
  log(`── ${name} ──`);
  const started = Date.now();
  const { status } = spawnSync(command, args, {
    cwd: options.cwd ?? root,
    stdio: "inherit",
    env: { ...process.env, ...env, ...options.env },
  });
  results.push({ name, ok: status === 0, seconds: (Date.now() - started) / 1000 });
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

const counts = { passed: 0, failed: 0, skipped: 0 };
for (const name of ["unit", "integration"]) {
  const report = readJson(vitestReport(name));
  if (!report) continue;
  counts.passed += report.numPassedTests;
  counts.failed += report.numFailedTests;
  counts.skipped += report.numPendingTests + report.numTodoTests;
}
const e2e = readJson(playwrightReport);
if (e2e) {
  counts.passed += e2e.stats.expected + e2e.stats.flaky;
  counts.failed += e2e.stats.unexpected;
  counts.skipped += e2e.stats.skipped;
}

console.log("\nstep          result   time");
for (const r of results)
  console.log(`${r.name.padEnd(13)} ${(r.ok ? "ok" : "FAILED").padEnd(8)} ${r.seconds.toFixed(1)} s`);
const failedSteps = results.filter((r) => !r.ok).map((r) => r.name);
if (failedSteps.length > 0) console.log(`\nfailed steps: ${failedSteps.join(", ")}`);
console.log(`\ntests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
process.exit(failedSteps.length > 0 ? 1 : 0);
