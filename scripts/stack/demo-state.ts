import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { type Database } from "@switchyard/db";
import { demoGatewayConfig } from "@switchyard/demo";
import { generateIngestKey, hashToken } from "@switchyard/ingest";
import { commitRevision, generateAgentToken, hashAgentToken } from "@switchyard/traffic";

export const DEMO_ORGANIZATION_SLUG = "demo";
export const DEMO_GROUP_NAME = "edge";
export const DEMO_GATEWAYS = ["gateway-a", "gateway-b"] as const;

type ShopTarget = Parameters<typeof demoGatewayConfig>[0][number];

async function readSecret(file: string): Promise<string | null> {
  try {
    return (await readFile(file, "utf8")).trim() || null;
  } catch {
    return null;
  }
}

async function writeSecret(file: string, value: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, value, { mode: 0o600 });
  await chmod(file, 0o600);
}

/**
 * The demo organization's ingest key, which web, worker and the shop's services send their own traces with
 * (so they appear on the service map). Kept in the state directory so later runs reuse it; only its hash is
 * in the database, and a key someone revoked in Settings is replaced rather than revived.
 */
export async function ensureIngestKey(db: Database, organizationId: string, stateDir: string) {
  const file = path.join(stateDir, "self-telemetry-key");
  const kept = await readSecret(file);
  if (kept) {
    const row = await db.ingestKey.findUnique({ where: { keyHash: hashToken(kept) } });
    if (row && !row.revokedAt && row.organizationId === organizationId) return kept;
  }
  const fresh = generateIngestKey();
  await db.ingestKey.create({
    data: {
      organizationId,
      name: "demo stack (self-telemetry)",
      keyHash: fresh.hash,
      keyPrefix: fresh.displayPrefix,
    },
  });
  await writeSecret(file, fresh.key);
  return fresh.key;
}

/**
 * The "edge" gateway group with the demo routes as its latest revision (orders canary at 0%). A group whose
 * latest revision is anything else (a canary left at 25% by the last demo, or the shop on other ports) gets a
 * new revision with the demo routes, so every run starts clean while the history stays.
 */
export async function ensureDemoRoutes(db: Database, organizationId: string, shop: readonly ShopTarget[]) {
  const group = await db.gatewayGroup.upsert({
    where: { organizationId_name: { organizationId, name: DEMO_GROUP_NAME } },
    update: {},
    create: { organizationId, name: DEMO_GROUP_NAME, description: "Two gateways in front of the demo shop" },
  });
  const latest = await db.configRevision.findFirst({
    where: { groupId: group.id },
    orderBy: { number: "desc" },
    select: { number: true, config: true },
  });
  const config = demoGatewayConfig(shop);
  if (latest && isDeepStrictEqual(latest.config, config))
    return { groupId: group.id, revision: latest.number };
  const committed = await commitRevision(db, {
    organizationId,
    groupId: group.id,
    baseNumber: latest?.number ?? null,
    config,
    message: latest ? "Demo routes (reset by the demo command)" : "Demo routes",
    author: null,
  });
  return { groupId: group.id, revision: committed.number };
}

/**
 * An agent token for each demo gateway, kept in the state directory: a later run reuses a token that is still
 * valid, and replaces one that is missing, revoked or unknown (a fresh database) under the same agent name.
 */
export async function ensureAgentTokens(
  db: Database,
  organizationId: string,
  groupId: string,
  stateDir: string,
) {
  const tokens: Record<string, string> = {};
  for (const name of DEMO_GATEWAYS) {
    const file = path.join(stateDir, "gateways", name, "agent-token");
    const kept = await readSecret(file);
    const agent = await db.agent.findUnique({ where: { groupId_name: { groupId, name } } });
    if (kept && agent && !agent.revokedAt && agent.tokenHash === hashAgentToken(kept)) {
      tokens[name] = kept;
      continue;
    }
    const fresh = generateAgentToken();
    const token = { tokenHash: fresh.hash, tokenPrefix: fresh.displayPrefix };
    await db.agent.upsert({
      where: { groupId_name: { groupId, name } },
      update: { ...token, revokedAt: null },
      create: { organizationId, groupId, name, ...token },
    });
    await writeSecret(file, fresh.token);
    tokens[name] = fresh.token;
  }
  return tokens;
}
