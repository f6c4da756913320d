import { type ConfigRevision } from "@switchyard/contracts";
import { type Logger } from "../log";
import { type ControlPlaneClient } from "./control-plane-client";

export interface WatcherOptions {
  waitSeconds: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

export type ControlPlaneConnection = "connecting" | "connected" | "unreachable" | "unauthorized";

/** Full jitter: a random delay up to the exponential step, so a fleet of agents does not retry in step. */
export function backoffDelay(
  failures: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  return random() * Math.min(maxMs, baseMs * 2 ** Math.min(failures, 30));
}

/**
 * Holds the blocking watch open for as long as the agent runs. Every revision the control plane sends
 * is handed to `onRevision`, applied or not: the watch then asks for revisions newer than it, so a
 * refused revision is not sent again and again. Errors back off exponentially with jitter.
 *
 * `onRevision` may return a promise (the agent's acknowledgement, bounded by the agent): the next watch
 * waits for it, so that the ack reaches the control plane without queueing behind the agent's own watch
 * request. Nothing is missed meanwhile: the next watch asks for anything newer than this revision.
 */
export class ControlPlaneWatcher {
  lastSeen = 0;
  connection: ControlPlaneConnection = "connecting";
  lastError: string | null = null;
  private failures = 0;
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly abort = new AbortController();
  private sleepTimer: NodeJS.Timeout | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly client: ControlPlaneClient,
    private readonly onRevision: (revision: ConfigRevision) => Promise<void> | void,
    private readonly log: Logger,
    private readonly options: WatcherOptions,
  ) {}

  /**
   * A short first read, bounded by `timeoutMs`, so that startup falls back to last-known-good quickly
   * when the control plane is down or hangs.
   */
  async fetchLatest(timeoutMs: number): Promise<ConfigRevision | null> {
    try {
      const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(timeoutMs)]);
      const result = await this.client.watch(this.lastSeen, 1, signal);
      this.onSuccess();
      if (result.kind === "unauthorized") {
        this.markUnauthorized();
        return null;
      }
      return result.kind === "revision" ? result.revision : null;
    } catch (error) {
      this.onFailure(error);
      return null;
    }
  }

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    if (this.sleepTimer !== null) clearTimeout(this.sleepTimer);
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const result = await this.client.watch(this.lastSeen, this.options.waitSeconds, this.abort.signal);
        if (!this.running) return;
        if (result.kind === "unauthorized") {
          this.markUnauthorized();
          await this.sleep(this.options.backoffMaxMs);
          continue;
        }
        this.onSuccess();
        if (result.kind === "revision") await this.deliver(result.revision);
      } catch (error) {
        if (!this.running) return;
        this.onFailure(error);
        await this.sleep(backoffDelay(this.failures, this.options.backoffBaseMs, this.options.backoffMaxMs));
      }
    }
  }

  /**
   * Hands a revision over once, in order; an older or repeated number is ignored. Resolves when
   * `onRevision`'s work is done or the watcher is stopped, whichever comes first.
   */
  async deliver(revision: ConfigRevision): Promise<void> {
    if (revision.number <= this.lastSeen) return;
    this.lastSeen = revision.number;
    const handled = this.onRevision(revision);
    const signal = this.abort.signal;
    if (signal.aborted) return;
    let onStop = () => {};
    const stopped = new Promise<void>((resolve) => (onStop = resolve));
    signal.addEventListener("abort", onStop, { once: true });
    try {
      await Promise.race([handled, stopped]);
    } finally {
      signal.removeEventListener("abort", onStop);
    }
  }

  private onSuccess(): void {
    if (this.connection !== "connected") this.log("info", "control plane connected");
    this.connection = "connected";
    this.failures = 0;
    this.lastError = null;
  }

  private onFailure(error: unknown): void {
    this.failures++;
    this.lastError = (error as Error).message;
    if (this.connection !== "unreachable")
      this.log("warn", "control plane unreachable", { error: this.lastError });
    this.connection = "unreachable";
  }

  private markUnauthorized(): void {
    if (this.connection !== "unauthorized") this.log("error", "control plane refused the agent token (401)");
    this.connection = "unauthorized";
    this.lastError = "agent token refused";
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.sleepTimer = setTimeout(resolve, ms);
    });
  }
}
