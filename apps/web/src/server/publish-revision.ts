import type { PublishedRevision } from "@switchyard/api";
import type { ConfigRevision, JobPayload } from "@switchyard/contracts";
import {
  createJobProducer,
  createRedisConnection,
  enqueueRevisionPublish,
  enqueueRolloutCheck,
  type JobProducer,
} from "@switchyard/queue";
import { webEnv } from "@/env";
import { logger } from "@/server/logger";
import { getRevisionNotifier } from "@/server/revision-notifier";

const globalForProducer = globalThis as unknown as { switchyardJobProducer?: JobProducer };

function producer(): JobProducer {
  globalForProducer.switchyardJobProducer ??= createJobProducer({
    connection: createRedisConnection(webEnv().REDIS_URL, "producer", {
      connectionName: "switchyard-web-producer",
      onError: (error) => logger.warn({ err: error }, "Redis connection error (job producer); reconnecting"),
    }),
    prefix: webEnv().SWITCHYARD_QUEUE_PREFIX,
  });
  return globalForProducer.switchyardJobProducer;
}

/** The revision as the agents' watches answer with it, when the committer passed its snapshot. */
function announcedRevision({ number, groupId, snapshot }: PublishedRevision): ConfigRevision | undefined {
  if (!snapshot) return undefined;
  return { number, groupId, createdAt: snapshot.createdAt.toISOString(), config: snapshot.config };
}

/**
 * Hands a committed revision to the publish job (one per revision: the job id makes a retry harmless), which
 * follows the agents' acks. This process also announces the revision right away, so the agents' watches wake
 * without waiting for a worker to pick the job up; the job announces again, which costs nothing.
 * When Redis is unreachable the revision stays committed and the agents' watches, which then poll the
 * database, still pick it up within about a second; the log says so.
 */
export async function publishRevision(revision: PublishedRevision): Promise<void> {
  const announced = getRevisionNotifier()
    .announce(revision.groupId, revision.number, announcedRevision(revision))
    .catch((error: unknown) =>
      logger.warn(
        { err: error, revision: revision.number, groupId: revision.groupId },
        "revision not announced",
      ),
    );
  const enqueued = enqueueRevisionPublish(producer(), revision).catch((error: unknown) =>
    logger.warn(
      { err: error, revision: revision.number, groupId: revision.groupId },
      "publish job not enqueued; agents will poll",
    ),
  );
  await Promise.all([announced, enqueued]);
}

/** A rollout's next check; a failure propagates, so the rollout change that needed it is not committed. */
export async function scheduleRolloutCheck(
  check: JobPayload<"rollout.check">,
  delayMs: number,
): Promise<void> {
  await enqueueRolloutCheck(producer(), check, delayMs);
}
