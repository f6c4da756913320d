import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from "@switchyard/test-fixtures";
import {
  commitRevision,
  createRevisionNotifier,
  revisionStatus,
  type RevisionNotifier,
} from "@switchyard/traffic";
import {
  eventually,
  GatewayProcess,
  startUpstreams,
  type Upstream,
} from "../../../gateway/src/testing/processes";
import { startAgentApiServer, type AgentApiServer } from "./testing/agent-api-server";
import { seedAgent } from "./testing/agents";

/**
 * The control plane's agent API (the same handler the web app mounts at /api/agent/v1/*) with a real gateway
 * process talking to it over HTTP, on a real Postgres and Redis: revisions reach the gateway, acks and
 * heartbeats are recorded, an invalid revision is refused and the previous one keeps serving, and an agent
 * that was away gets only the latest revision.
 */

let testDb: TestDatabase;
let redis: TestRedis;
let notifier: RevisionNotifier;
let server: AgentApiServer | undefined;
let controlPlaneUrl = "";
let upstreams: Upstream[] = [];
let gateway: GatewayProcess | undefined;
let token = "";
const ids = { organization: "org-agent-api", group: "", agent: "" };

function config(tag: string, strategy = "round_robin") {
  return {
    routes: [
      {
        id: "users",
        match: { pathPrefix: "/api/users" },
        service: "users",
        responseHeaders: { set: { "x-config": tag } },
      },
    ],
    services: {
      users: { strategy, targets: upstreams.map((u) => ({ id: u.name, url: u.url, weight: 1 })) },
    },
  };
}

async function commit(tag: string, strategy?: string) {
  const latest = await testDb.db.configRevision.findFirst({
    where: { groupId: ids.group },
    orderBy: { number: "desc" },
  });
  const revision = await commitRevision(testDb.db, {
    organizationId: ids.organization,
    groupId: ids.group,
    baseNumber: latest?.number ?? null,
    config: config(tag, strategy),
    message: tag,
    author: null,
  });
  await notifier.announce(ids.group, revision.number);
  return revision;
}

async function servedTag(): Promise<string | undefined> {
  const response = await fetch(`${gateway!.url}/api/users/1`);
  await response.arrayBuffer();
  return response.status === 200 ? (response.headers.get("x-config") ?? undefined) : undefined;
}

const ackFor = (revisionId: string) =>
  testDb.db.configAck.findUnique({ where: { agentId_revisionId: { agentId: ids.agent, revisionId } } });

function startGateway(dir?: string) {
  return GatewayProcess.start({
    ...(dir ? { dir } : {}),
    bootstrap: {
      controlPlaneUrl,
      agentToken: token,
      agentId: "edge-1",
      controlPlane: { watchWaitSeconds: 5, backoffBaseMs: 50, backoffMaxMs: 500, heartbeatIntervalMs: 300 },
    },
  });
}

beforeAll(async () => {
  testDb = await createTestDatabase();
  redis = createTestRedis();
  notifier = createRevisionNotifier({ redisUrl: redis.url, prefix: redis.prefix });
  const { db } = testDb;
  await db.organization.create({ data: { id: ids.organization, name: "Agent API", slug: "agent-api" } });
  const edge = await seedAgent(db, { organizationId: ids.organization, name: "edge-1" });
  token = edge.token;
  Object.assign(ids, { group: edge.groupId, agent: edge.agentId });

  server = await startAgentApiServer({ db, notifier });
  controlPlaneUrl = server.url;
  upstreams = await startUpstreams([
    ["users-a", "v1"],
    ["users-b", "v1"],
  ]);
});

afterAll(async () => {
  await gateway?.remove();
  await Promise.all(upstreams.map((u) => u.stop()));
  await server?.close();
  await notifier?.close();
  await redis?.cleanup();
  await testDb?.drop();
});

