import { copyFile, mkdir, mkdtemp } from "node:fs/promises";
import { createServer } from "node:http";
import { type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "undici";
import { eventually, GatewayProcess, startUpstreams, type Upstream } from "./testing/processes";
import { TestControlPlane } from "./testing/test-control-plane";

const TOKEN = "agent-token-for-tests";
let users: Upstream[] = [];
let controlPlane: TestControlPlane;
let gateway: GatewayProcess;

function config(tag: string, overrides: { strategy?: string; weight?: number; average?: number } = {}) {
  return {
    routes: [
      {
        id: "users",
        match: { pathPrefix: "/api/users" },
        service: "users",
        responseHeaders: { set: { "x-config": tag } },
        rateLimit: { average: overrides.average ?? 100_000, burst: 10_000 },
      },
    ],
    services: {
      users: {
        strategy: overrides.strategy ?? "round_robin",
        targets: users.map((upstream) => ({
          id: upstream.name,
          url: upstream.url,
          weight: overrides.weight ?? 1,
        })),
        healthCheck: { active: { intervalMs: 1_000, timeoutMs: 500 } },
      },
    },
  };
}

const controlPlaneSettings = {
  watchWaitSeconds: 2,
  backoffBaseMs: 50,
  backoffMaxMs: 500,
  heartbeatIntervalMs: 300,
};

async function configTag(): Promise<string | undefined> {
  const response = await request(`${gateway.url}/api/users/1`);
  await response.body.dump();
  return response.statusCode === 200 ? String(response.headers["x-config"]) : undefined;
}

beforeAll(async () => {
  users = await startUpstreams([
    ["users-a", "v1"],
    ["users-b", "v1"],
  ]);
  controlPlane = await new TestControlPlane(TOKEN).start();
  controlPlane.publish(config("rev-1"));
  gateway = await GatewayProcess.start({
    bootstrap: {
      controlPlaneUrl: controlPlane.url,
      agentToken: TOKEN,
      agentId: "edge-1",
      controlPlane: controlPlaneSettings,
    },
  });
});

afterAll(async () => {
  await gateway?.remove();
  await controlPlane?.stop();
  await Promise.all(users.map((upstream) => upstream.stop()));
});

describe("control plane source", () => {
  it("applies the current revision at start, acknowledges it and reports it in heartbeats", async () => {
    expect(await configTag()).toBe("rev-1");
    await eventually(async () => (controlPlane.acks.length > 0 ? true : undefined), 5_000, "the first ack");
    expect(controlPlane.acks[0]).toMatchObject({ revision: 1, status: "applied" });
    const heartbeat = await eventually(
      async () => controlPlane.heartbeats.find((beat) => beat.revisionInUse === 1),
      5_000,
      "a heartbeat with revision 1",
    );
    expect(heartbeat).toMatchObject({ agentId: "edge-1", configSource: "control_plane", lastRejected: null });
    expect(heartbeat.targets.map((target) => target.targetId).sort()).toEqual(["users-a", "users-b"]);
    expect(heartbeat.targets[0]!.breaker.state).toBe("closed");
    // No Redis in this agent's bootstrap: a shared limit would be per agent, and the heartbeat says so.
    expect(heartbeat.sharedRateLimits).toMatchObject({ connection: "not_configured", localFallbacks: 0 });
    expect(controlPlane.protocolErrors).toEqual([]);
  });

  it("picks up a new revision from the blocking watch at once", async () => {
    const number = controlPlane.publish(config("rev-2"));
    await eventually(
      async () => ((await configTag()) === "rev-2" ? true : undefined),
      2_000,
      "revision 2 to serve",
    );
    const ack = await eventually(
      async () => controlPlane.acks.find((a) => a.revision === number),
      2_000,
      "ack of 2",
    );
    expect(ack.status).toBe("applied");
    expect(ack.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("refuses invalid revisions with the field named and keeps serving the previous one", async () => {
    const invalid = [
      { config: config("bad", { strategy: "fastest" }), path: "services.users.strategy" },
      { config: config("bad", { weight: 0 }), path: "services.users.targets" },
      { config: config("bad", { average: -1 }), path: "routes[0].rateLimit.average" },
    ];
    for (const { config: candidate, path } of invalid) {
      const number = controlPlane.publish(candidate);
      const ack = await eventually(
        async () => controlPlane.acks.find((a) => a.revision === number),
        3_000,
        `ack of ${number}`,
      );
      expect(ack.status).toBe("rejected");
      expect(ack.errors?.map((error) => error.path)).toContain(path);
      expect(await configTag()).toBe("rev-2");
    }
    const status = await gateway.status();
    expect(status.revisionInUse).toBe(2);
    expect(status.lastRejected?.errors.map((error) => error.path)).toContain("routes[0].rateLimit.average");
    const heartbeat = await eventually(
      async () => controlPlane.heartbeats.find((beat) => beat.lastRejected?.revision === 5),
      3_000,
      "a heartbeat naming the refused revision",
    );
    expect(heartbeat.revisionInUse).toBe(2);

    const next = controlPlane.publish(config("rev-6"));
    await eventually(
      async () => ((await configTag()) === "rev-6" ? true : undefined),
      3_000,
      "revision 6 to serve",
    );
    expect((await gateway.status()).revisionInUse).toBe(next);
  });

  it("serves the last-known-good revision after a restart while the control plane is down", async () => {
    await gateway.stop();
    const port = controlPlane.port;
    await controlPlane.stop();
    gateway = await GatewayProcess.start({
      dir: gateway.dir,
      bootstrap: {
        controlPlaneUrl: `http://127.0.0.1:${port}`,
        agentToken: TOKEN,
        controlPlane: controlPlaneSettings,
      },
    });
    expect(await configTag()).toBe("rev-6");
    const status = await gateway.status();
    expect(status).toMatchObject({ ready: true, revisionInUse: 6, configSource: "last_known_good" });
    expect(status.controlPlane?.connection).toBe("unreachable");

    // The control plane comes back with a newer revision: the agent reconnects and applies it.
    await controlPlane.start(port);
    controlPlane.publish(config("rev-7"));
    await eventually(
      async () => ((await configTag()) === "rev-7" ? true : undefined),
      5_000,
      "revision 7 after reconnect",
    );
    expect((await gateway.status()).configSource).toBe("control_plane");
  }, 30_000);

  it("sends the next watch once the revision's ack is answered, so the ack never queues behind it", async () => {
    const number = controlPlane.publish(config("rev-ack-first"));
    const rewatch = await eventually(
      async () => controlPlane.events.find((e) => e.kind === "watch" && e.after === number),
      3_000,
      "the watch after the new revision",
    );
    const answered = controlPlane.events.findIndex((e) => e.kind === "ack_answered" && e.revision === number);
    expect(answered).toBeGreaterThanOrEqual(0);
    expect(answered).toBeLessThan(controlPlane.events.indexOf(rewatch));
  });

  it("does not let a slow ack hold the next watch back for more than a second", async () => {
    controlPlane.ackDelayMs = 3_000;
    try {
      const publishedAt = Date.now();
      const slow = controlPlane.publish(config("rev-slow-ack"));
      const rewatch = await eventually(
        async () => controlPlane.events.find((e) => e.kind === "watch" && e.after === slow),
        3_000,
        "the watch after the slowly acknowledged revision",
      );
      expect(rewatch.at - publishedAt).toBeGreaterThanOrEqual(900);
      expect(controlPlane.events.some((e) => e.kind === "ack_answered" && e.revision === slow)).toBe(false);
      controlPlane.publish(config("rev-after-slow-ack"));
      await eventually(
        async () => ((await configTag()) === "rev-after-slow-ack" ? true : undefined),
        3_000,
        "the revision after the slow ack",
      );
    } finally {
      controlPlane.ackDelayMs = 0;
    }
  });

  it("does not wait long for a control plane that accepts connections but never answers", async () => {
    // When the agent's first read reached the control plane: the bound is measured from there, so the
    // time a busy machine takes to start the process does not count.
    let firstReadAt: number | null = null;
    const hanging = createServer(() => {
      firstReadAt ??= Date.now();
    });
    await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", resolve));
    const dir = await mkdtemp(join(tmpdir(), "switchyard-gateway-"));
    await mkdir(join(dir, "state"));
    await copyFile(
      join(gateway.dir, "state", "last-known-good.json"),
      join(dir, "state", "last-known-good.json"),
    );
    const patient = await GatewayProcess.start({
      dir,
      bootstrap: {
        controlPlaneUrl: `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`,
        agentToken: TOKEN,
        controlPlane: { ...controlPlaneSettings, startupTimeoutMs: 500 },
      },
    });
    try {
      // Without the startup timeout the agent would wait for the read's headers timeout (11 s).
      expect(firstReadAt).not.toBeNull();
      expect(Date.now() - firstReadAt!).toBeLessThan(5_000);
      expect(await patient.status()).toMatchObject({ ready: true, configSource: "last_known_good" });
    } finally {
      await patient.remove();
      hanging.close();
      hanging.closeAllConnections();
    }
  });

  it("reports a refused agent token and stays not ready without a revision", async () => {
    const stranger = await GatewayProcess.start({
      bootstrap: {
        controlPlaneUrl: controlPlane.url,
        agentToken: "not-the-right-token",
        controlPlane: controlPlaneSettings,
      },
    });
    try {
      const status = await stranger.status();
      expect(status.ready).toBe(false);
      expect(status.controlPlane?.connection).toBe("unauthorized");
      const response = await request(`${stranger.url}/api/users/1`);
      expect(response.statusCode).toBe(503);
      expect(((await response.body.json()) as { error: { code: string } }).error.code).toBe("not_ready");
      const ready = await request(`${stranger.adminUrl}/readyz`);
      expect(ready.statusCode).toBe(503);
      await ready.body.dump();
    } finally {
      await stranger.remove();
    }
  });
});
