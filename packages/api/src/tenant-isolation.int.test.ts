import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@switchyard/test-fixtures";
import { createApiHarness, expectCode } from "./test-harness";

/**
 * Two organizations, A and B, each with an owner. Everything B owns must be invisible and untouchable from
 * A: every procedure that takes an id is called with B's ids while acting in A, and with A's slug by a
 * user who is not a member of A.
 */

let testDb: TestDatabase;
let harness: ReturnType<typeof createApiHarness>;
let alice: Awaited<ReturnType<ReturnType<typeof createApiHarness>["signUp"]>>;
let bob: typeof alice;
const ids = { groupB: "", agentB: "", memberB: "", invitationB: "" };

beforeAll(async () => {
  testDb = await createTestDatabase();
  harness = createApiHarness(testDb.db);
  alice = await harness.signUpOwner("alice@a.example", { name: "Org A", slug: "org-a" });
  bob = await harness.signUpOwner("bob@b.example", { name: "Org B", slug: "org-b" });

  const inB = await bob.caller("org-b");
  const group = await inB.gatewayGroup.create({ name: "edge-b" });
  const agent = await inB.agent.create({ groupId: group.id, name: "gw-b-1" });
  const invitation = await inB.member.invite({ email: "carol@b.example", role: "viewer" });
  const [member] = await inB.member.list();
  Object.assign(ids, { groupB: group.id, agentB: agent.id, memberB: member!.id, invitationB: invitation.id });
});

afterAll(async () => {
  await testDb?.drop();
});

describe("tenant isolation", () => {
  it("a member of A sees none of B's groups, agents or audit events in lists", async () => {
    const inA = await alice.caller("org-a");
    expect(await inA.gatewayGroup.list()).toEqual([]);
    expect(await inA.agent.list({})).toEqual([]);
    const audit = await inA.audit.list({ limit: 200 });
    expect(audit.events.every((e) => e.targetLabel !== "edge-b" && e.targetLabel !== "gw-b-1")).toBe(true);
    expect(await inA.member.list()).toHaveLength(1);
  });

  it("every procedure that takes an id answers 404 for B's ids when acting in A", async () => {
    const inA = await alice.caller("org-a");
    await expectCode(inA.gatewayGroup.byId({ id: ids.groupB }), "NOT_FOUND");
    await expectCode(inA.gatewayGroup.delete({ id: ids.groupB }), "NOT_FOUND");
    await expectCode(inA.agent.byId({ id: ids.agentB }), "NOT_FOUND");
    await expectCode(inA.agent.revoke({ id: ids.agentB }), "NOT_FOUND");
    await expectCode(inA.agent.create({ groupId: ids.groupB, name: "sneaky" }), "NOT_FOUND");
    expect(await inA.agent.list({ groupId: ids.groupB })).toEqual([]);
    await expectCode(inA.member.updateRole({ memberId: ids.memberB, role: "viewer" }), "NOT_FOUND");
    await expectCode(inA.member.remove({ id: ids.memberB }), "NOT_FOUND");
    await expectCode(inA.member.cancelInvitation({ id: ids.invitationB }), "NOT_FOUND");
    await expectCode(inA.member.invitation({ id: ids.invitationB }), "NOT_FOUND");
    await expectCode(inA.member.acceptInvitation({ id: ids.invitationB }), "NOT_FOUND");

    // Nothing of B's changed.
    const inB = await bob.caller("org-b");
    expect((await inB.agent.byId({ id: ids.agentB })).revokedAt).toBeNull();
    expect(await inB.gatewayGroup.byId({ id: ids.groupB })).toMatchObject({ name: "edge-b" });
    expect(await inB.member.list()).toHaveLength(1);
    expect(await inB.member.invitations()).toHaveLength(1);
  });

  it("naming B's slug as a non-member is a 404 for every organization procedure", async () => {
    const asAliceInB = await alice.caller("org-b");
    await expectCode(asAliceInB.organization.current(), "NOT_FOUND");
    await expectCode(asAliceInB.gatewayGroup.list(), "NOT_FOUND");
    await expectCode(asAliceInB.gatewayGroup.byId({ id: ids.groupB }), "NOT_FOUND");
    await expectCode(asAliceInB.agent.list({}), "NOT_FOUND");
    await expectCode(asAliceInB.agent.byId({ id: ids.agentB }), "NOT_FOUND");
    await expectCode(asAliceInB.audit.list({ limit: 10 }), "NOT_FOUND");
    await expectCode(asAliceInB.member.list(), "NOT_FOUND");
    await expectCode(asAliceInB.gatewayGroup.create({ name: "intruder" }), "NOT_FOUND");
  });

  it("an unknown organization slug is a 404, not a crash", async () => {
    const caller = await alice.caller("no-such-org");
    await expectCode(caller.organization.current(), "NOT_FOUND");
  });

  it("unauthenticated calls get 401 on every protected procedure", async () => {
    const anon = await harness.anonymous("org-a");
    await expectCode(anon.viewer.me(), "UNAUTHORIZED");
    await expectCode(anon.organization.current(), "UNAUTHORIZED");
    await expectCode(anon.gatewayGroup.list(), "UNAUTHORIZED");
    await expectCode(anon.agent.list({}), "UNAUTHORIZED");
    await expectCode(anon.audit.list({ limit: 10 }), "UNAUTHORIZED");
    await expectCode(anon.member.list(), "UNAUTHORIZED");
    await expectCode(anon.gatewayGroup.create({ name: "x-group" }), "UNAUTHORIZED");
  });
});

describe("roles", () => {
  it("a viewer can read but every admin mutation answers 403", async () => {
    const inA = await alice.caller("org-a");
    const group = await inA.gatewayGroup.create({ name: "edge-a" });
    const { id: invitationId } = await inA.member.invite({ email: "vera@a.example", role: "viewer" });
    const vera = await harness.signUp("vera@a.example");
    await (await vera.caller()).member.acceptInvitation({ id: invitationId });

    const asViewer = await vera.caller("org-a");
    expect(await asViewer.gatewayGroup.list()).toHaveLength(1);
    await expectCode(asViewer.agent.create({ groupId: group.id, name: "gw-a-1" }), "FORBIDDEN");
    await expectCode(asViewer.gatewayGroup.create({ name: "edge-a2" }), "FORBIDDEN");
    await expectCode(asViewer.member.invite({ email: "x@a.example", role: "viewer" }), "FORBIDDEN");
    await expectCode(asViewer.member.invitations(), "FORBIDDEN");
  });

  it("agent tokens are shown once and stored only as a hash; revoking is audited", async () => {
    const inA = await alice.caller("org-a");
    const [group] = await inA.gatewayGroup.list();
    const created = await inA.agent.create({ groupId: group!.id, name: "gw-a-2" });
    expect(created.token).toMatch(/^sy_agt_/);
    expect(created.startCommand).toContain(created.token);
    const row = await testDb.db.agent.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.tokenHash).not.toContain(created.token);
    expect(JSON.stringify(await inA.agent.byId({ id: created.id }))).not.toContain(created.token);
    await inA.agent.revoke({ id: created.id });
    const actions = (await inA.audit.list({ limit: 50 })).events.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["agent.create", "agent.revoke", "gateway_group.create"]));
  });
});

describe("bad input", () => {
  it("names the field", async () => {
    const inA = await alice.caller("org-a");
    const error = await inA.gatewayGroup.create({ name: "" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("BAD_REQUEST");
    expect((error as TRPCError).message).toContain("name");
    await expectCode(
      (await alice.caller()).organization.create({ name: "Bad", slug: "Not A Slug" }),
      "BAD_REQUEST",
    );
  });
});
