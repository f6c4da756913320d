import { Redis } from "ioredis";

/**
 * Tells every control-plane process that a group has a new revision, so watches held open by any of them
 * answer at once. One Redis subscriber per process; waiters are kept in memory by group.
 */
export interface RevisionNotifier {
  /** Announces a revision to every process (including this one). */
  announce(groupId: string, number: number): Promise<void>;
  /**
   * Resolves true when a revision above `after` is announced for the group, false when `timeoutMs` passes or
   * `signal` aborts first. Register before reading the database so an announcement in between is not missed.
   */
  waitFor(groupId: string, after: number, timeoutMs: number, signal?: AbortSignal): RevisionWait;
  close(): Promise<void>;
}

export interface RevisionWait {
  /** Rejects when Redis cannot be reached; the caller then has to look for new revisions itself. */
  ready: Promise<void>;
  result: Promise<boolean>;
  cancel(): void;
}

interface Waiter {
  after: number;
  settle: (announced: boolean) => void;
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

  subscriber.on("message", (_channel: string, message: string) => {
    const { groupId, number } = JSON.parse(message) as { groupId: string; number: number };
    for (const waiter of waiters.get(groupId) ?? []) if (number > waiter.after) waiter.settle(true);
  });

  return {
    async announce(groupId, number) {
      await subscribed;
      await publisher.publish(channel, JSON.stringify({ groupId, number }));
    },

    waitFor(groupId, after, timeoutMs, signal) {
      let waiter!: Waiter;
      const result = new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => waiter.settle(false), timeoutMs);
        const onAbort = () => waiter.settle(false);
        waiter = {
          after,
          settle: (announced) => {
            clearTimeout(timer);
            signal?.removeEventListener("abort", onAbort);
            const group = waiters.get(groupId);
            group?.delete(waiter);
            if (group?.size === 0) waiters.delete(groupId);
            resolve(announced);
          },
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        const group = waiters.get(groupId) ?? new Set<Waiter>();
        group.add(waiter);
        waiters.set(groupId, group);
      });
      return { ready: subscribed, result, cancel: () => waiter.settle(false) };
    },

    async close() {
      for (const group of waiters.values()) for (const waiter of group) waiter.settle(false);
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}
