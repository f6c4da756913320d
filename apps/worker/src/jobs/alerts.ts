import { UnrecoverableError } from "bullmq";
import type { JobPayload } from "@switchyard/contracts";
import { deliverNotification, evaluateAlertRules, type EvaluationSummary } from "@switchyard/alerting";
import type { JobContext } from "../registry";

/** Every 10 s, and early when failed requests arrive: every enabled rule once, one evaluation at a time. */
export async function evaluateAlerts(
  _payload: JobPayload<"alerts.evaluate">,
  { db, telemetryPool, alerting, jobs, logger }: JobContext,
): Promise<EvaluationSummary> {
  const summary = await evaluateAlertRules({
    db,
    telemetryPool,
    publicUrl: alerting.publicUrl,
    logger,
    enqueueNotification: async (notificationId) => {
      await jobs.enqueue("alerts.notify", { notificationId }, { jobId: notificationId });
    },
  });
  if (summary.transitions > 0 || summary.failedRules > 0) logger.info({ summary }, "alert rules evaluated");
  return summary;
}

/**
 * One delivery attempt. Retries (429 Retry-After, backoff on 5xx and network errors, waiting out another
 * worker's claim) move this same job to delayed, so the wait is exactly the one decided and BullMQ's own
 * attempts stay for unexpected errors (database down), which the row's compare-and-set makes safe to rerun.
 */
export async function notify(
  payload: JobPayload<"alerts.notify">,
  { db, alerting, retryLater, logger }: JobContext,
): Promise<{ state: string }> {
  if (!alerting.channelKey) {
    throw new UnrecoverableError(
      "the worker runtime was started without BETTER_AUTH_SECRET; it cannot send notifications",
    );
  }
  const step = await deliverNotification({ db, channelKey: alerting.channelKey }, payload.notificationId);
  if (step.kind === "retry") {
    logger.info(
      { notificationId: payload.notificationId, delayMs: step.delayMs, reason: step.reason },
      "notification retry scheduled",
    );
    return retryLater(step.delayMs);
  }
  return { state: step.state };
}
