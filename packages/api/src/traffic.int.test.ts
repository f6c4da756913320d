import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@switchyard/test-fixtures";
import { createApiHarness, type HarnessOwner } from "./test-harness";

let testDb: TestDatabase;
let harness: ReturnType<typeof createApiHarness>;
let owner: HarnessOwner;
let groupId = "";

const config = {
  routes: [
    {
      id: "orders",
      match: { pathPrefix: "/api/orders" },
      service: "orders",
      rateLimit: { average: 100, burst: 50 },
    },
  ],
  services: {
    orders: {
      targets: [
        { id: "v1-a", url: "http://127.0.0.1:4301", version: "v1" },
        { id: "v2-a", url: "http://127.0.0.1:4311", version: "v2" },
      ],
      split: { stableVersion: "v1", canaryVersion: "v2", canaryPercent: 0 },
    },
  },
};

async function expectError(promise: Promise<unknown>, code: TRPCError["code"], message?: RegExp) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  expect((error as TRPCError).code).toBe(code);
  if (message) expect((error as TRPCError).message).toMatch(message);
}

beforeAll(async () => {
  testDb = await createTestDatabase();
  harness = createApiHarness(testDb.db);
  owner = await harness.signUpOwner("olive@traffic.example", { name: "Traffic", slug: "traffic" });
  groupId = (await (await owner.caller("traffic")).gatewayGroup.create({ name: "edge" })).id;
});

afterAll(() => testDb?.drop());

describe("traffic revisions", () => {
  it("commits the first configuration and announces it to the group's agents", async () => {
    const inOrg = await owner.caller("traffic");
    const first = await inOrg.traffic.commit({
      groupId,
      baseNumber: null,
      config,
      message: "Initial routes",
    });
    expect(first.number).toBe(1);
    // The configuration travels with the announcement, so the agents' watches need not read it back.
    expect(harness.published).toContainEqual(
      expect.objectContaining({ groupId, number: 1, snapshot: { createdAt: first.createdAt, config } }),
    );
    const current = await inOrg.traffic.current({ groupId });
    expect(current.revision).toMatchObject({
      number: 1,
      message: "Initial routes",
      authorLabel: "olive@traffic.example",
    });
    // Defaults the agent will apply are visible, e.g. the route timeout.
    expect(current.revision?.effective?.routes[0]?.timeoutMs).toBe(30_000);
  });

  it("refuses an invalid configuration with the field named and writes nothing", async () => {
    const inOrg = await owner.caller("traffic");
    const broken = { ...config, services: { orders: { ...config.services.orders, strategy: "fastest" } } };
    await expectError(
      inOrg.traffic.commit({ groupId, baseNumber: 1, config: broken }),
      "BAD_REQUEST",
      /services\.orders\.strategy/,
    );
    await expectError(
      inOrg.traffic.setCanary({ groupId, baseNumber: 1, serviceId: "orders", canaryPercent: 130 }),
      "BAD_REQUEST",
      /canaryPercent/,
    );
    expect((await inOrg.traffic.current({ groupId })).revision?.number).toBe(1);
  });

  it("moves the canary, and a second person editing the same revision gets a conflict", async () => {
    const inOrg = await owner.caller("traffic");
    expect(
      (await inOrg.traffic.setCanary({ groupId, baseNumber: 1, serviceId: "orders", canaryPercent: 30 }))
        .number,
    ).toBe(2);
    await expectError(
      inOrg.traffic.setCanary({ groupId, baseNumber: 1, serviceId: "orders", canaryPercent: 50 }),
      "CONFLICT",
      /made on revision 1, but the group is now at revision 2/,
    );
    const diff = await inOrg.traffic.diff({ groupId, from: 1, to: 2 });
    expect(diff.filter((line) => line.kind !== "same").map((line) => line.text.trim())).toEqual([
      '"canaryPercent": 0,',
      '"canaryPercent": 30,',
    ]);
  });

  it("reverts to an earlier revision as a new revision, with weights and rate limits editable", async () => {
    const inOrg = await owner.caller("traffic");
    const reverted = await inOrg.traffic.revert({ groupId, baseNumber: 2, toNumber: 1 });
    expect(reverted.number).toBe(3);
    const current = await inOrg.traffic.current({ groupId });
    expect(current.revision?.config).toEqual(config);
    expect(current.revision?.message).toBe("Reverted to revision 1");
    await inOrg.traffic.setWeights({ groupId, baseNumber: 3, serviceId: "orders", weights: { "v1-a": 3 } });
    await inOrg.traffic.removeRateLimit({ groupId, baseNumber: 4, routeId: "orders" });
    const timeline = await inOrg.traffic.revisions({ groupId, limit: 10 });
    expect(timeline.map((r) => r.number)).toEqual([5, 4, 3, 2, 1]);
    const audit = await inOrg.audit.list({ limit: 50, action: "config.revision_commit" });
    expect(audit.events).toHaveLength(5);
  });

  it("reports propagation per agent: applied, pending and offline", async () => {
    const inOrg = await owner.caller("traffic");
    const [a, b, c] = await Promise.all(
      ["gw-1", "gw-2", "gw-3"].map((name) => inOrg.agent.create({ groupId, name })),
    );
    const latest = await testDb.db.configRevision.findFirstOrThrow({
      where: { groupId },
      orderBy: { number: "desc" },
    });
    await testDb.db.agent.update({
      where: { id: a!.id },
      data: { status: "ONLINE", appliedRevision: latest.number },
    });
    await testDb.db.agent.update({ where: { id: b!.id }, data: { status: "ONLINE" } });
    await testDb.db.configAck.create({
      data: {
        organizationId: latest.organizationId,
        agentId: a!.id,
        revisionId: latest.id,
        status: "applied",
        appliedAt: new Date(),
        propagationMs: 84,
      },
    });
    const { revision } = await inOrg.traffic.current({ groupId });
    expect(revision?.status).toMatchObject({
      total: 3,
      applied: 1,
      pending: 1,
      offline: 1,
      slowestMs: 84,
      converged: false,
    });
    expect(revision?.status.agents.find((agent) => agent.agentId === c!.id)?.state).toBe("offline");
  });

  it("a viewer reads but cannot change traffic, and other organizations see nothing", async () => {
    const { id } = await (
      await owner.caller("traffic")
    ).member.invite({ email: "vic@traffic.example", role: "viewer" });
    const viewer = await harness.signUp("vic@traffic.example");
    await (await viewer.caller()).member.acceptInvitation({ id });
    const asViewer = await viewer.caller("traffic");
    expect((await asViewer.traffic.current({ groupId })).revision?.number).toBe(5);
    await expectError(
      asViewer.traffic.setCanary({ groupId, baseNumber: 5, serviceId: "orders", canaryPercent: 10 }),
      "FORBIDDEN",
    );
    await expectError(asViewer.traffic.revert({ groupId, baseNumber: 5, toNumber: 1 }), "FORBIDDEN");

    const stranger = await harness.signUpOwner("sam@elsewhere.example", {
      name: "Elsewhere",
      slug: "elsewhere",
    });
    const inOther = await stranger.inOrganization();
    await expectError(inOther.traffic.current({ groupId }), "NOT_FOUND");
    await expectError(inOther.traffic.revisions({ groupId, limit: 5 }), "NOT_FOUND");
    await expectError(inOther.traffic.diff({ groupId, from: 1, to: 2 }), "NOT_FOUND");
    await expectError(
      inOther.traffic.setCanary({ groupId, baseNumber: 5, serviceId: "orders", canaryPercent: 10 }),
      "NOT_FOUND",
    );
  });
});
