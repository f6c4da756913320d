import { jobPayloads, type JobName, type JobPayload } from "@switchyard/contracts";
import type { Database } from "@switchyard/db";
import type { Logger } from "@switchyard/observability";
import { markAgentsOffline } from "./jobs/mark-agents-offline";

export interface JobContext {
  db: Database;
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
};
