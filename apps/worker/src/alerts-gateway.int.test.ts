import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSlackReceiver, type SlackReceiver } from "@switchyard/alerting/testing";
import {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from "@switchyard/test-fixtures";
import { clearFaults, demoGatewayConfig, setFaults, startShop, USERS, type Shop } from "../../demo/src/index";
import { runLoad } from "../../gateway/src/testing/load";
import { GatewayProcess } from "../../gateway/src/testing/processes";
import { seedAgent } from "../../web/src/server/testing/agents";
import { startIngestServer, type IngestServer } from "../../web/src/server/testing/ingest-harness";
import type { WorkerRuntime } from "./runtime";
import { createRule, seedAlertingOrganization, testAuthSecret } from "./testing/alerting";
import { startTestWorker } from "./testing/worker";

/**
 * Alerting end to end over real processes: the demo shop behind a real gateway that exports its metrics to
 * the real ingest, the real worker writing rollups and evaluating rules every 10 s, and a local stand-in for
 * Slack's webhook. Errors injected into the users service make the rule fire and the message arrive;
 * recovery sends exactly one resolved message.
 */

let testDb: TestDatabase;
let redis: TestRedis;
let ingest: IngestServer | undefined;
let worker: WorkerRuntime | undefined;
let receiver: SlackReceiver | undefined;
let shop: Shop | undefined;
let gateway: GatewayProcess | undefined;
let stopLoad = false;
let load: Promise<void> | undefined;
const authSecret = testAuthSecret();

beforeAll(async () => {
  testDb = await createTestDatabase();
  redis = createTestRedis();
  receiver = await startSlackReceiver();
  const { organization, channel } = await seedAlertingOrganization(testDb.db, {
    slug: "shop",
    webhookUrl: receiver.url,
    authSecret,
  });
  const { token: agentToken } = await seedAgent(testDb.db, {
    organizationId: organization.id,
    name: "edge-1",
  });
  await createRule(testDb.db, {
    organizationId: organization.id,
    name: "Users failing",
    service: "users",
    signal: "ERROR_RATE",
    comparison: "ABOVE",
    threshold: 0.05,
    windowSeconds: 30,
    forSeconds: 0,
    severity: "CRITICAL",
    channelIds: [channel.id],
  });
  ingest = await startIngestServer(testDb, redis);
  worker = await startTestWorker(testDb, redis, { authSecret, publicUrl: "http://sy.test" });
  shop = await startShop({ ports: "ephemeral", onLog: () => undefined });
  const config = demoGatewayConfig(shop.instances);
  // Every injected error reaches the client and the metrics (no ejection, no breaker turning them into 503s).
  Object.assign(config.services.users, {
    healthCheck: { passive: { enabled: false } },
    circuitBreaker: { enabled: false },
  });
  gateway = await GatewayProcess.start({
    config,
    bootstrap: {
      agentId: "edge-1",
      agentToken,
      telemetry: { otlpEndpoint: ingest.url, exportIntervalMs: 1_000, traceSampleRate: 0 },
    },
  });
  load = steadyLoad(gateway.url);
}, 180_000);

afterAll(async () => {
  stopLoad = true;
  await load;
  await gateway?.remove();
  await shop?.stop();
  await worker?.close();
  await ingest?.close();
  await receiver?.close();
  await redis?.cleanup();
  await testDb?.drop();
});

/** About 20 requests a second to the users service until the suite ends. */
async function steadyLoad(origin: string) {
  while (!stopLoad) {
    await runLoad({
      origin,
      path: `/api/users/${USERS[0]!.id}`,
      concurrency: 2,
      maxRequests: 10,
      maxDurationMs: 2_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

const users = () => shop!.instances.filter((instance) => instance.service === "users");
const texts = () => receiver!.requests.map((request) => request.body.text);

describe("alerting through the gateway", () => {
  it("fires on injected errors, resolves once after recovery, and never sends a duplicate", async () => {
    // Healthy traffic first: nothing fires.
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    expect(receiver!.requests).toHaveLength(0);

    await Promise.all(users().map((instance) => setFaults(instance.url, { errorRate: 1, errorStatus: 500 })));
    const [firing] = await receiver!.waitForRequests(1, 60_000);
    expect(firing!.body.text).toMatch(
      /^Critical: Users failing — error rate \d+(\.\d+)? % \(> 5 %\) on users$/,
    );
    const blocks = JSON.stringify(firing!.body.blocks);
    expect(blocks).toContain("http://sy.test/o/shop/services/users");
    expect(blocks).toContain("http://sy.test/o/shop/alerts");

    await Promise.all(users().map((instance) => clearFaults(instance.url)));
    // The 30 s window has to drain the errors, then the value has to stay clear for 10 s.
    const [, resolved] = await receiver!.waitForRequests(2, 90_000);
    expect(resolved!.body.text).toMatch(/^Resolved: Users failing on users after /);

    // Two more evaluations: still exactly one firing and one resolved message.
    await new Promise((resolve) => setTimeout(resolve, 22_000));
    expect(texts()).toEqual([firing!.body.text, resolved!.body.text]);
    expect(receiver!.requests.map((request) => request.status)).toEqual([200, 200]);

    const incidents = await testDb.db.incident.findMany({ include: { events: { orderBy: { at: "asc" } } } });
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ subject: "users", state: "RESOLVED", openKey: null });
    expect(incidents[0]!.peakValue).toBeGreaterThan(0.05);
    expect(incidents[0]!.events.map((event) => event.kind)).toEqual([
      "pending",
      "firing",
      "notified",
      "resolved",
      "notified",
    ]);
    const notifications = await testDb.db.notification.findMany({ orderBy: { createdAt: "asc" } });
    expect(notifications.map((n) => [n.kind, n.state, n.attempts])).toEqual([
      ["firing", "sent", 1],
      ["resolved", "sent", 1],
    ]);
  }, 240_000);
});
