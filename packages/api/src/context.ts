import type { ChannelKey } from "@switchyard/alerting";
import type { Auth } from "@switchyard/auth";
import type { JobPayload } from "@switchyard/contracts";
import type { Database } from "@switchyard/db";
import type { TelemetryReader } from "./dashboard-views";

export interface PublishedRevision {
  id: string;
  organizationId: string;
  groupId: string;
  number: number;
  /**
   * The revision's time and configuration, when the committer has them at hand: they travel with the
   * announcement, so the agents' watches answer without reading the revision back from the database.
   */
  snapshot?: { createdAt: Date; config: unknown };
}

/** The header the web client sets to the organization slug of the page it is on. */
export const ORGANIZATION_HEADER = "x-switchyard-org";

export interface ContextDeps {
  auth: Auth;
  db: Database;
  /** The control plane's public URL, used in links and agent start commands. */
  publicUrl: string;
  /** Hands a committed revision to the publish pipeline, which wakes the group's agents and follows their acks. */
  publishRevision(revision: PublishedRevision): Promise<void>;
  /**
   * Enqueues a rollout's check as a delayed job (id from run and check number). Rejects when the queue is
   * unreachable, which undoes the rollout change that needed it.
   */
  scheduleRolloutCheck(check: JobPayload<"rollout.check">, delayMs: number): Promise<void>;
  /** Telemetry reads for the dashboard (the telemetry store over its pg pool). */
  telemetry: TelemetryReader;
  /** Encrypts notification channels' webhook URLs at rest (derived from BETTER_AUTH_SECRET, as the worker's). */
  channelKey: ChannelKey;
}

export async function createContext(deps: ContextDeps, headers: Headers) {
  const session = await deps.auth.api.getSession({ headers });
  return {
    ...deps,
    headers,
    session,
    organizationSlug: headers.get(ORGANIZATION_HEADER),
    clientIp: headers.get("x-forwarded-for")?.split(",")[0]?.trim() || headers.get("x-real-ip") || null,
  };
}

export type Context = Awaited<ReturnType<typeof createContext>>;
