import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { request } from "undici";

const GATEWAY_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const FIXTURE = join(GATEWAY_DIR, "src/testing/upstream-fixture.ts");
const CLI = join(GATEWAY_DIR, "src/cli.ts");

/** Children still running; killed if the test process exits without stopping them (a failed hook). */
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** Spawns a TypeScript entry point under tsx and resolves with the first stdout/stderr JSON line that matches. */
function spawnTs(
  entry: string,
  args: string[],
  ready: (line: Record<string, unknown>) => boolean,
  lines: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ child: ChildProcess; line: Record<string, unknown> }> {
  const child = spawn(process.execPath, ["--import", "tsx", entry, ...args], {
    cwd: GATEWAY_DIR,
    stdio: ["ignore", "pipe", "pipe"],
    env,
  });
  running.add(child);
  child.once("exit", () => running.delete(child));
  return new Promise((resolvePromise, reject) => {
    let settled = false;
    const onLine = (text: string) => {
      if (lines.length > 5_000) lines.shift();
      lines.push(text);
      if (settled || !text.startsWith("{")) return;
      try {
        const parsed = JSON.parse(text) as Record<string, unknown>;
        if (ready(parsed)) {
          settled = true;
          resolvePromise({ child, line: parsed });
        }
      } catch {
        // not a JSON line
      }
    };
    createInterface({ input: child.stdout! }).on("line", onLine);
    createInterface({ input: child.stderr! }).on("line", onLine);
    child.once("exit", (code) => {
      if (!settled)
        reject(
          new Error(`${entry} exited with ${code} before it was ready:\n${lines.slice(-20).join("\n")}`),
        );
    });
  });
}

function waitForExit(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolvePromise) => child.once("exit", (code) => resolvePromise(code)));
}

/** Asks a child to stop and makes sure it does: SIGKILL when it has not exited after `graceMs`. */
async function terminate(child: ChildProcess, graceMs = 10_000): Promise<number | null> {
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  try {
    return await waitForExit(child);
  } finally {
    clearTimeout(timer);
  }
}

export interface Fault {
  status?: number;
  delayMs?: number;
  healthFailing?: boolean;
}

export class Upstream {
  private child: ChildProcess | null = null;
  readonly lines: string[] = [];
  port = 0;

  constructor(
    readonly name: string,
    readonly version: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts (or restarts on the same port) the fixture process. */
  async start(): Promise<this> {
    const { child, line } = await spawnTs(
      FIXTURE,
      ["--name", this.name, "--version", this.version, "--port", String(this.port)],
      (parsed) => typeof parsed.listening === "number",
      this.lines,
    );
    this.child = child;
    this.port = line.listening as number;
    return this;
  }

  async setFault(fault: Fault): Promise<void> {
    const response = await request(`${this.url}/__fixture`, { method: "PUT", body: JSON.stringify(fault) });
    await response.body.dump();
    if (response.statusCode !== 200) throw new Error(`fixture refused fault: ${response.statusCode}`);
  }

  async served(): Promise<number> {
    const response = await request(`${this.url}/__fixture`);
    return ((await response.body.json()) as { served: number }).served;
  }

  /** Crash: SIGKILL, no goodbye to open connections. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child === null) return;
    child.kill("SIGKILL");
    await waitForExit(child);
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child !== null) await terminate(child);
  }
}

export async function startUpstreams(
  specs: ReadonlyArray<[name: string, version: string]>,
): Promise<Upstream[]> {
  return Promise.all(specs.map(([name, version]) => new Upstream(name, version).start()));
}

export interface GatewayStartOptions {
  /** Written to a file and used as the local config source, unless `bootstrap` names a control plane. */
  config?: unknown;
  bootstrap?: Record<string, unknown>;
  /** Reuse a directory (and its last-known-good state) from an earlier gateway. */
  dir?: string;
  env?: NodeJS.ProcessEnv;
}

export class GatewayProcess {
  readonly lines: string[] = [];
  private child: ChildProcess | null = null;
  proxyPort = 0;
  adminPort = 0;

  private constructor(readonly dir: string) {}

  static async start(options: GatewayStartOptions): Promise<GatewayProcess> {
    const dir = options.dir ?? (await mkdtemp(join(tmpdir(), "switchyard-gateway-")));
    const gateway = new GatewayProcess(dir);
    if (options.config !== undefined) await gateway.writeConfig(options.config);
    const bootstrap = {
      ...(options.bootstrap?.controlPlaneUrl ? {} : { configFile: "config.json" }),
      listen: { host: "127.0.0.1", port: 0 },
      adminListen: { host: "127.0.0.1", port: 0 },
      stateDir: "state",
      accessLog: { enabled: false },
      drainTimeoutMs: 5_000,
      ...options.bootstrap,
    };
    await writeFile(join(dir, "bootstrap.json"), JSON.stringify(bootstrap));
    const { child, line } = await spawnTs(
      CLI,
      ["--config", join(dir, "bootstrap.json")],
      (parsed) => parsed.msg === "gateway agent started",
      gateway.lines,
      { ...process.env, ...options.env },
    );
    gateway.child = child;
    gateway.proxyPort = (line.proxy as { port: number }).port;
    gateway.adminPort = (line.admin as { port: number }).port;
    return gateway;
  }

  get url(): string {
    return `http://127.0.0.1:${this.proxyPort}`;
  }

  get adminUrl(): string {
    return `http://127.0.0.1:${this.adminPort}`;
  }

  /** Replaces the config file atomically (write, then rename), as a deploy tool would. */
  async writeConfig(config: unknown): Promise<void> {
    const temporary = join(this.dir, `.config-${process.hrtime.bigint()}.json`);
    await writeFile(temporary, JSON.stringify(config));
    await rename(temporary, join(this.dir, "config.json"));
  }

  async status(): Promise<GatewayStatus> {
    const response = await request(`${this.adminUrl}/status`);
    return (await response.body.json()) as GatewayStatus;
  }

  /** SIGTERM and wait: the agent drains and exits by itself (or is killed after 10 s). Returns the exit code. */
  async stop(): Promise<number | null> {
    const child = this.child;
    this.child = null;
    return child === null ? null : terminate(child);
  }

  async remove(): Promise<void> {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** The parts of `/status` the tests read. */
export interface GatewayStatus {
  ready: boolean;
  revisionInUse: number | null;
  configSource: string | null;
  revision: { source: string; number: number | null } | null;
  lastRejected: { number: number | null; errors: Array<{ path: string; message: string }> } | null;
  targets: Array<{
    serviceId: string;
    targetId: string;
    healthy: boolean;
    ejected: boolean;
    inflight: number;
    breaker: { state: string; failures: number; successes: number; lastFailureReason: string | null };
  }>;
  requestsHandled: number;
  inflightRequests: number;
  controlPlane: { connection: string; lastSeenRevision: number } | null;
  telemetry: { droppedSpans: number; failedMetricExports: number };
  sharedRateLimits: {
    connection: string;
    sharedDecisions: number;
    localFallbacks: number;
    lastFallbackAt: string | null;
  };
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}
