import { jobPayloads, type JobName, type JobPayload } from "@switchyard/contracts";
import type { Database } from "@switchyard/db";
import type { Logger } from "@switchyard/observability";
import type { Pool } from "pg";
import type { TelemetryWriter } from "@switchyard/telemetry-store";
import type { RevisionNotifier } from "@switchyard/traffic";
import type { ChannelKey } from "@switchyard/alerting";
import type { JobProducer } from "@switchyard/queue";
import { evaluateAlerts, notify } from "./jobs/alerts";
import { markAgentsOffline } from "./jobs/mark-agents-offline";
import { publishRevision } from "./jobs/publish-revision";
import { runRolloutCheck, sweepRolloutChecks } from "./jobs/rollouts";
import { applyTelemetryRetention, ingestTelemetry, updateTelemetryGraph } from "./jobs/telemetry";

export interface JobContext {
  db: Database;
  /** A plain pg pool for the telemetry tables, which are written in bulk outside Prisma. */
  telemetryPool: Pool;
  telemetryWriter: TelemetryWriter;
  /** Wakes agents' config watches on every web process. */
  revisions: RevisionNotifier;
  /** Enqueues follow-up jobs (a rollout's next check, a revision's publish). */
  jobs: JobProducer;
  /** What alerting needs from the environment: the channel-secret key and the web app's URL for links. */
  alerting: { channelKey: ChannelKey | null; publicUrl: string };
  /** Moves this job to delayed for `delayMs` and ends the run without completing or failing it. */
  retryLater(delayMs: number): Promise<never>;
  /** Carries the job's id and name on every line. */
  logger: Logger;
  jobId: string;
  /** 1 on the first run, 2 on the first retry, ... */
  attempt: number;
}

export interface JobDefinition<N extends JobName> {
  schema: (typeof jobPayloads)[N];
  /** Receives the payload after the worker has parsed it with `schema`. */
  handler(payload: JobPayload<N>, context: JobContext): Promise<unknown>;
}

/** Every job the worker runs. A job added to the contracts without a handler here fails to compile. */
export type JobRegistry = { [N in JobName]: JobDefinition<N> };

export const jobRegistry: JobRegistry = {
  "agents.mark-offline": { schema: jobPayloads["agents.mark-offline"], handler: markAgentsOffline },
  "telemetry.ingest": { schema: jobPayloads["telemetry.ingest"], handler: ingestTelemetry },
  "telemetry.service-graph": {
    schema: jobPayloads["telemetry.service-graph"],
    handler: updateTelemetryGraph,
  },
  "telemetry.retention": { schema: jobPayloads["telemetry.retention"], handler: applyTelemetryRetention },
  "config.publish": { schema: jobPayloads["config.publish"], handler: publishRevision },
  "rollout.check": { schema: jobPayloads["rollout.check"], handler: runRolloutCheck },
  "rollout.sweep": { schema: jobPayloads["rollout.sweep"], handler: sweepRolloutChecks },
  "alerts.evaluate": { schema: jobPayloads["alerts.evaluate"], handler: evaluateAlerts },
  "alerts.notify": { schema: jobPayloads["alerts.notify"], handler: notify },
};
