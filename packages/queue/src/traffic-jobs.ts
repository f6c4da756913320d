import type { JobPayload } from "@switchyard/contracts";
import type { JobProducer } from "./producer";

/**
 * The traffic jobs with their deterministic ids, shared by web and worker so that both ends enqueue the
 * same job for the same thing: a second enqueue of it (a retry, or another process) adds nothing.
 */

/** One publish job per revision. */
export function enqueueRevisionPublish(
  producer: JobProducer,
  revision: { id: string; organizationId: string; groupId: string; number: number },
): Promise<string> {
  return producer.enqueue(
    "config.publish",
    {
      organizationId: revision.organizationId,
      groupId: revision.groupId,
      revisionId: revision.id,
      revisionNumber: revision.number,
    },
    { jobId: `config.publish-${revision.id}` },
  );
}

/** One check job per run and check number; `retryTag` gives a re-enqueued lost check an id of its own. */
export function enqueueRolloutCheck(
  producer: JobProducer,
  check: JobPayload<"rollout.check">,
  delayMs: number,
  retryTag?: string,
): Promise<string> {
  return producer.enqueue("rollout.check", check, {
    jobId: `rollout.check-${check.runId}-${check.seq}${retryTag ? `-${retryTag}` : ""}`,
    delay: delayMs,
  });
}
