import { describe, expect, it } from "vitest";
import { dashboardUrl, trafficUrl } from "./links";
import {
  buildFiringMessage,
  buildResolvedMessage,
  buildTestMessage,
  parseRetryAfter,
  type AlertMessageInput,
} from "./slack";

const since = new Date("2026-11-21T18:00:00Z");
const base: AlertMessageInput = {
  ruleName: "High error rate",
  severity: "CRITICAL",
  signal: "ERROR_RATE",
  comparison: "ABOVE",
  threshold: 0.05,
  value: 0.231,
  windowSeconds: 30,
  service: "orders",
  route: "POST /orders",
  version: null,
  since,
  dashboardUrl: "https://sy.example/o/acme/services/orders?route=POST+%2Forders",
  alertsUrl: "https://sy.example/o/acme/alerts",
  canary: null,
};
const json = (value: unknown) => JSON.stringify(value);

describe("firing message", () => {
  const message = buildFiringMessage(base, new Date("2026-11-21T18:02:30Z"));

  it("says what, how bad against what threshold, where and since when", () => {
    expect(message.text).toBe(
      "Critical: High error rate — error rate 23.1 % (> 5 %) on orders · POST /orders",
    );
    const body = json(message.blocks);
    expect(body).toContain("*Error rate* is *23.1 %*, threshold > 5 %");
    expect(body).toContain("*Service*\\norders");
    expect(body).toContain("*Route*\\nPOST /orders");
    expect(body).toContain("*Version*\\nall versions");
    expect(body).toContain(`<!date^${since.getTime() / 1000}^`);
    expect(body).toContain("(2 min 30 s)");
    expect(message.blocks[0]).toMatchObject({ type: "header" });
  });

  it("links to the dashboard view and the Alerts page, and nothing about a canary without one", () => {
    const actions = message.blocks.find((block) => block.type === "actions");
    expect(json(actions)).toContain(base.dashboardUrl);
    expect(json(actions)).toContain(base.alertsUrl);
    expect(json(message)).not.toContain("canary");
  });

  it("names both versions and links to the rollback when a canary runs", () => {
    const withCanary = buildFiringMessage({
      ...base,
      canary: {
        groupId: "g1",
        groupName: "edge",
        stableVersion: "v1",
        canaryVersion: "v2",
        percent: 10,
        rollbackUrl: "https://sy.example/o/acme/traffic?group=g1",
      },
    });
    const body = json(withCanary.blocks);
    expect(body).toContain("*v2* takes 10 % of traffic, *v1* the rest");
    expect(body).toContain("Roll back canary");
    expect(body).toContain("https://sy.example/o/acme/traffic?group=g1");
  });

  it("formats latency and agent subjects in their units", () => {
    const latency = buildFiringMessage({ ...base, signal: "P99_LATENCY", threshold: 1000, value: 1520 });
    expect(latency.text).toContain("p99 latency 1.52 s (> 1 s)");
    const agent = buildFiringMessage({
      ...base,
      signal: "AGENT_SILENT",
      threshold: 60,
      value: 95,
      agent: "edge-1",
    });
    expect(agent.text).toContain("on agent edge-1");
    expect(json(agent.blocks)).toContain("*Agent*\\nedge-1");
  });
});

describe("resolved message", () => {
  it("says it is back under the threshold, how long it lasted and the worst value", () => {
    const message = buildResolvedMessage({
      ...base,
      value: 0.01,
      peakValue: 0.4,
      resolvedAt: new Date("2026-11-21T18:05:00Z"),
    });
    expect(message.text).toBe(
      "Resolved: High error rate on orders · POST /orders after 5 min (error rate now 1 %)",
    );
    expect(json(message.blocks)).toContain("It lasted 5 min; worst 40 %");
  });
});

describe("test message", () => {
  it("names the channel and organization", () => {
    const message = buildTestMessage({
      channelName: "#ops",
      organizationName: "Acme",
      alertsUrl: base.alertsUrl,
    });
    expect(message.text).toContain('channel "#ops" of Acme works');
  });
});

describe("parseRetryAfter", () => {
  it("reads seconds and HTTP dates", () => {
    expect(parseRetryAfter("3")).toBe(3000);
    expect(parseRetryAfter("Sat, 21 Nov 2026 18:00:05 GMT", Date.parse("2026-11-21T18:00:00Z"))).toBe(5000);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter("soon")).toBeNull();
  });
});

describe("links", () => {
  it("serialises the dashboard view into the URL", () => {
    expect(
      dashboardUrl({
        publicUrl: "https://sy.example/",
        organizationSlug: "acme",
        service: "orders",
        route: "POST /orders",
        version: "v2",
      }),
    ).toBe("https://sy.example/o/acme/services/orders?route=POST+%2Forders&version=v2");
    expect(
      dashboardUrl({
        publicUrl: "https://sy.example",
        organizationSlug: "acme",
        service: null,
        from: new Date("2026-11-21T18:00:00Z"),
        to: new Date("2026-11-21T19:00:00Z"),
      }),
    ).toBe(
      "https://sy.example/o/acme?range=custom&from=2026-11-21T18%3A00%3A00.000Z&to=2026-11-21T19%3A00%3A00.000Z",
    );
    expect(trafficUrl("https://sy.example", "acme", "g 1")).toBe(
      "https://sy.example/o/acme/traffic?group=g%201",
    );
  });
});
