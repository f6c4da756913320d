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
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createServer as createNetServer } from "node:net";
import { cpus, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const GATEWAY_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BENCH_PATH = "/bench/items/42";

function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(2);
}

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

function has(command) {
  try {
    execFileSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Installs wrk, nginx-light and caddy from Debian when one is missing (root only). */
function ensureTools(pin) {
  const missing = [
    ["wrk", "wrk"],
    ["nginx", "nginx-light"],
    ["caddy", "caddy"],
  ].filter(([command]) => !has(command));
  if (pin && !has("taskset")) missing.push(["taskset", "util-linux"]);
  if (missing.length === 0) return;
  const packages = missing.map(([, pkg]) => pkg);
  if (process.getuid?.() !== 0) {
    fail(
      `missing ${packages.join(", ")}. Run this as root so it can apt-get install them, or install them yourself:\n` +
        `  sudo apt-get update && sudo apt-get install -y ${packages.join(" ")}`,
    );
  }
  console.log(`installing ${packages.join(", ")} from Debian ...`);
  execFileSync("apt-get", ["update"], { stdio: "inherit" });
  execFileSync("apt-get", ["install", "-y", "--no-install-recommends", ...packages], {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createNetServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

const children = [];

function start(name, command, args, { env, cpu, pin } = {}) {
  const [file, argv] =
    pin && cpu !== undefined ? ["taskset", ["-c", String(cpu), command, ...args]] : [command, args];
  const child = spawn(file, argv, { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, ...env } });
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  child.on("exit", (code, signal) => {
    if (!child.stopping) console.error(`bench: ${name} exited early (${code ?? signal}):\n${stderr}`);
  });
  child.name = name;
  children.push(child);
  return child;
}

async function stopAll() {
  await Promise.all(
    children.map(
      (child) =>
        new Promise((done) => {
          if (child.exitCode !== null || child.signalCode !== null) return done();
          child.stopping = true;
          const timer = setTimeout(() => child.kill("SIGKILL"), 8_000);
          child.once("exit", () => {
            clearTimeout(timer);
            done();
          });
          child.kill("SIGTERM");
        }),
    ),
  );
}

async function waitForOk(url, what, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      const text = await response.text();
      if (response.status === 200) return text;
      last = `${response.status} ${text.slice(0, 200)}`;
    } catch (error) {
      last = error.message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not answer 200 at ${url}: ${last}`);
}

function nginxConfig(dir, body) {
  return `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  keepalive_requests 1000000;
  ${body}
}
`;
}

/** 20 routes: 19 that a request to the bench path has to be matched past, and the bench route. */
function gatewayConfig(upstreamUrl) {
  const routes = [];
  for (let i = 1; i <= 19; i++) {
    const route = { id: `service-${i}`, service: "decoy", match: { pathPrefix: `/api/service-${i}` } };
    if (i % 3 === 0) route.match.methods = ["GET", "POST"];
    if (i % 4 === 0) route.match.headers = [{ name: "x-tenant", value: `t${i}` }];
    if (i % 5 === 0) route.match.host = `*.tenant-${i}.example`;
    routes.push(route);
  }
  routes.push({
    id: "bench",
    service: "bench",
    match: { pathPrefix: "/bench" },
    rateLimit: { average: 1_000_000_000, burst: 1_000_000_000 },
  });
  const targetDefaults = { healthCheck: { passive: { enabled: true } }, circuitBreaker: { enabled: true } };
  return {
    routes,
    services: {
      bench: {
        ...targetDefaults,
        strategy: "weighted_round_robin",
        targets: [
          { id: "stable-a", url: upstreamUrl, version: "v1", weight: 3 },
          { id: "stable-b", url: upstreamUrl, version: "v1", weight: 1 },
          { id: "canary-a", url: upstreamUrl, version: "v2", weight: 1 },
        ],
        split: { stableVersion: "v1", canaryVersion: "v2", canaryPercent: 10 },
      },
      decoy: { ...targetDefaults, targets: [{ id: "decoy-a", url: upstreamUrl }] },
    },
  };
}

/** Runs wrk without blocking this process, whose event loop also serves the telemetry sink. */
async function runWrk(url, seconds, connections, pin) {
  const args = ["-t1", `-c${connections}`, `-d${seconds}s`, "--latency", url];
  const [file, argv] = pin ? ["taskset", ["-c", "0", "wrk", ...args]] : ["wrk", args];
  const output = await new Promise((resolveOutput, reject) => {
    const child = spawn(file, argv, { stdio: ["ignore", "pipe", "pipe"] });
    let text = "";
    child.stdout.on("data", (chunk) => (text += chunk.toString()));
    child.stderr.on("data", (chunk) => (text += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), (seconds + 30) * 1000);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(timer);
      if (code === 0) resolveOutput(text);
      else reject(new Error(`wrk exited with ${code}:\n${text}`));
    });
  });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(output)?.[1]);
  const p99 = parseLatency(/\s99%\s+([\d.]+\w+)/.exec(output)?.[1]);
  const p50 = parseLatency(/\s50%\s+([\d.]+\w+)/.exec(output)?.[1]);
  const errors = /Non-2xx or 3xx responses:\s+(\d+)/.exec(output)?.[1] ?? "0";
  const socketErrors = /Socket errors:([^\n]+)/.exec(output)?.[1]?.trim() ?? "none";
  if (!Number.isFinite(rps)) throw new Error(`cannot read wrk output:\n${output}`);
  return { rps, p50, p99, non2xx: Number(errors), socketErrors };
}

function parseLatency(text) {
  if (!text) return NaN;
  const value = parseFloat(text);
  if (text.endsWith("us")) return value / 1000;
  if (text.endsWith("ms")) return value;
  if (text.endsWith("s")) return value * 1000;
  return NaN;
}

async function main() {
  const options = parseOptions();
  ensureTools(options.pin);
  console.log("building the gateway ...");
  execFileSync("npm", ["run", "build", "--silent"], {
    cwd: GATEWAY_DIR,
    stdio: ["ignore", "ignore", "inherit"],
  });

  const dir = mkdtempSync(join(tmpdir(), "switchyard-bench-"));
  const [upstreamPort, gatewayPort, adminPort, nginxPort, caddyPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const upstreamUrl = `http://127.0.0.1:${upstreamPort}`;

  // The telemetry sink accepts OTLP exports so the gateway's exporter really runs.
  let exportsReceived = 0;
  const sink = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      exportsReceived++;
      res.writeHead(200, { "content-type": "application/x-protobuf" }).end();
    });
  });
  await new Promise((r) => sink.listen(0, "127.0.0.1", r));

  try {
    for (const sub of ["upstream", "nginx"]) {
      execFileSync("mkdir", ["-p", join(dir, sub)]);
    }
    writeFileSync(
      join(dir, "upstream/nginx.conf"),
      nginxConfig(
        join(dir, "upstream"),
        `server { listen 127.0.0.1:${upstreamPort}; location / { default_type text/plain; return 200 "hello from the upstream\\n"; } }`,
      ),
    );
    start(
      "upstream nginx",
      "nginx",
      ["-c", join(dir, "upstream/nginx.conf"), "-p", join(dir, "upstream"), "-g", "daemon off;"],
      {
        cpu: 0,
        pin: options.pin,
      },
    );
    await waitForOk(`${upstreamUrl}/`, "upstream");

    writeFileSync(join(dir, "gateway-config.json"), JSON.stringify(gatewayConfig(upstreamUrl)));
    writeFileSync(
      join(dir, "gateway-bootstrap.json"),
      JSON.stringify({
        agentId: "bench",
        configFile: "gateway-config.json",
        listen: { host: "127.0.0.1", port: gatewayPort },
        adminListen: { host: "127.0.0.1", port: adminPort },
        stateDir: "state",
        telemetry: {
          otlpEndpoint: `http://127.0.0.1:${sink.address().port}`,
          exportIntervalMs: 10_000,
          traceSampleRate: 0.01,
        },
        accessLog: { enabled: false },
      }),
    );
    const nodeArgs = options.cpuProfileDir ? ["--cpu-prof", `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
    const gateway = start(
      "gateway",
      process.execPath,
      [...nodeArgs, join(GATEWAY_DIR, "dist/cli.js"), "--config", join(dir, "gateway-bootstrap.json")],
      { cpu: 1, pin: options.pin },
    );

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
      `\ngateway: ${status.requestsHandled} requests handled, ${exportsReceived} OTLP exports received, ` +
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
    await new Promise((r) => sink.close(r));
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
