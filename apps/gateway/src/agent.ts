import { createWriteStream } from "node:fs";
import { hostname } from "node:os";
import { type AddressInfo } from "node:net";
import { type Writable } from "node:stream";
import {
  type ConfigAck,
  type ConfigRevision,
  type Heartbeat,
  type SharedRateLimitStatus,
} from "@switchyard/contracts";
import { AdminServer } from "./admin/admin-server";
import { describeRoutes, describeTargets } from "./admin/status";
import { type Bootstrap } from "./bootstrap";
import { stderrLogger, type Logger } from "./log";
import { ProxyServer } from "./proxy/proxy-server";
import { RouteLimiterRegistry } from "./ratelimit/route-limiter";
import { SharedBuckets } from "./ratelimit/shared-buckets";
import { ConfigManager, type RevisionMeta } from "./runtime/config-manager";
import { ControlPlaneClient } from "./sources/control-plane-client";
import { backoffDelay, ControlPlaneWatcher } from "./sources/control-plane-watcher";
import { FileConfigSource, type FileReadResult } from "./sources/file-source";
import { LastKnownGoodStore } from "./sources/last-known-good";
import { AccessLog } from "./telemetry/access-log";
import { RequestMetrics } from "./telemetry/request-metrics";
import { Telemetry } from "./telemetry/telemetry";
import { TargetRegistry } from "./upstream/target-registry";
import { AGENT_VERSION } from "./version";

export interface AgentOptions {
  log?: Logger;
  /** Where access log lines go when the bootstrap names no file (default: standard output). */
  accessLogStream?: Writable;
  /** How long a dropped target's pool stays open for requests still running on the old revision. */
  retireGraceMs?: number;
}

const ACK_ATTEMPTS = 5;
/** How long the next config watch waits for the previous revision's ack before it goes out anyway. */
const ACK_BEFORE_WATCH_MS = 1_000;
const TELEMETRY_SHUTDOWN_MS = 3_000;
const ACK_SHUTDOWN_GRACE_MS = 2_000;

