import { configRevisionSchema, type ConfigRevision } from "@switchyard/contracts";
import { Redis } from "ioredis";
import { z } from "zod";

/**
 * Tells every control-plane process that a group has a new revision, so watches held open by any of them
 * answer at once. One Redis subscriber per process; waiters are kept in memory by group, and the announcing
 * process wakes its own at once.
 */
export interface RevisionNotifier {
  /**
   * Announces a revision to every process (including this one). The committer passes the revision itself
   * along, so the watches it wakes answer with it instead of each reading it back from the database.
   */
  announce(groupId: string, number: number, revision?: ConfigRevision): Promise<void>;
  /**
   * Resolves with the announcement when a revision above `after` is announced for the group, null when
   * `timeoutMs` passes or `signal` aborts first. Register before reading the database so an announcement in
   * between is not missed.
   */
  waitFor(groupId: string, after: number, timeoutMs: number, signal?: AbortSignal): RevisionWait;
  close(): Promise<void>;
}

export interface RevisionWait {
  /** Rejects when Redis cannot be reached; the caller then has to look for new revisions itself. */
  ready: Promise<void>;
  result: Promise<Announcement | null>;
  cancel(): void;
}

const announcementSchema = z.object({
  groupId: z.string(),
  number: z.number().int().positive(),
  /** Absent when the announcer only knows the number (the publish job); the watch then reads it. */
  revision: configRevisionSchema.optional(),
});
export type Announcement = z.infer<typeof announcementSchema>;

interface Waiter {
  after: number;
  settle: (announcement: Announcement | null) => void;
}

export function createRevisionNotifier(options: { redisUrl: string; prefix: string }): RevisionNotifier {
  const channel = `${options.prefix}:config-revisions`;
  const publisher = new Redis(options.redisUrl, {
    maxRetriesPerRequest: 2,
    enableOfflineQueue: false,
    lazyConnect: true,
  });
  const subscriber = new Redis(options.redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
  const waiters = new Map<string, Set<Waiter>>();

  const subscribed = (async () => {
    await Promise.all([publisher.connect(), subscriber.connect()]);
    await subscriber.subscribe(channel);
  })();
  // Callers see failures through `ready`/`announce`; this only keeps the rejection from going unhandled.
  subscribed.catch(() => undefined);

  const wake = (announcement: Announcement) => {
    for (const waiter of waiters.get(announcement.groupId) ?? [])
      if (announcement.number > waiter.after) waiter.settle(announcement);
  };
  subscriber.on("message", (_channel: string, message: string) => {
    const announcement = parseAnnouncement(message);
    if (announcement !== null) wake(announcement);
  });

  return {
    async announce(groupId, number, revision) {
      const announcement: Announcement = { groupId, number, revision };
      // This process's own watches answer without the round trip through Redis; when its message comes
      // back, the watches it woke are gone, so it wakes no one twice.
      wake(announcement);
      await subscribed;
      await publisher.publish(channel, JSON.stringify(announcement));
    },

    waitFor(groupId, after, timeoutMs, signal) {
      let waiter!: Waiter;
      const result = new Promise<Announcement | null>((resolve) => {
        const timer = setTimeout(() => waiter.settle(null), timeoutMs);
        const onAbort = () => waiter.settle(null);
        waiter = {
          after,
          settle: (announcement) => {
            clearTimeout(timer);
            signal?.removeEventListener("abort", onAbort);
            const group = waiters.get(groupId);
            group?.delete(waiter);
            if (group?.size === 0) waiters.delete(groupId);
            resolve(announcement);
          },
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        const group = waiters.get(groupId) ?? new Set<Waiter>();
        group.add(waiter);
        waiters.set(groupId, group);
      });
      return { ready: subscribed, result, cancel: () => waiter.settle(null) };
    },

    async close() {
      for (const group of waiters.values()) for (const waiter of group) waiter.settle(null);
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}

/**
 * Another process's message, or null when it names no group and number (then there is no one to wake). A
 * revision that is malformed or does not match the group and number is left out, so the woken watch reads
 * the revision from the database rather than answering with the wrong one.
 */
function parseAnnouncement(message: string): Announcement | null {
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    return null;
  }
  const parsed = announcementSchema.omit({ revision: true }).safeParse(value);
  if (!parsed.success) return null;
  const { groupId, number } = parsed.data;
  const revision = configRevisionSchema.safeParse((value as { revision?: unknown }).revision);
  return revision.success && revision.data.groupId === groupId && revision.data.number === number
    ? { groupId, number, revision: revision.data }
    : { groupId, number };
}
