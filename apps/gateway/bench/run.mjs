#!/usr/bin/env node
// Benchmark: this gateway (one process, the full chain on) against nginx (1 worker, upstream keepalive)
// and Caddy (GOMAXPROCS=1), all proxying to the same upstream on 127.0.0.1, measured with wrk in one
// run. Prints a table and ends with one JSON line. Not a test: it asserts nothing about speed.
//
//   npm run bench:gateway
//   node apps/gateway/bench/run.mjs [--rounds 3] [--duration 5] [--warmup 3] [--connections 50] [--pin]
//                                   [--cpu-prof <dir>]
//
// The proxies are measured in turn, `--rounds` times over (gateway, nginx, caddy, gateway, ...), and each
// one's best round is reported: on a shared machine, other work landing in one proxy's slot would
// otherwise decide the comparison. Each round prints as it finishes. --pin puts each proxy on CPU 1 and wrk plus the upstream on CPU 0 (needs 2+ CPUs and taskset), which
// keeps the three proxies on equal terms on a small machine. --cpu-prof writes a V8 CPU profile of the
// gateway run into <dir> (see bench/profile-summary.mjs).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
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
  nginxConfig,
} from "./lib.mjs";

function parseOptions() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        rounds: { type: "string", default: "3" },
        duration: { type: "string", default: "5" },
        warmup: { type: "string", default: "3" },
        connections: { type: "string", default: "50" },
        pin: { type: "boolean", default: false },
        "cpu-prof": { type: "string" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    fail(error.message);
  }
  const int = (flag, min, max) => {
    const value = Number(values[flag]);
    if (!Number.isInteger(value) || value < min || value > max)
      fail(`--${flag} must be an integer from ${min} to ${max}`);
    return value;
  };
  const options = {
    rounds: int("rounds", 1, 10),
    duration: int("duration", 1, 120),
    warmup: int("warmup", 0, 60),
    connections: int("connections", 1, 1000),
    pin: values.pin,
    cpuProfileDir: values["cpu-prof"] ? resolve(values["cpu-prof"]) : null,
  };
  if (options.pin && cpus().length < 2) fail("--pin needs at least 2 CPUs");
  return options;
}

async function main() {
  const options = parseOptions();
  ensureTools([
    ["wrk", "wrk"],
    ["nginx", "nginx-light"],
    ["caddy", "caddy"],
    ...(options.pin ? [["taskset", "util-linux"]] : []),
  ]);
  buildGateway();

  const dir = mkdtempSync(join(tmpdir(), "switchyard-bench-"));
  const [upstreamPort, gatewayPort, adminPort, nginxPort, caddyPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const sink = await startTelemetrySink();

  try {
    const upstreamUrl = await startUpstream(dir, upstreamPort, options.pin);
    const bootstrap = writeGatewayFiles(dir, { upstreamUrl, gatewayPort, adminPort, sinkPort: sink.port });
    const nodeArgs = options.cpuProfileDir ? ["--cpu-prof", `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
    const gateway = start(
      "gateway",
      process.execPath,
      [...nodeArgs, join(GATEWAY_DIR, "dist/cli.js"), "--config", bootstrap],
      { cpu: 1, pin: options.pin },
    );

    mkdirSync(join(dir, "nginx"), { recursive: true });
    writeFileSync(
      join(dir, "nginx/nginx.conf"),
      nginxConfig(
        join(dir, "nginx"),
        `upstream backend { server 127.0.0.1:${upstreamPort}; keepalive 64; }
  server {
    listen 127.0.0.1:${nginxPort};
    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }`,
      ),
    );
    start(
      "nginx",
      "nginx",
      ["-c", join(dir, "nginx/nginx.conf"), "-p", join(dir, "nginx"), "-g", "daemon off;"],
      {
        cpu: 1,
        pin: options.pin,
      },
    );

    writeFileSync(
      join(dir, "Caddyfile"),
      `{\n\tadmin off\n\tauto_https off\n}\n:${caddyPort} {\n\tbind 127.0.0.1\n\treverse_proxy ${upstreamUrl}\n}\n`,
    );
    start("caddy", "caddy", ["run", "--config", join(dir, "Caddyfile"), "--adapter", "caddyfile"], {
      env: {
        GOMAXPROCS: "1",
        XDG_DATA_HOME: join(dir, "caddy-data"),
        XDG_CONFIG_HOME: join(dir, "caddy-config"),
      },
      cpu: 1,
      pin: options.pin,
    });

    const targets = [
      { name: "gateway", url: `http://127.0.0.1:${gatewayPort}${BENCH_PATH}` },
      { name: "nginx", url: `http://127.0.0.1:${nginxPort}${BENCH_PATH}` },
      { name: "caddy", url: `http://127.0.0.1:${caddyPort}${BENCH_PATH}` },
    ];
    for (const target of targets) {
      const body = await waitForOk(target.url, target.name);
      if (!body.includes("hello from the upstream"))
        throw new Error(`${target.name} returned an unexpected body`);
    }

    console.log(
      `wrk -t1 -c${options.connections}, ${options.warmup} s warm-up, then ${options.rounds} round(s) of ` +
        `${options.duration} s per proxy, ${cpus().length} CPUs` +
        (options.pin ? ", proxies pinned to CPU 1, wrk and upstream to CPU 0" : ""),
    );
    for (const target of targets) {
      if (options.warmup > 0) await runWrk(target.url, options.warmup, options.connections, options.pin);
    }
    const results = {};
    for (let round = 1; round <= options.rounds; round++) {
      for (const target of targets) {
        const result = await runWrk(target.url, options.duration, options.connections, options.pin);
        console.log(
          `  round ${round} ${target.name.padEnd(8)} ${result.rps.toFixed(0)} req/s, p99 ${result.p99.toFixed(2)} ms`,
        );
        if (results[target.name] === undefined || result.rps > results[target.name].rps)
          results[target.name] = result;
      }
    }

    const row = (cells) => cells.map((cell, i) => String(cell).padEnd(i === 0 ? 10 : 14)).join("");
    console.log("");
    console.log(row(["proxy", "req/s", "p50 ms", "p99 ms", "non-2xx", "socket errors"]));
    for (const { name } of targets) {
      const r = results[name];
      console.log(
        row([name, r.rps.toFixed(0), r.p50.toFixed(2), r.p99.toFixed(2), r.non2xx, r.socketErrors]),
      );
    }
    const status = await (await fetch(`http://127.0.0.1:${adminPort}/status`)).json();
    console.log(
      `\ngateway: ${status.requestsHandled} requests handled, ${sink.received()} OTLP exports received, ` +
        `dropped spans ${status.telemetry.droppedSpans}`,
    );
    if (gateway.exitCode !== null) throw new Error("the gateway exited during the run");

    const round = (value, digits) => Number(value.toFixed(digits));
    console.log(
      JSON.stringify({
        gateway_rps: round(results.gateway.rps, 0),
        nginx_rps: round(results.nginx.rps, 0),
        caddy_rps: round(results.caddy.rps, 0),
        ratio_vs_caddy: round(results.gateway.rps / results.caddy.rps, 3),
        ratio_vs_nginx: round(results.gateway.rps / results.nginx.rps, 3),
        gateway_p99_ms: round(results.gateway.p99, 2),
        caddy_p99_ms: round(results.caddy.p99, 2),
      }),
    );
  } finally {
    await stopAll();
    await sink.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

process.on("SIGINT", () => {
  void stopAll().then(() => process.exit(130));
});

main().catch(async (error) => {
  console.error(`bench: ${error.message}`);
  await stopAll();
  process.exit(1);
});
