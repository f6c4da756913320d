import { randomBytes } from "node:crypto";
import { demoGatewayConfig, startShop } from "@switchyard/demo";
import { createDb } from "@switchyard/db";
import { generateIngestKey } from "@switchyard/ingest";
import { commitRevision, hashAgentToken } from "@switchyard/traffic";
import { GatewayProcess } from "../../apps/gateway/src/testing/processes";

export interface DemoStackInfo {
  groupId: string;
  gateways: Array<{ name: string; url: string }>;
  /** Every shop replica, e.g. for fault injection through its admin endpoint. */
  instances: Array<{ id: string; service: string; version: string; url: string }>;
}

/**
 * The demo shop (every replica a process) behind two real gateway agents of the demo organization's "edge"
 * group, which get their configuration from the control plane under test: revision 1 holds the demo routes
 * with the orders canary at 0%. The shop's services send their traces to the control plane with an ingest key
 * and the gateways keep every trace, so the service map can be drawn from real traffic.
 */
export async function startDemoStack(options: { databaseUrl: string; controlPlaneUrl: string }) {
  const db = createDb(options.databaseUrl);
  const organization = await db.organization.findUniqueOrThrow({ where: { slug: "demo" } });
  const ingestKey = generateIngestKey();
  await db.ingestKey.create({
    data: {
      organizationId: organization.id,
      name: "demo shop (e2e)",
      keyHash: ingestKey.hash,
      keyPrefix: ingestKey.displayPrefix,
    },
  });
  const shop = await startShop({
    ports: "ephemeral",
    onLog: () => undefined,
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: options.controlPlaneUrl,
      OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer ${ingestKey.key}`,
    },
  });
  const gateways: GatewayProcess[] = [];
  try {
    const group = await db.gatewayGroup.create({
      data: {
        organizationId: organization.id,
        name: "edge",
        description: "Two gateways in front of the demo shop",
      },
    });
    await commitRevision(db, {
      organizationId: organization.id,
      groupId: group.id,
      baseNumber: null,
      config: demoGatewayConfig(shop.instances),
      message: "Demo routes",
      author: null,
    });
    for (const name of ["gateway-a", "gateway-b"]) {
      const token = `sy_agt_${randomBytes(32).toString("base64url")}`;
      await db.agent.create({
        data: {
          organizationId: organization.id,
          groupId: group.id,
          name,
          tokenHash: hashAgentToken(token),
          tokenPrefix: token.slice(0, 13),
        },
      });
      gateways.push(
        await GatewayProcess.start({
          bootstrap: {
            agentId: name,
            controlPlaneUrl: options.controlPlaneUrl,
            agentToken: token,
            telemetry: { traceSampleRate: 1, exportIntervalMs: 2_000 },
          },
        }),
      );
    }
    for (const gateway of gateways) {
      const deadline = Date.now() + 20_000;
      while (
        !(await fetch(`${gateway.adminUrl}/readyz`).then(
          (r) => r.ok,
          () => false,
        ))
      ) {
        if (Date.now() > deadline) throw new Error(`gateway on ${gateway.url} did not become ready`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const info: DemoStackInfo = {
      groupId: group.id,
      gateways: gateways.map((gateway, index) => ({
        name: ["gateway-a", "gateway-b"][index]!,
        url: gateway.url,
      })),
      instances: shop.instances.map(({ id, service, version, url }) => ({ id, service, version, url })),
    };
    return {
      info,
      async stop() {
        await Promise.all(gateways.map((gateway) => gateway.remove()));
        await shop.stop();
        await db.$disconnect();
      },
    };
  } catch (error) {
    await Promise.all(gateways.map((gateway) => gateway.remove()));
    await shop.stop();
    await db.$disconnect();
    throw error;
  }
}

/** What the tests read: set by the global setup in the environment the workers inherit. */
export function demoStack(): DemoStackInfo {
  const raw = process.env.SWITCHYARD_E2E_DEMO;
  if (!raw)
    throw new Error("SWITCHYARD_E2E_DEMO is not set: the e2e global setup did not start the demo stack");
  return JSON.parse(raw) as DemoStackInfo;
}
