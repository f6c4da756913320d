import { deriveChannelKey, type ChannelKey } from "@switchyard/alerting";
import { webEnv } from "@/env";

let cached: ChannelKey | undefined;

/** The key notification channels' webhook URLs are encrypted with; the worker derives the same one. */
export function getChannelKey(): ChannelKey {
  cached ??= deriveChannelKey(webEnv().BETTER_AUTH_SECRET);
  return cached;
}
