import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countOf, runLoad } from "./testing/load";
import { eventually, GatewayProcess, startUpstreams, type Upstream } from "./testing/processes";

let users: Upstream[] = [];
let gateway: GatewayProcess;

beforeAll(async () => {
  users = await startUpstreams([
    ["users-a", "v1"],
    ["users-b", "v1"],
  ]);
  gateway = await GatewayProcess.start({
    config: {
      routes: [{ id: "users", match: { pathPrefix: "/api/users" }, service: "users" }],
      services: {
        users: {
          targets: users.map((upstream) => ({ id: upstream.name, url: upstream.url })),
          healthCheck: {
            active: { intervalMs: 500, timeoutMs: 300, unhealthyThreshold: 2, healthyThreshold: 2 },
            passive: { maxFailures: 3, windowMs: 10_000, ejectionMs: 2_000 },
          },
          circuitBreaker: { openMs: 2_000 },
        },
      },
    },
  });
});

afterAll(async () => {
  await gateway?.remove();
  await Promise.all(users.map((upstream) => upstream.stop()));
});

async function targetState(targetId: string) {
  return (await gateway.status()).targets.find((target) => target.targetId === targetId)!;
}

describe("failover", () => {
  it("hides a crashed replica from clients, ejects it, and takes it back when it returns", async () => {
    const [crashing] = users;
    const load = runLoad({
      origin: gateway.url,
      path: "/api/users/42",
      concurrency: 8,
      maxRequests: 200_000,
      maxDurationMs: 14_000,
    });

    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await crashing!.kill();
    const ejected = await eventually(
      async () => {
        const state = await targetState("users-a");
        return state.ejected || !state.healthy ? state : undefined;
      },
      5_000,
      "the crashed replica to be taken out",
    );
    expect(ejected.ejected || !ejected.healthy).toBe(true);

    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await crashing!.start();
    const servedBefore = await crashing!.served();
    await eventually(
      async () => ((await crashing!.served()) > servedBefore + 20 ? true : undefined),
      8_000,
      "the returning replica to take traffic again",
    );
    const back = await targetState("users-a");
    expect(back.healthy).toBe(true);
    expect(back.ejected).toBe(false);

    const result = await load;
    expect(result.clientErrors).toEqual([]);
    expect(countOf(result.byStatus, (status) => status !== 200)).toBe(0);
    expect(result.byStatus.get(200)).toBeGreaterThan(1_000);
  }, 40_000);
});
