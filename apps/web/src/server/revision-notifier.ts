import { createRevisionNotifier, type RevisionNotifier } from "@switchyard/traffic";
import { webEnv } from "@/env";

const globalForNotifier = globalThis as unknown as { switchyardRevisionNotifier?: RevisionNotifier };

/** One Redis subscriber per web process wakes the agents' config watches held open by this process. */
export function getRevisionNotifier(): RevisionNotifier {
  globalForNotifier.switchyardRevisionNotifier ??= createRevisionNotifier({
    redisUrl: webEnv().REDIS_URL,
    prefix: webEnv().SWITCHYARD_QUEUE_PREFIX,
  });
  return globalForNotifier.switchyardRevisionNotifier;
}
