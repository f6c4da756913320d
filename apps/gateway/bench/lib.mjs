// What the benchmark scripts share: the tools, the processes they start, the gateway's full-chain
// configuration (the one the issue measures) and wrk. See run.mjs and instructions.mjs.
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createServer as createNetServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const GATEWAY_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const BENCH_PATH = "/bench/items/42";

export function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(2);
}

export function has(command) {
  try {
    execFileSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * Installs the missing ones of `tools` (`[command, Debian package]`) from Debian (root only), or
 * stops with the command to run.
 */
export function ensureTools(tools) {
  const missing = tools.filter(([command]) => !has(command));
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

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createNetServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

export const children = [];

export function start(name, command, args, { env, cpu, pin } = {}) {
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

export async function stopAll() {
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

export async function waitForOk(url, what, timeoutMs = 20_000) {
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

export function nginxConfig(dir, body) {
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
export function gatewayConfig(upstreamUrl) {
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
export async function runWrk(url, seconds, connections, pin) {
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
  const requests = Number(/(\d+) requests in/.exec(output)?.[1]);
  const p99 = parseLatency(/\s99%\s+([\d.]+\w+)/.exec(output)?.[1]);
  const p50 = parseLatency(/\s50%\s+([\d.]+\w+)/.exec(output)?.[1]);
  const errors = /Non-2xx or 3xx responses:\s+(\d+)/.exec(output)?.[1] ?? "0";
  const socketErrors = /Socket errors:([^\n]+)/.exec(output)?.[1]?.trim() ?? "none";
  if (!Number.isFinite(rps)) throw new Error(`cannot read wrk output:\n${output}`);
  return { rps, requests, p50, p99, non2xx: Number(errors), socketErrors };
}

export function parseLatency(text) {
  if (!text) return NaN;
  const value = parseFloat(text);
  if (text.endsWith("us")) return value / 1000;
  if (text.endsWith("ms")) return value;
  if (text.endsWith("s")) return value * 1000;
  return NaN;
}

export function buildGateway() {
  console.log("building the gateway ...");
  execFileSync("npm", ["run", "build", "--silent"], {
    cwd: GATEWAY_DIR,
    stdio: ["ignore", "ignore", "inherit"],
  });
}

/** Accepts OTLP exports so the gateway's exporters really run; `received()` counts them. */
export async function startTelemetrySink() {
  let received = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      received++;
      res.writeHead(200, { "content-type": "application/x-protobuf" }).end();
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: server.address().port,
    received: () => received,
    close: () => new Promise((r) => server.close(r)),
  };
}

/** The upstream every proxy forwards to: nginx, 1 worker, a fixed 24-byte body. */
export async function startUpstream(dir, port, pin) {
  const home = join(dir, "upstream");
  mkdirSync(home, { recursive: true });
  writeFileSync(
    join(home, "nginx.conf"),
    nginxConfig(
      home,
      `server { listen 127.0.0.1:${port}; location / { default_type text/plain; return 200 "hello from the upstream\\n"; } }`,
    ),
  );
  start("upstream nginx", "nginx", ["-c", join(home, "nginx.conf"), "-p", home, "-g", "daemon off;"], {
    cpu: 0,
    pin,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForOk(`${url}/`, "upstream");
  return url;
}

/** Writes the gateway's revision and bootstrap file (full chain, telemetry to the sink); returns the bootstrap path. */
export function writeGatewayFiles(dir, { upstreamUrl, gatewayPort, adminPort, sinkPort }) {
  writeFileSync(join(dir, "gateway-config.json"), JSON.stringify(gatewayConfig(upstreamUrl)));
  const bootstrap = join(dir, "gateway-bootstrap.json");
  writeFileSync(
    bootstrap,
    JSON.stringify({
      agentId: "bench",
      configFile: "gateway-config.json",
      listen: { host: "127.0.0.1", port: gatewayPort },
      adminListen: { host: "127.0.0.1", port: adminPort },
      stateDir: "state",
      telemetry: {
        otlpEndpoint: `http://127.0.0.1:${sinkPort}`,
        exportIntervalMs: 10_000,
        traceSampleRate: 0.01,
      },
      accessLog: { enabled: false },
    }),
  );
  return bootstrap;
}
