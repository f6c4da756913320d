import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { agentApiPaths, configWatchResponseSchema, type Heartbeat } from "@switchyard/contracts";
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from "@switchyard/test-fixtures";
import { createRevisionNotifier, handleAgentRequest, type RevisionNotifier } from "@switchyard/traffic";
import { createApiHarness } from "./test-harness";

/**
 * The Traffic page's rate-limit mutation end to end on the control plane: the new revision is committed,
 * announced through Redis by one web process and handed to an agent's watch held by another, and a bad
 * value is refused naming its field with no revision made.
 */

let testDb: TestDatabase;
let redis: TestRedis;
let announcer: RevisionNotifier;
let agentSide: RevisionNotifier;
let harness: ReturnType<typeof createApiHarness>;
let caller: () => ReturnType<Awaited<ReturnType<typeof harness.signUp>>["caller"]>;
let groupId = "";
let agentToken = "";

const config = {
  routes: [
    {
      id: "orders",
      match: { pathPrefix: "/api/orders" },
      service: "orders",
      rateLimit: { average: 100, burst: 50 },
    },
  ],
  services: { orders: { targets: [{ id: "v1-a", url: "http://127.0.0.1:4301", version: "v1" }] } },
};

function agentRequest(path: string, init: RequestInit = {}) {
  return handleAgentRequest(
    new Request(`http://control-plane${path}`, {
      ...init,
      headers: { authorization: `Bearer ${agentToken}`, "content-type": "application/json" },
    }),
    { db: testDb.db, notifier: agentSide },
  );
}

async function revisionCount() {
  return testDb.db.configRevision.count({ where: { groupId } });
}

beforeAll(async () => {
  testDb = await createTestDatabase();
  redis = createTestRedis();
  announcer = createRevisionNotifier({ redisUrl: redis.url, prefix: redis.prefix });
  agentSide = createRevisionNotifier({ redisUrl: redis.url, prefix: redis.prefix });
  // The web app's announcement: the revision travels in the message, so the woken watch need not read it.
  harness = createApiHarness(testDb.db, {
    publishRevision: async ({ groupId, number, snapshot }) => {
      await announcer.announce(groupId, number, {
        number,
        groupId,
        createdAt: snapshot!.createdAt.toISOString(),
        config: snapshot!.config,
      });
    },
  });
  caller = (await harness.signUpOwner("rita@limits.example", { name: "Limits", slug: "limits" }))
    .inOrganization;
  groupId = (await (await caller()).gatewayGroup.create({ name: "edge" })).id;
  agentToken = (await (await caller()).agent.create({ groupId, name: "gw-1" })).token;
  await (await caller()).traffic.commit({ groupId, baseNumber: null, config, message: "Routes" });
});

afterAll(async () => {
  await Promise.all([announcer?.close(), agentSide?.close()]);
  await redis?.cleanup();
  await testDb?.drop();
});

describe("setting a route's rate limit", () => {
  it("commits a shared per-header limit as a new revision and hands it to a waiting agent", async () => {
    // The agent is already waiting for the revision after 1 when the change is made.
    const watch = agentRequest(`${agentApiPaths.config}?after=1&waitSeconds=10`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const committed = await (
      await caller()
    ).traffic.setRateLimit({
      groupId,
      baseNumber: 1,
      routeId: "orders",
      average: 20,
      burst: 10,
      periodMs: 60_000,
      keyType: "header",
      keyHeader: "X-Tenant",
      shared: true,
    });
    expect(committed.number).toBe(2);

    const expected = {
      average: 20,
      burst: 10,
      periodMs: 60_000,
      key: { type: "header", name: "X-Tenant" },
      shared: true,
    };
    const stored = await testDb.db.configRevision.findUniqueOrThrow({
      where: { groupId_number: { groupId, number: 2 } },
    });
    expect((stored.config as typeof config).routes[0]!.rateLimit).toEqual(expected);
    expect(stored.message).toBe("Rate limit of orders changed");

    const response = await watch;
    expect(response.status).toBe(200);
    const { revision } = configWatchResponseSchema.parse(await response.json());
    expect(revision.number).toBe(2);
    expect((revision.config as typeof config).routes[0]!.rateLimit).toEqual(expected);

    // What the page reads: the effective limit with the header as the agents use it.
    const current = await (await caller()).traffic.current({ groupId });
    expect(current.revision?.effective?.routes[0]?.rateLimit).toEqual({
      ...expected,
      key: { type: "header", name: "x-tenant" },
    });
  });

  it("refuses a header key without a header name, naming the field, and makes no revision", async () => {
    const before = await revisionCount();
    const error = await (
      await caller()
    ).traffic
      .setRateLimit({
        groupId,
        baseNumber: 2,
        routeId: "orders",
        average: 20,
        burst: 0,
        periodMs: 1000,
        keyType: "header",
        keyHeader: "  ",
        shared: true,
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("BAD_REQUEST");
    // The shape forms read (`data.zodError.fieldErrors`): each bad field by name, all at once.
    expect(z.flattenError((error as TRPCError).cause as z.ZodError).fieldErrors).toEqual({
      burst: ["must be greater than 0"],
      keyHeader: ["Name the header to count requests by"],
    });
    expect(await revisionCount()).toBe(before);
  });

  it("removes a limit as a new revision", async () => {
    await (await caller()).traffic.removeRateLimit({ groupId, baseNumber: 2, routeId: "orders" });
    const current = await (await caller()).traffic.current({ groupId });
    expect(current.revision?.number).toBe(3);
    expect(current.revision?.effective?.routes[0]?.rateLimit).toBeUndefined();
  });
});

describe("an agent's shared rate limits", () => {
  const heartbeat = (sharedRateLimits: Heartbeat["sharedRateLimits"]): Heartbeat => ({
    agentId: "gw-1",
    agentVersion: "test",
    hostname: "gw-1.test",
    startedAt: new Date().toISOString(),
    sentAt: new Date().toISOString(),
    revisionInUse: 3,
    configSource: "control_plane",
    lastRejected: null,
    inflightRequests: 0,
    targets: [],
    telemetry: { droppedSpans: 0, failedMetricExports: 0 },
    sharedRateLimits,
  });

  it("shows on the Traffic page when the heartbeat says they fall back to local buckets", async () => {
    const beat = async (status: Heartbeat["sharedRateLimits"]) => {
      const response = await agentRequest(agentApiPaths.heartbeat, {
        method: "POST",
        body: JSON.stringify(heartbeat(status)),
      });
      expect(response.status).toBe(204);
      return (await (await caller()).traffic.current({ groupId })).sharedLimitFallbacks;
    };
    const redisStatus = { sharedDecisions: 10, localFallbacks: 3, lastFallbackAt: null, lastError: null };
    expect(await beat({ ...redisStatus, connection: "connected" })).toEqual([]);
    expect(
      await beat({
        ...redisStatus,
        connection: "unreachable",
        lastError: "connect ECONNREFUSED 127.0.0.1:6390",
      }),
    ).toEqual([
      {
        agentId: expect.any(String),
        name: "gw-1",
        reason: "Redis unreachable (connect ECONNREFUSED 127.0.0.1:6390): limits with its own buckets",
      },
    ]);
    // An agent older than the field says nothing about it, and nothing is claimed for it.
    expect(await beat(undefined)).toEqual([]);
  });
});
