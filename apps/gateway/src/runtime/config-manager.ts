import { performance } from "node:perf_hooks";
import {
  parseGatewayConfig,
  type ConfigIssue,
  type ConfigSource,
  type GatewayConfig,
} from "@switchyard/contracts";
import { type Logger } from "../log";
import { type LastKnownGoodStore } from "../sources/last-known-good";
import { compileConfig, type CompileDependencies, type CompiledConfig } from "./compiled-config";

export interface RevisionMeta {
  source: ConfigSource;
  /** Control-plane revision number; null for a local file. */
  number: number | null;
  groupId: string | null;
  createdAt: string | null;
}

export interface AppliedRevision extends RevisionMeta {
  appliedAt: string;
  config: GatewayConfig;
}

export interface RejectedRevision {
  source: ConfigSource;
  number: number | null;
  at: string;
  errors: ConfigIssue[];
}

export type ApplyOutcome =
  | { status: "applied"; durationMs: number; appliedAt: string }
  | { status: "rejected"; durationMs: number; errors: ConfigIssue[]; at: string };

export interface ConfigTarget {
  swap(compiled: CompiledConfig): void;
}

/**
 * The one way a revision reaches the proxy: validate, compile once, swap the reference, then commit
 * the registries (retiring targets the revision dropped) and persist it as last-known-good. A refused
 * revision changes nothing: the previous one keeps serving and the refusal is kept for status.
 */
export class ConfigManager {
  current: AppliedRevision | null = null;
  lastRejected: RejectedRevision | null = null;
  appliedCount = 0;

  constructor(
    private readonly deps: CompileDependencies,
    private readonly proxy: ConfigTarget,
    private readonly lastKnownGood: LastKnownGoodStore | null,
    private readonly log: Logger,
  ) {}

  apply(candidate: unknown, meta: RevisionMeta): ApplyOutcome {
    const startedAt = performance.now();
    const parsed = parseGatewayConfig(candidate);
    if (!parsed.ok) return this.refuse(meta, parsed.issues, startedAt);

    let prepared;
    try {
      prepared = compileConfig(parsed.config, this.deps);
    } catch (error) {
      return this.refuse(
        meta,
        [{ path: "(root)", message: `cannot compile: ${(error as Error).message}` }],
        startedAt,
      );
    }
    this.proxy.swap(prepared.compiled);
    prepared.commit();

    const appliedAt = new Date().toISOString();
    this.current = { ...meta, appliedAt, config: parsed.config };
    this.appliedCount++;
    const durationMs = performance.now() - startedAt;
    this.log("info", "revision applied", {
      source: meta.source,
      revision: meta.number,
      routes: parsed.config.routes.length,
      durationMs: round(durationMs),
    });
    if (this.lastKnownGood !== null && meta.source !== "last_known_good")
      this.persist(candidate, meta, appliedAt);
    return { status: "applied", durationMs, appliedAt };
  }

  /** Records a refusal (also for documents that could not even be parsed); nothing else changes. */
  refuse(meta: RevisionMeta, errors: ConfigIssue[], startedAt = performance.now()): ApplyOutcome {
    const at = new Date().toISOString();
    this.lastRejected = { source: meta.source, number: meta.number, at, errors };
    this.log("warn", "revision rejected, previous revision keeps serving", {
      source: meta.source,
      revision: meta.number,
      errors,
    });
    return { status: "rejected", durationMs: performance.now() - startedAt, errors, at };
  }

  private persist(config: unknown, meta: RevisionMeta, savedAt: string): void {
    const revision =
      meta.number === null
        ? null
        : { number: meta.number, groupId: meta.groupId ?? "", createdAt: meta.createdAt ?? savedAt };
    this.lastKnownGood!.save({ savedAt, source: meta.source, revision, config }).catch((error: Error) =>
      this.log("error", "could not persist the last-known-good revision", { error: error.message }),
    );
  }
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