/** Resolves "done" when `work` settles in time, "timeout" otherwise (the work is left to itself). */
async function withTimeout(work: Promise<unknown>, ms: number): Promise<"done" | "timeout"> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), ms);
  });
  try {
    return await Promise.race([work.then(() => "done" as const), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The running agent: proxy and admin listeners, the config source (local file or control plane),
 * last-known-good persistence, heartbeats and telemetry, wired together.
 */
export class GatewayAgent {
  readonly agentId: string;
  readonly startedAt = new Date().toISOString();
  readonly metrics = new RequestMetrics();
  readonly proxy: ProxyServer;
  readonly manager: ConfigManager;
  readonly telemetry: Telemetry | null;
  /** The Redis that shared rate limits spend from; null when the bootstrap names none. */
  readonly sharedBuckets: SharedBuckets | null;
  proxyAddress: AddressInfo | null = null;
  adminAddress: AddressInfo | null = null;
  heartbeatFailures = 0;
  private readonly log: Logger;
  private readonly accessLog: AccessLog | null;
  private readonly targets: TargetRegistry;
  private readonly admin: AdminServer;
  private readonly lastKnownGood: LastKnownGoodStore;
  private fileSource: FileConfigSource | null = null;
  private client: ControlPlaneClient | null = null;
  private watcher: ControlPlaneWatcher | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private readonly pendingAcks = new Set<Promise<void>>();
  private stopping: Promise<void> | null = null;

  private constructor(
    readonly bootstrap: Bootstrap,
    options: AgentOptions,
  ) {
    this.log = options.log ?? stderrLogger;
    this.agentId = bootstrap.agentId ?? hostname();
    const accessLogDestination = bootstrap.accessLog.path
      ? createWriteStream(bootstrap.accessLog.path, { flags: "a" })
      : (options.accessLogStream ?? process.stdout);
    this.accessLog = bootstrap.accessLog.enabled ? new AccessLog(accessLogDestination) : null;
    this.sharedBuckets = bootstrap.redis ? new SharedBuckets(bootstrap.redis, this.log) : null;
    const telemetry = bootstrap.telemetry;
    this.telemetry = telemetry.otlpEndpoint
      ? new Telemetry(
          {
            otlpEndpoint: telemetry.otlpEndpoint,
            agentToken: bootstrap.agentToken,
            agentId: this.agentId,
            agentVersion: AGENT_VERSION,
            exportIntervalMs: telemetry.exportIntervalMs,
            maxQueuedSpans: telemetry.maxQueuedSpans,
          },
          this.metrics,
          this.accessLog,
          this.sharedBuckets,
        )
      : null;
    this.proxy = new ProxyServer({
      accessLog: this.accessLog,
      spans: this.telemetry?.spans ?? null,
      traceSampleRate: telemetry.traceSampleRate,
      slowRequestMs: telemetry.slowRequestMs,
    });
    this.targets = new TargetRegistry(
      {
        connections: bootstrap.upstream.connectionsPerTarget,
        keepAliveTimeoutMs: bootstrap.upstream.keepAliveTimeoutMs,
        connectTimeoutMs: bootstrap.upstream.connectTimeoutMs,
      },
      options.retireGraceMs,
    );
    this.lastKnownGood = new LastKnownGoodStore(bootstrap.stateDir);
    this.manager = new ConfigManager(
      {
        targets: this.targets,
        limiters: new RouteLimiterRegistry(this.sharedBuckets, this.log),
        metrics: this.metrics,
      },
      this.proxy,
      this.lastKnownGood,
      this.log,
    );
    this.admin = new AdminServer({
      notReadyReason: () => this.notReadyReason(),
      status: () => this.status(),
    });
  }

  static async start(bootstrap: Bootstrap, options: AgentOptions = {}): Promise<GatewayAgent> {
    const agent = new GatewayAgent(bootstrap, options);
    try {
      agent.proxyAddress = await agent.proxy.listen(bootstrap.listen.host, bootstrap.listen.port);
      agent.adminAddress = await agent.admin.listen(bootstrap.adminListen.host, bootstrap.adminListen.port);
      if (bootstrap.configFile !== undefined) await agent.startFileSource(bootstrap.configFile);
      else await agent.startControlPlane(bootstrap.controlPlaneUrl!, bootstrap.agentToken!);
    } catch (error) {
      await agent.stop();
      throw error;
    }
    agent.log("info", "gateway agent started", {
      agentId: agent.agentId,
      proxy: agent.proxyAddress,
      admin: agent.adminAddress,
      source: bootstrap.configFile ? "file" : "control_plane",
      revision: agent.manager.current?.number ?? null,
    });
    return agent;
  }

  /** Stops sources, drains the proxy, then closes pools and flushes telemetry. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  notReadyReason(): string | null {
    if (this.proxy.draining) return "draining";
    if (this.manager.current === null) return "no revision loaded yet";
    return null;
  }

  heartbeat(): Heartbeat {
    const current = this.manager.current;
    const rejected = this.manager.lastRejected;
    return {
      agentId: this.agentId,
      agentVersion: AGENT_VERSION,
      hostname: hostname(),
      startedAt: this.startedAt,
      sentAt: new Date().toISOString(),
      revisionInUse: current?.number ?? null,
      configSource: current?.source ?? null,
      lastRejected: rejected === null ? null : { revision: rejected.number, errors: rejected.errors },
      inflightRequests: Math.max(0, this.proxy.inflight),
      targets: describeTargets(this.proxy.current).map(
        ({ lastHealthCheck: _check, latencyEwmaMs: _latency, ...target }) => target,
      ),
      telemetry: {
        droppedSpans: this.telemetry?.spans.dropped ?? 0,
        failedMetricExports: this.telemetry?.failedMetricExports ?? 0,
      },
      sharedRateLimits: this.sharedRateLimitStatus(),
    };
  }

  /** Reported even with no shared limit configured: the control plane knows which routes are shared. */
  private sharedRateLimitStatus(): SharedRateLimitStatus {
    if (this.sharedBuckets === null) {
      return {
        connection: "not_configured",
        sharedDecisions: 0,
        localFallbacks: 0,
        lastFallbackAt: null,
        lastError: null,
      };
    }
    const { redis: _where, ...status } = this.sharedBuckets.status();
    return status;
  }

  status() {
    const current = this.manager.current;
    const compiled = this.proxy.current;
    return {
      ...this.heartbeat(),
      ready: this.notReadyReason() === null,
      revision:
        current === null
          ? null
          : {
              source: current.source,
              number: current.number,
              groupId: current.groupId,
              appliedAt: current.appliedAt,
            },
      lastRejected: this.manager.lastRejected,
      controlPlane:
        this.watcher === null
          ? null
          : {
              connection: this.watcher.connection,
              lastSeenRevision: this.watcher.lastSeen,
              lastError: this.watcher.lastError,
              heartbeatFailures: this.heartbeatFailures,
            },
      configFile: this.fileSource?.path ?? null,
      sharedRateLimits: {
        redis: this.sharedBuckets?.status().redis ?? null,
        ...this.sharedRateLimitStatus(),
      },
      targets: describeTargets(compiled),
      routes: describeRoutes(compiled),
      requestsHandled: this.metrics.totalRequests(),
      accessLogDropped: this.accessLog?.dropped ?? 0,
    };
  }

  // --- local file source ---------------------------------------------------------------------------

  private async startFileSource(path: string): Promise<void> {
    this.fileSource = new FileConfigSource(path, (result) => this.applyFile(result), this.log);
    const first = await this.fileSource.start();
    if (this.applyFile(first)) return;
    await this.applyLastKnownGood("the config file is not usable");
  }

  private applyFile(result: FileReadResult): boolean {
    const meta: RevisionMeta = { source: "file", number: null, groupId: null, createdAt: null };
    if (result.kind === "unreadable") {
      this.manager.refuse(meta, result.issues);
      return false;
    }
    return this.manager.apply(result.value, meta).status === "applied";
  }

  // --- control plane source ------------------------------------------------------------------------

  private async startControlPlane(url: string, token: string): Promise<void> {
    const options = this.bootstrap.controlPlane;
    this.client = new ControlPlaneClient(url, token);
    this.watcher = new ControlPlaneWatcher(
      this.client,
      (revision) => this.applyRevision(revision),
      this.log,
      {
        waitSeconds: options.watchWaitSeconds,
        backoffBaseMs: options.backoffBaseMs,
        backoffMaxMs: options.backoffMaxMs,
      },
    );
    const latest = await this.watcher.fetchLatest(options.startupTimeoutMs);
    // Applied synchronously; the ack is not waited for here, so a slow ack does not hold up startup.
    if (latest !== null) void this.watcher.deliver(latest);
    if (this.manager.current === null) {
      const lastKnownGood = await this.applyLastKnownGood(
        latest === null
          ? "the control plane did not provide a revision"
          : "the control plane's revision was refused",
      );
      if (lastKnownGood !== null && lastKnownGood > this.watcher.lastSeen)
        this.watcher.lastSeen = lastKnownGood;
    }
    this.watcher.start();
    this.heartbeatTimer = setInterval(() => this.sendHeartbeat(), options.heartbeatIntervalMs);
    this.heartbeatTimer.unref();
    this.sendHeartbeat();
  }

  /** Applies (or refuses) and acknowledges; resolves once the ack is answered or after a bounded wait. */
  private async applyRevision(revision: ConfigRevision): Promise<void> {
    const outcome = this.manager.apply(revision.config, {
      source: "control_plane",
      number: revision.number,
      groupId: revision.groupId,
      createdAt: revision.createdAt,
    });
    const ack: ConfigAck =
      outcome.status === "applied"
        ? {
            revision: revision.number,
            status: "applied",
            appliedAt: outcome.appliedAt,
            durationMs: outcome.durationMs,
          }
        : {
            revision: revision.number,
            status: "rejected",
            appliedAt: outcome.at,
            durationMs: outcome.durationMs,
            errors: outcome.errors,
          };
    const sending = this.sendAck(ack).finally(() => this.pendingAcks.delete(sending));
    this.pendingAcks.add(sending);
    await withTimeout(sending, ACK_BEFORE_WATCH_MS);
  }

  /** Acks matter (the UI shows "applied on 3/3 agents"), so they are retried with backoff. */
  private async sendAck(ack: ConfigAck): Promise<void> {
    const options = this.bootstrap.controlPlane;
    for (let attempt = 1; attempt <= ACK_ATTEMPTS; attempt++) {
      try {
        await this.client!.ack(ack);
        return;
      } catch (error) {
        if (attempt === ACK_ATTEMPTS || this.stopping !== null) {
          this.log("error", "could not acknowledge revision", {
            revision: ack.revision,
            error: (error as Error).message,
          });
          return;
        }
        await new Promise((resolve) =>
          setTimeout(resolve, backoffDelay(attempt, options.backoffBaseMs, options.backoffMaxMs)),
        );
      }
    }
  }

  private sendHeartbeat(): void {
    this.client!.heartbeat(this.heartbeat()).catch(() => {
      this.heartbeatFailures++;
    });
  }

  // --- shared ----------------------------------------------------------------------------------------

  /** Serves the revision saved on disk; returns its revision number (0 for a file revision), or null. */
  private async applyLastKnownGood(why: string): Promise<number | null> {
    const saved = await this.lastKnownGood.load((reason) =>
      this.log("warn", "ignoring last-known-good file", { reason }),
    );
    if (saved === null) {
      this.log("warn", `${why}, and there is no last-known-good revision: not ready until one arrives`);
      return null;
    }
    const outcome = this.manager.apply(saved.config, {
      source: "last_known_good",
      number: saved.revision?.number ?? null,
      groupId: saved.revision?.groupId ?? null,
      createdAt: saved.revision?.createdAt ?? null,
    });
    if (outcome.status !== "applied") return null;
    this.log("warn", `${why}: serving the last-known-good revision`, {
      revision: saved.revision?.number ?? null,
      savedAt: saved.savedAt,
    });
    return saved.revision?.number ?? 0;
  }

  /** A last export, bounded: an unreachable collector must not hold the process after a drain. */
  private async flushTelemetry(telemetry: Telemetry): Promise<void> {
    const result = await withTimeout(telemetry.shutdown(), TELEMETRY_SHUTDOWN_MS).catch(
      (error: Error) => error.message,
    );
    if (result !== "done") this.log("warn", "final telemetry export did not complete", { result });
  }

  private async shutdown(): Promise<void> {
    if (this.heartbeatTimer !== null) clearInterval(this.heartbeatTimer);
    await this.watcher?.stop();
    await this.fileSource?.stop();
    const { abandoned } = await this.proxy.drain(this.bootstrap.drainTimeoutMs);
    if (abandoned > 0) this.log("warn", "drain timed out", { abandoned });
    // Acks still on their way get a moment; heartbeats are best-effort and are simply cut off.
    await withTimeout(Promise.all(this.pendingAcks), ACK_SHUTDOWN_GRACE_MS);
    await this.targets.closeAll(abandoned > 0);
    if (this.telemetry !== null) await this.flushTelemetry(this.telemetry);
    this.accessLog?.close();
    await this.client?.destroy();
    this.sharedBuckets?.close();
    await this.admin.close();
  }
}
