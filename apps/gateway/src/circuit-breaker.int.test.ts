import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "undici";
import { eventually, GatewayProcess, Upstream } from "./testing/processes";

let payments: Upstream;
let gateway: GatewayProcess;

beforeAll(async () => {
  payments = await new Upstream("payments-a", "v1").start();
  gateway = await GatewayProcess.start({
    config: {
      routes: [
        {
          id: "payments",
          match: { pathPrefix: "/api/payments" },
          service: "payments",
          retry: { attempts: 1 },
        },
      ],
      services: {
        payments: {
          targets: [{ id: "payments-a", url: payments.url }],
          // Only the breaker decides here: no active checks, no passive ejection.
          healthCheck: { active: { enabled: false }, passive: { enabled: false } },
          circuitBreaker: { consecutiveFailures: 5, openMs: 1_000, halfOpenProbes: 3, successesToClose: 2 },
        },
      },
    },
  });
});

afterAll(async () => {
  await gateway?.remove();
  await payments?.stop();
});

async function get(): Promise<{ status: number; code: string | undefined }> {
  const response = await request(`${gateway.url}/api/payments/1`);
  const body = (await response.body.json()) as { error?: { code: string } };
  return { status: response.statusCode, code: body.error?.code };
}

async function breaker() {
  return (await gateway.status()).targets[0]!.breaker;
}

describe("circuit breaker", () => {
  it("opens after the threshold, probes after the cool-down, and closes once the target recovers", async () => {
    await payments.setFault({ status: 500 });
    for (let i = 0; i < 5; i++) expect((await get()).status).toBe(500);
    expect(await breaker()).toMatchObject({ state: "open", failures: 5, lastFailureReason: "status_500" });

    // Open: refused at the gateway without reaching the target.
    const servedWhileOpen = await payments.served();
    expect(await get()).toEqual({ status: 503, code: "circuit_open" });
    expect(await payments.served()).toBe(servedWhileOpen);

    // After the cool-down a probe goes through; it fails, so the breaker opens again.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await get()).status).toBe(500);
    expect(await payments.served()).toBe(servedWhileOpen + 1);
    expect((await breaker()).state).toBe("open");
    expect(await get()).toEqual({ status: 503, code: "circuit_open" });

    // The target recovers: the next cool-down's probes succeed and close the breaker.
    await payments.setFault({});
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await get()).status).toBe(200);
    expect(await breaker()).toMatchObject({ state: "half_open", successes: 1 });
    expect((await get()).status).toBe(200);
    expect((await breaker()).state).toBe("closed");
    const results = await Promise.all(Array.from({ length: 20 }, get));
    expect(results.every((result) => result.status === 200)).toBe(true);
  }, 30_000);

  it("answers 502 with a JSON body when the only target is down", async () => {
    await payments.stop();
    const response = await request(`${gateway.url}/api/payments/2`);
    const body = (await response.body.json()) as {
      error: { code: string; message: string; requestId: string };
    };
    expect(response.statusCode).toBe(502);
    expect(body.error.code).toBe("upstream_error");
    expect(body.error.message).toContain("connect_error");
    expect(body.error.requestId).toBe(response.headers["x-request-id"]);
    await payments.start();
    await eventually(
      async () => ((await get()).status === 200 ? true : undefined),
      10_000,
      "payments to answer again",
    );
  }, 20_000);
});
