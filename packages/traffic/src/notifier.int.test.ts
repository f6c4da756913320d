import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConfigRevision } from "@switchyard/contracts";
import { createTestRedis, type TestRedis } from "@switchyard/test-fixtures";
import { createRevisionNotifier, type RevisionNotifier } from "./notifier";

/**
 * Two notifiers on one real Redis play two web processes: the one that commits wakes its own watches at
 * once and everyone else's through pub/sub, with the revision carried along so no watch reads it back.
 */

let redis: TestRedis;
let committer: RevisionNotifier;
let other: RevisionNotifier;

const revision = (number: number, groupId = "group-a"): ConfigRevision => ({
  number,
  groupId,
  createdAt: "2026-11-21T10:00:00.000Z",
  config: { routes: [], services: {}, tag: `rev-${number}` },
});

async function publishRaw(message: string) {
  const client = new Redis(redis.url);
  try {
    await client.publish(`${redis.prefix}:config-revisions`, message);
  } finally {
    client.disconnect();
  }
}

beforeAll(async () => {
  redis = createTestRedis();
  committer = createRevisionNotifier({ redisUrl: redis.url, prefix: redis.prefix });
  other = createRevisionNotifier({ redisUrl: redis.url, prefix: redis.prefix });
  await Promise.all([committer.waitFor("none", 0, 1).ready, other.waitFor("none", 0, 1).ready]);
});

afterAll(async () => {
  await committer?.close();
  await other?.close();
  await redis?.cleanup();
});

describe("revision notifier", () => {
  it("wakes the announcing process's watches before Redis answers, and other processes' through it", async () => {
    const local = committer.waitFor("group-a", 1, 5_000);
    const remote = other.waitFor("group-a", 1, 5_000);
    const announcing = committer.announce("group-a", 2, revision(2));
    const first = await Promise.race([local.result, announcing.then(() => "published")]);
    expect(first).toEqual({ groupId: "group-a", number: 2, revision: revision(2) });
    expect(await remote.result).toEqual({ groupId: "group-a", number: 2, revision: revision(2) });
  });

  it("wakes with the number alone when the announcer sent no revision (the publish job)", async () => {
    const wait = committer.waitFor("group-a", 2, 5_000);
    await other.announce("group-a", 3);
    expect(await wait.result).toEqual({ groupId: "group-a", number: 3 });
  });

  it("leaves watches of other groups, and watches already at that number, waiting", async () => {
    const sameNumber = committer.waitFor("group-a", 4, 300);
    const otherGroup = committer.waitFor("group-b", 0, 300);
    await other.announce("group-a", 4, revision(4));
    expect(await sameNumber.result).toBeNull();
    expect(await otherGroup.result).toBeNull();
  });

  it("ignores a message it cannot read, and drops a revision that does not match its announcement", async () => {
    const wait = committer.waitFor("group-a", 4, 5_000);
    await publishRaw("not json");
    await publishRaw(JSON.stringify({ groupId: "group-a" }));
    await publishRaw(JSON.stringify({ groupId: "group-a", number: 5, revision: revision(6) }));
    // The watch is woken by the number and reads the revision itself instead of trusting the wrong one.
    expect(await wait.result).toEqual({ groupId: "group-a", number: 5 });
  });
});
