import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { isServiceReadyMessage } from "../service/ipc";
import { serviceEntryArgs } from "../service-entry";

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServiceProcess {
  child: ChildProcess;
  pid: number;
  /** The port the service actually bound (resolves port 0). */
  port: number;
  /** Settles when the process has exited, whoever stopped it. */
  exited: Promise<ExitInfo>;
}

export interface SpawnServiceOptions {
  flags: readonly string[];
  env: Readonly<Record<string, string>>;
  readyTimeoutMs: number;
  onLine: (stream: "stdout" | "stderr", line: string) => void;
}

const STOP_GRACE_MS = 5_000;
const KEPT_STDERR_LINES = 20;

/** Starts one service replica and resolves once it listens; rejects (and kills it) if it exits or stalls first. */
export async function spawnService(options: SpawnServiceOptions): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [...serviceEntryArgs(), ...options.flags], {
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    // Own process group: a Ctrl-C reaches only the supervisor, which stops replicas in order. A replica still
    // never outlives it, since it exits when the IPC channel closes.
    detached: true,
    env: { ...process.env, ...options.env },
  });
  const recentStderr: string[] = [];
  for (const stream of ["stdout", "stderr"] as const) {
    createInterface({ input: child[stream]! }).on("line", (line) => {
      if (stream === "stderr" && recentStderr.push(line) > KEPT_STDERR_LINES) recentStderr.shift();
      options.onLine(stream, line);
    });
  }
  const exited = once(child, "exit").then(([code, signal]) => ({ code, signal }) as ExitInfo);

  let timer: NodeJS.Timeout | undefined;
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.on("message", (message) => {
        if (isServiceReadyMessage(message)) resolve(message.port);
      });
      child.on("error", reject);
      void exited.then(({ code, signal }) =>
        reject(
          new Error(
            `exited before listening (code ${code}, signal ${signal})${recentStderr.length ? `:\n${recentStderr.join("\n")}` : ""}`,
          ),
        ),
      );
      timer = setTimeout(
        () => reject(new Error(`did not listen within ${options.readyTimeoutMs} ms`)),
        options.readyTimeoutMs,
      );
    });
    return { child, pid: child.pid!, port, exited };
  } catch (error) {
    await stopProcess(child, exited);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** SIGTERM, then SIGKILL if the process has not exited within the grace period. */
export async function stopProcess(child: ChildProcess, exited: Promise<ExitInfo>): Promise<ExitInfo> {
  if (child.exitCode !== null || child.signalCode !== null) return exited;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}
