import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "undici";
import { runLoad } from "./testing/load";
import { attributesOf, hex, OtlpReceiver, toNumber } from "./testing/otlp-receiver";
import { eventually, GatewayProcess, startUpstreams, type Upstream } from "./testing/processes";

const TOKEN = "telemetry-test-token";
let fine: Upstream;
let broken: Upstream;
let receiver: OtlpReceiver;
let gateway: GatewayProcess;

function config() {
  return {
    routes: [
      { id: "ok", match: { pathPrefix: "/ok" }, service: "fine" },
      { id: "boom", match: { pathPrefix: "/boom" }, service: "broken" },
    ],
    services: {
      fine: { targets: [{ id: "fine-a", url: fine.url, version: "v1" }] },
      broken: {
        targets: [{ id: "broken-a", url: broken.url, version: "v9" }],
        healthCheck: { passive: { enabled: false } },
        circuitBreaker: { enabled: false },
      },
    },
  };
}

beforeAll(async () => {
  const started = await startUpstreams([
    ["fine-a", "v1"],
    ["broken-a", "v9"],
  ]);
  fine = started[0]!;
  broken = started[1]!;
  await broken.setFault({ status: 500 });
  receiver = await new OtlpReceiver().start();
  gateway = await GatewayProcess.start({
    config: config(),
    bootstrap: {
      agentId: "edge-telemetry",
      agentToken: TOKEN,
      telemetry: {
        otlpEndpoint: receiver.url,
        exportIntervalMs: 500,
        traceSampleRate: 0,
        // Well above what an ordinary request takes on a busy shared machine, so only the requests
        // made slow on purpose count as slow.
        slowRequestMs: 1_000,
      },
    },
  });
});

afterAll(async () => {
  await gateway?.remove();
  await receiver?.stop();
  await Promise.all([fine?.stop(), broken?.stop()]);
});

describe("telemetry export", () => {
  it("exports request counts equal to the requests sent, and spans for every error and slow request", async () => {
    const ok = await runLoad({
      origin: gateway.url,
      path: "/ok/1",
      concurrency: 8,
      maxRequests: 300,
      maxDurationMs: 20_000,
    });
    expect(ok.byStatus.get(200)).toBe(300);
    const errors = await runLoad({
      origin: gateway.url,
      path: "/boom/1",
      concurrency: 4,
      maxRequests: 20,
      maxDurationMs: 20_000,
    });
    expect(errors.byStatus.get(500)).toBe(20);
    const traced = await request(`${gateway.url}/boom/traced`, {
      headers: { traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00" },
    });
    await traced.body.dump();
    const unrouted = await runLoad({
      origin: gateway.url,
      path: "/nowhere",
      concurrency: 1,
      maxRequests: 5,
      maxDurationMs: 5_000,
    });
    expect(unrouted.byStatus.get(404)).toBe(5);
    await fine.setFault({ delayMs: 1_200 });
    const slow = await runLoad({
      origin: gateway.url,
      path: "/ok/slow",
      concurrency: 3,
      maxRequests: 3,
      maxDurationMs: 5_000,
    });
    expect(slow.byStatus.get(200)).toBe(3);
    await fine.setFault({});
    const sent = 300 + 20 + 1 + 5 + 3;

    const counts = await eventually(
      async () => {
        const metric = receiver.latest("switchyard.gateway.requests");
        const points = metric?.sum?.dataPoints ?? [];
        const total = points.reduce((sum, point) => sum + toNumber(point.asInt), 0);
        return total === sent ? points : undefined;
      },
      10_000,
      `exported request count to reach ${sent}`,
    );
    const byKey = new Map(
      counts.map((point) => {
        const a = attributesOf(point.attributes);
        return [
          `${a.route}|${a.service}|${a["target.version"]}|${a["http.status_class"]}`,
          toNumber(point.asInt),
        ];
      }),
    );
    expect(byKey).toEqual(
      new Map([
        ["ok|fine|v1|2xx", 303],
        ["boom|broken|v9|5xx", 21],
        ["none|none|none|4xx", 5],
      ]),
    );
    expect(receiver.latest("switchyard.gateway.requests")?.sum?.isMonotonic).toBe(true);
    const histogram = receiver.latest("switchyard.gateway.request.duration")!.histogram!.dataPoints;
    expect(histogram.reduce((sum, point) => sum + toNumber(point.count), 0)).toBe(sent);
    expect(receiver.latest("switchyard.gateway.telemetry.dropped")).toBeDefined();

    const resource = attributesOf(receiver.metrics.at(-1)!.resourceMetrics[0]!.resource.attributes);
    expect(resource).toMatchObject({
      "service.name": "switchyard-gateway",
      "service.instance.id": "edge-telemetry",
    });
    expect([...receiver.authorizations]).toEqual([`Bearer ${TOKEN}`]);
    expect([...receiver.contentTypes]).toEqual(["application/x-protobuf"]);

    // Sampling is 0%: only the 21 errors and the 3 slow requests have spans.
    const spans = await eventually(
      async () => (receiver.spans().length >= 24 ? receiver.spans() : undefined),
      10_000,
      "24 spans",
    );
    expect(spans).toHaveLength(24);
    const routes = spans.map((span) => attributesOf(span.attributes)["http.route"]);
    expect(routes.filter((route) => route === "boom")).toHaveLength(21);
    expect(routes.filter((route) => route === "ok")).toHaveLength(3);
    const continued = spans.find((span) => hex(span.traceId) === "4bf92f3577b34da6a3ce929d0e0e4736")!;
    expect(hex(continued.parentSpanId)).toBe("00f067aa0ba902b7");
    expect(continued.status?.code).toBe(2);
  }, 40_000);

  it("keeps proxying and counts dropped spans when the collector is unreachable", async () => {
    const deadCollector = await new OtlpReceiver().start();
    const url = deadCollector.url;
    await deadCollector.stop();
    const isolated = await GatewayProcess.start({
      config: config(),
      bootstrap: {
        telemetry: { otlpEndpoint: url, exportIntervalMs: 500, traceSampleRate: 1, maxQueuedSpans: 10 },
      },
    });
    try {
      const result = await runLoad({
        origin: isolated.url,
        path: "/ok/1",
        concurrency: 8,
        maxRequests: 500,
        maxDurationMs: 20_000,
      });
      expect(result.byStatus.get(200)).toBe(500);
      const status = await eventually(
        async () => {
          const current = await isolated.status();
          return current.telemetry.droppedSpans > 0 ? current : undefined;
        },
        10_000,
        "dropped spans to be counted",
      );
      expect(status.telemetry.droppedSpans).toBeGreaterThan(0);
    } finally {
      await isolated.remove();
    }
  }, 30_000);
});
