#!/usr/bin/env node
// CPU time per proxied request of two gateway builds, side by side, under the bench's full chain. On a
// shared machine requests per second move with everyone else's work; CPU time per request moves much
// less, and measuring the two builds in alternation, round after round, exposes both to the same
// conditions. Decisions about the hot path are made with this; the JSON line of run.mjs is the result.
//
//   node apps/gateway/bench/compare.mjs --save <name>       # build, keep dist as bench/dist/<name>
//   node apps/gateway/bench/compare.mjs <name-a> <name-b> [--rounds 8] [--duration 5] [--connections 50]
//
// Both gateways run at once (each one process, same revision, same upstream); each round measures one
// then the other with wrk and reads the process's user+system CPU time from /proc before and after.
// It prints every round and the medians (µs per request, and b relative to a).
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  BENCH_PATH,
  buildGateway,
  ensureTools,
  fail,
  freePort,
  GATEWAY_DIR,
  runWrk,
  start,
  startTelemetrySink,
  startUpstream,
  stopAll,
  waitForOk,
  writeGatewayFiles,
} from "./lib.mjs";

const BUILDS = join(GATEWAY_DIR, "bench/dist");
/** USER_HZ: /proc reports CPU time in clock ticks of 10 ms on Linux. */
const TICK_US = 10_000;

function parseOptions() {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        save: { type: "string" },
        rounds: { type: "string", default: "8" },
        duration: { type: "string", default: "5" },
        warmup: { type: "string", default: "5" },
        connections: { type: "string", default: "50" },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    fail(error.message);
  }
  const { values, positionals } = parsed;
  const int = (flag, min, max) => {
    const value = Number(values[flag]);
    if (!Number.isInteger(value) || value < min || value > max)
      fail(`--${flag} must be an integer from ${min} to ${max}`);
    return value;
  };
  if (values.save === undefined && positionals.length !== 2)
    fail("usage: compare.mjs --save <name> | compare.mjs <name-a> <name-b> [--rounds N] [--duration S]");
  return {
    save: values.save ?? null,
    builds: positionals,
    rounds: int("rounds", 1, 50),
    duration: int("duration", 1, 120),
    warmup: int("warmup", 0, 120),
    connections: int("connections", 1, 1000),
  };
}

function cpuTicks(pid) {
  // Fields after the command name (which may contain spaces): utime and stime are fields 14 and 15.
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

async function compare(options) {
  ensureTools([
    ["wrk", "wrk"],
    ["nginx", "nginx-light"],
  ]);
  const dir = mkdtempSync(join(tmpdir(), "switchyard-compare-"));
  const sink = await startTelemetrySink();
  try {
    const upstreamUrl = await startUpstream(dir, await freePort(), false);
    const gateways = [];
    for (const name of options.builds) {
      const home = join(dir, name);
      mkdirSync(home);
      const port = await freePort();
      const bootstrap = writeGatewayFiles(home, {
        upstreamUrl,
        gatewayPort: port,
        adminPort: await freePort(),
        sinkPort: sink.port,
      });
      const child = start(name, process.execPath, [join(BUILDS, name, "cli.js"), "--config", bootstrap]);
      const url = `http://127.0.0.1:${port}${BENCH_PATH}`;
      await waitForOk(url, name);
      gateways.push({ name, child, url, perRequest: [] });
    }
    for (const gateway of gateways) {
      if (options.warmup > 0) await runWrk(gateway.url, options.warmup, options.connections, false);
    }
    for (let round = 1; round <= options.rounds; round++) {
      // Alternate which build goes first, so neither always follows the other.
      const order = round % 2 ? gateways : [...gateways].reverse();
      for (const gateway of order) {
        const before = cpuTicks(gateway.child.pid);
        const result = await runWrk(gateway.url, options.duration, options.connections, false);
        const ticks = cpuTicks(gateway.child.pid) - before;
        if (result.non2xx > 0) fail(`${gateway.name}: ${result.non2xx} responses were not 2xx`);
        const us = (ticks * TICK_US) / result.requests;
        gateway.perRequest.push(us);
        console.log(
          `  round ${round} ${gateway.name.padEnd(16)} ${us.toFixed(1)} µs/request, ${result.rps.toFixed(0)} req/s`,
        );
      }
    }
    const [a, b] = gateways.map((gateway) => median(gateway.perRequest));
    console.log(
      JSON.stringify({
        [`${gateways[0].name}_us_per_request`]: Number(a.toFixed(2)),
        [`${gateways[1].name}_us_per_request`]: Number(b.toFixed(2)),
        change: Number((b / a - 1).toFixed(4)),
      }),
    );
  } finally {
    await stopAll();
    await sink.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const options = parseOptions();
if (options.save !== null) {
  buildGateway();
  cpSync(join(GATEWAY_DIR, "dist"), join(BUILDS, options.save), { recursive: true });
  console.log(`saved the build as ${join(BUILDS, options.save)}`);
} else {
  process.on("SIGINT", () => {
    void stopAll().then(() => process.exit(130));
  });
  compare(options).catch(async (error) => {
    console.error(`compare: ${error.message}`);
    await stopAll();
    process.exit(1);
  });
}
