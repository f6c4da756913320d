import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

export interface ProcessSpec {
  name: string;
  command: string;
  args: readonly string[];
  cwd?: string;
  env?: Readonly<Record<string, string>>;
  /** Started again when it exits on its own (a gateway restarting on its machine), instead of stopping all. */
  restart?: boolean;
  /** The process is ready once it prints a JSON line this accepts; resolved with that line. */
  readyWhen?: (line: Record<string, unknown>) => boolean;
  /** How long to wait for the ready line (default 60 s). */
  readyTimeoutMs?: number;
  /**
   * Lower stops first (default 0), so that what sends to a process stops before it: the traffic generator
   * before the gateways, the gateways before the shop, everything that exports telemetry before web.
   */
  stopOrder?: number;
}

export interface ManagedProcess {
  readonly name: string;
  /** The current process's id (changes when a restart policy started it again). */
  readonly pid: number | undefined;
  /** Resolves with the ready line of the first start. */
  readonly ready: Promise<Record<string, unknown>>;
  /** Runs before each restart, e.g. to pin the ports the first start bound. */
  beforeRestart?: () => Promise<void> | void;
}

export interface SupervisorOptions {
  /** Every line a child prints, by child name. */
  log: (name: string, line: string) => void;
  /** A child without a restart policy exited, or one with it kept crashing: the stack cannot go on. */
  onFailure: (reason: string) => void;
}

const STOP_GRACE_MS = 10_000;
const RESTART_DELAY_MS = 500;
/** More restarts than this within a minute: the process is crash-looping, so the stack gives up. */
const MAX_RESTARTS_PER_MINUTE = 5;

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (!isRunning(child) || child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone between the check and the signal.
  }
}

function parseJsonLine(line: string): Record<string, unknown> | null {
  if (!line.startsWith("{")) return null;
  try {
    const parsed: unknown = JSON.parse(line);
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * The stack's child processes. Each runs in its own process group, so stopping one also stops whatever it
 * spawned (Next's server is a grandchild). A child that exits by itself either is started again (restart
 * policy) or brings the whole stack down through `onFailure`; `stopAll` stops everything, SIGTERM first and
 * SIGKILL after a grace period, and resolves once all have exited.
 */
export class Supervisor {
  private readonly children = new Map<ChildProcess, number>();
  private stopping = false;

  constructor(private readonly options: SupervisorOptions) {}

  start(spec: ProcessSpec): ManagedProcess {
    const restarts: number[] = [];
    let current: ChildProcess | undefined;
    let resolveReady!: (line: Record<string, unknown>) => void;
    let rejectReady!: (error: Error) => void;
    const ready = new Promise<Record<string, unknown>>((resolve, reject) => {
      resolveReady = resolve;
      rejectReady = reject;
    });
    // Nobody may be awaiting it yet when it fails; the failure still reaches onFailure.
    ready.catch(() => undefined);
    let isReady = !spec.readyWhen;
    if (isReady) resolveReady({});

    const handle: ManagedProcess = {
      name: spec.name,
      get pid() {
        return current?.pid;
      },
      ready,
    };

    const launch = () => {
      const child = spawn(spec.command, [...spec.args], {
        cwd: spec.cwd,
        env: { ...process.env, ...spec.env },
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      });
      current = child;
      this.children.set(child, spec.stopOrder ?? 0);
      const timer = isReady
        ? undefined
        : setTimeout(
            () =>
              rejectReady(
                new Error(`${spec.name} was not ready within ${(spec.readyTimeoutMs ?? 60_000) / 1000} s`),
              ),
            spec.readyTimeoutMs ?? 60_000,
          );
      for (const stream of [child.stdout!, child.stderr!]) {
        createInterface({ input: stream }).on("line", (line) => {
          this.options.log(spec.name, line);
          if (isReady) return;
          const parsed = parseJsonLine(line);
          if (parsed && spec.readyWhen!(parsed)) {
            isReady = true;
            clearTimeout(timer);
            resolveReady(parsed);
          }
        });
      }
      child.once("error", (error) => this.options.log(spec.name, `could not start: ${error.message}`));
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        this.children.delete(child);
        if (this.stopping) return;
        const how = signal ?? `code ${code}`;
        if (!isReady) {
          rejectReady(new Error(`${spec.name} exited (${how}) before it was ready`));
          return;
        }
        const now = Date.now();
        restarts.push(now);
        while (restarts[0]! < now - 60_000) restarts.shift();
        if (!spec.restart || restarts.length > MAX_RESTARTS_PER_MINUTE) {
          this.options.onFailure(
            spec.restart
              ? `${spec.name} keeps exiting (${how}, ${restarts.length} times in a minute)`
              : `${spec.name} exited unexpectedly (${how})`,
          );
          return;
        }
        this.options.log(spec.name, `exited (${how}); starting it again`);
        setTimeout(async () => {
          if (this.stopping) return;
          await handle.beforeRestart?.();
          launch();
        }, RESTART_DELAY_MS);
      });
    };
    launch();
    return handle;
  }

  private stopped: Promise<void> | undefined;

  /**
   * Stops every child, stage by stage in `stopOrder`; resolves once all are gone. A second call (Ctrl-C
   * during start-up, then the caller's own stop) waits for the first instead of signalling everyone again.
   */
  stopAll(): Promise<void> {
    this.stopped ??= this.stopEverything();
    return this.stopped;
  }

  private async stopEverything(): Promise<void> {
    this.stopping = true;
    const all = [...this.children];
    const stages = [...new Set(all.map(([, order]) => order))].sort((a, b) => a - b);
    for (const stage of stages) {
      const children = all.filter(([, order]) => order === stage).map(([child]) => child);
      for (const child of children) signalGroup(child, "SIGTERM");
      const deadline = Date.now() + STOP_GRACE_MS;
      while (children.some(isRunning) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      for (const child of children) {
        // Also the members of its group that outlive the leader (Next's server under its CLI).
        try {
          if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
        } catch {
          // The group is already empty.
        }
      }
    }
  }
}