describe("agent API with a real gateway", () => {
  it("refuses an unknown token with 401", async () => {
    const response = await fetch(`${controlPlaneUrl}/api/agent/v1/config?after=0&waitSeconds=1`, {
      headers: { authorization: "Bearer sy_agt_not-a-real-token" },
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: "unauthorized" } });
  });

  it("delivers a revision, records the ack with its propagation time, and marks the agent online", async () => {
    const first = await commit("rev-1");
    gateway = await startGateway();
    await eventually(
      async () => ((await servedTag()) === "rev-1" ? true : undefined),
      10_000,
      "rev-1 served",
    );
    const ack = await eventually(() => ackFor(first.id).then((a) => a ?? undefined), 5_000, "ack of rev-1");
    expect(ack).toMatchObject({ status: "applied" });

    const second = await commit("rev-2");
    await eventually(async () => ((await servedTag()) === "rev-2" ? true : undefined), 5_000, "rev-2 served");
    const secondAck = await eventually(
      () => ackFor(second.id).then((a) => a ?? undefined),
      5_000,
      "ack of rev-2",
    );
    // A watch was waiting, so the change arrived without polling: well under the 5 s watch.
    expect(secondAck.propagationMs).toBeLessThan(1_000);

    const agent = await eventually(
      () =>
        testDb.db.agent
          .findUniqueOrThrow({ where: { id: ids.agent } })
          .then((a) =>
            (a.lastHeartbeat as { revisionInUse?: number } | null)?.revisionInUse === 2 ? a : undefined,
          ),
      5_000,
      "a heartbeat reporting revision 2",
    );
    expect(agent).toMatchObject({ status: "ONLINE", appliedRevision: 2, configSource: "control_plane" });
    expect(agent.lastHeartbeat).toMatchObject({ agentId: "edge-1", revisionInUse: 2 });
    const online = await testDb.db.auditEvent.count({
      where: { action: "agent.online", targetId: ids.agent },
    });
    expect(online).toBe(1);
  });

  it("an invalid revision is refused with the field named, and the previous one keeps serving", async () => {
    const bad = await commit("rev-3-bad", "no_such_strategy");
    const ack = await eventually(
      () => ackFor(bad.id).then((a) => a ?? undefined),
      5_000,
      "ack of the bad revision",
    );
    expect(ack.status).toBe("rejected");
    expect(JSON.stringify(ack.errors)).toContain("services.users.strategy");
    expect(await servedTag()).toBe("rev-2");
    const agent = await testDb.db.agent.findUniqueOrThrow({ where: { id: ids.agent } });
    expect(agent.appliedRevision).toBe(2);
    // What the Traffic page shows for that revision: the agent by name, and the field it refused.
    const status = await revisionStatus(testDb.db, bad);
    expect(status).toMatchObject({ total: 1, rejected: 1, converged: false });
    expect(status.agents[0]).toMatchObject({ name: "edge-1", state: "rejected" });
    expect(status.agents[0]?.state === "rejected" && status.agents[0].errors[0]?.path).toBe(
      "services.users.strategy",
    );
  });

  it("an agent that was away applies only the latest revision when it returns", async () => {
    const dir = gateway!.dir;
    await gateway!.stop();
    const missed = [await commit("rev-4"), await commit("rev-5"), await commit("rev-6")];
    gateway = await startGateway(dir);
    await eventually(
      async () => ((await servedTag()) === "rev-6" ? true : undefined),
      10_000,
      "rev-6 served",
    );
    await eventually(() => ackFor(missed[2]!.id).then((a) => a ?? undefined), 5_000, "ack of rev-6");
    expect(await ackFor(missed[0]!.id)).toBeNull();
    expect(await ackFor(missed[1]!.id)).toBeNull();
  });

  it("answers a waiting watch with the revision its announcement carries, without reading it back", async () => {
    const lone = await seedAgent(testDb.db, {
      organizationId: ids.organization,
      groupName: "lone",
      name: "lone-1",
    });
    const watching = fetch(`${controlPlaneUrl}/api/agent/v1/config?after=0&waitSeconds=5`, {
      headers: { authorization: `Bearer ${lone.token}` },
    });
    // Revision 1 of this group exists only in the announcement: a watch that read the database would
    // find nothing and answer 204 when its wait ran out.
    const announced = {
      number: 1,
      groupId: lone.groupId,
      createdAt: new Date().toISOString(),
      config: config("announced-only"),
    };
    // The watch may not be registered yet when the first announcement goes out; announce until it answers.
    const response = await eventually(
      async () => {
        await notifier.announce(lone.groupId, 1, announced);
        return Promise.race([watching, new Promise<undefined>((r) => setTimeout(r, 100, undefined))]);
      },
      5_000,
      "the watch to answer",
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ revision: announced });
  });
});
