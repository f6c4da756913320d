import type { JobPayload } from "@switchyard/contracts";
import { enqueueRevisionPublish, enqueueRolloutCheck } from "@switchyard/queue";
import { versionTotalsSince } from "@switchyard/telemetry-store";
import { checkRollout, sweepRollouts, type RolloutDeps } from "@switchyard/traffic";
import type { JobContext } from "../registry";

function rolloutDeps({ db, telemetryPool, jobs }: JobContext): RolloutDeps {
  return {
    db,
    totalsSince: (query) => versionTotalsSince(telemetryPool, query),
    publish: async (revision) => {
      await enqueueRevisionPublish(jobs, revision);
    },
    scheduleCheck: async (check, delayMs, options) => {
      await enqueueRolloutCheck(jobs, check, delayMs, options?.retryTag);
    },
  };
}

/**
 * Measures a running rollout's canary against stable over the step's window and holds, waits, advances or
 * rolls back (see `checkRollout`: a retry or a duplicate of this job never acts twice).
 */
export async function runRolloutCheck(payload: JobPayload<"rollout.check">, context: JobContext) {
  const result = await checkRollout(rolloutDeps(context), payload);
  if (result.outcome === "rollback" || result.outcome === "advance") {
    context.logger.info({ runId: payload.runId, ...result }, `rollout ${result.outcome}`);
  }
  return result;
}

export async function sweepRolloutChecks(payload: JobPayload<"rollout.sweep">, context: JobContext) {
  const result = await sweepRollouts(rolloutDeps(context), payload.overdueMs);
  if (result.requeued > 0) context.logger.warn(result, "re-enqueued overdue rollout checks");
  return result;
}
