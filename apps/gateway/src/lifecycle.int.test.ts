import { once } from "node:events";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "undici";
import { eventually, GatewayProcess, Upstream } from "./testing/processes";

let upstream: Upstream;
let gateway: GatewayProcess;

beforeAll(async () => {
  upstream = await new Upstream("slow-a", "v1").start();
  gateway = await GatewayProcess.start({
    config: {
      routes: [
        {
          id: "slow",
          match: { pathPrefix: "/slow" },
          service: "slow",
          timeoutMs: 500,
          retry: { attempts: 1 },
        },
        { id: "fast", match: { pathPrefix: "/fast" }, service: "slow" },
        { id: "stream", match: { pathPrefix: "/stream" }, service: "slow" },
      ],
      services: {
        slow: { targets: [{ id: "slow-a", url: upstream.url }], healthCheck: { active: { enabled: false } } },
      },
    },
    bootstrap: { accessLog: { enabled: true } },
  });
});

afterAll(async () => {
  await gateway?.remove();
  await upstream?.stop();
});

async function expectNothingInFlight(): Promise<void> {
  const status = await eventually(
    async () => {
      const current = await gateway.status();
      return current.inflightRequests === 0 && current.targets.every((target) => target.inflight === 0)
        ? current
        : undefined;
    },
    3_000,
    "no request in flight",
  );
  expect(status.inflightRequests).toBe(0);
}

describe("admin endpoints, timeouts, access log, client behaviour and drain", () => {
  it("answers /healthz, /readyz and /status", async () => {
    const health = await request(`${gateway.adminUrl}/healthz`);
    expect(await health.body.json()).toEqual({ status: "ok" });
    const ready = await request(`${gateway.adminUrl}/readyz`);
    expect(ready.statusCode).toBe(200);
    await ready.body.dump();
    const status = await gateway.status();
    expect(status.targets.map((target) => target.targetId)).toEqual(["slow-a"]);
  });

  it("times out with a JSON 504 and answers unknown paths with a JSON 404", async () => {
    await upstream.setFault({ delayMs: 1_500 });
    const slow = await request(`${gateway.url}/slow/1`);
    expect(slow.statusCode).toBe(504);
    expect(((await slow.body.json()) as { error: { code: string } }).error.code).toBe("upstream_timeout");
    await upstream.setFault({});
    const missing = await request(`${gateway.url}/nowhere`);
    expect(missing.statusCode).toBe(404);
    expect(((await missing.body.json()) as { error: { code: string } }).error.code).toBe("no_route");
  });

  it("writes one structured access log line per request", async () => {
    const response = await request(`${gateway.url}/fast/log-me?q=1`, {
      headers: { "x-request-id": "log-line-1" },
    });
    await response.body.dump();
    const line = await new Promise<string | undefined>((resolve) => {
      const deadline = Date.now() + 3_000;
      const poll = () => {
        const found = gateway.lines.find((text) => text.includes('"requestId":"log-line-1"'));
        if (found !== undefined || Date.now() > deadline) resolve(found);
        else setTimeout(poll, 50);
      };
      poll();
    });
    expect(JSON.parse(line!)).toMatchObject({
      requestId: "log-line-1",
      method: "GET",
      path: "/fast/log-me",
      query: "?q=1",
      status: 200,
      route: "fast",
      service: "slow",
      target: "slow-a",
      attempts: 1,
      error: null,
    });
  });

  it("streams a large body to a slow reader without losing or stalling it", async () => {
    const socket = connect(gateway.proxyPort, "127.0.0.1");
    await once(socket, "connect");
    socket.pause();
    socket.write("GET /stream/big?kb=8192 HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
    // The client reads nothing for a while: the gateway must hold back (not buffer 8 MiB), then resume.
    await new Promise((resolve) => setTimeout(resolve, 500));
    let received = 0;
    socket.on("data", (chunk: Buffer) => (received += chunk.length));
    socket.resume();
    await once(socket, "end");
    expect(received).toBeGreaterThan(8 * 1024 * 1024);
    await expectNothingInFlight();
  }, 15_000);

  it("abandons the upstream request when the client goes away", async () => {
    await upstream.setFault({ delayMs: 3_000 });
    const socket = connect(gateway.proxyPort, "127.0.0.1");
    await once(socket, "connect");
    socket.write("GET /fast/abandoned HTTP/1.1\r\nHost: test\r\n\r\n");
    await eventually(
      async () => ((await gateway.status()).inflightRequests === 1 ? true : undefined),
      2_000,
      "the request to be in flight",
    );
    socket.destroy();
    // Well before the upstream would answer, the gateway has let the request go.
    const status = await eventually(
      async () => {
        const current = await gateway.status();
        return current.inflightRequests === 0 && current.targets[0]!.inflight === 0 ? current : undefined;
      },
      1_500,
      "the abandoned request to be cancelled",
    );
    expect(status.inflightRequests).toBe(0);
    await upstream.setFault({});
  });

  it("forgets pipelined requests whose client went away", async () => {
    await upstream.setFault({ delayMs: 300 });
    const socket = connect(gateway.proxyPort, "127.0.0.1");
    await once(socket, "connect");
    socket.write("GET /fast/a HTTP/1.1\r\nHost: test\r\n\r\nGET /fast/b HTTP/1.1\r\nHost: test\r\n\r\n");
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 600));
    await upstream.setFault({});
    await expectNothingInFlight();
  });

  it("drains on SIGTERM: the in-flight request completes, then the process exits cleanly", async () => {
    await upstream.setFault({ delayMs: 1_000 });
    const inflight = request(`${gateway.url}/fast/long`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const exited = gateway.stop();
    const response = await inflight;
    expect(response.statusCode).toBe(200);
    expect(response.headers.connection).toBe("close");
    await response.body.dump();
    expect(await exited).toBe(0);
    await upstream.setFault({});
  });
});
