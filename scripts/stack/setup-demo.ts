// The demo's database state for a stack whose processes someone else runs (docker/compose.yml): the "edge"
// group with the demo routes to the shop at --shop-host on its default ports, the agent tokens of both
// gateways and the shop's ingest key, written to --state-dir for the containers that need them. Run after
// the migrations and the seed; safe to run again (valid tokens are kept).
//   tsx scripts/stack/setup-demo.ts --shop-host shop --state-dir /run/switchyard
import { parseArgs } from "node:util";
import { createDb } from "@switchyard/db";
import { planInstances, resolveShopConfig } from "@switchyard/demo";
import { DEMO_ORGANIZATION_SLUG, ensureAgentTokens, ensureDemoRoutes, ensureIngestKey } from "./demo-state";

const { values } = parseArgs({
  options: { "shop-host": { type: "string" }, "state-dir": { type: "string" } },
  strict: true,
});
const shopHost = values["shop-host"];
const stateDir = values["state-dir"];
const databaseUrl = process.env.DATABASE_URL;
const problems = [
  !shopHost || !/^[A-Za-z0-9.-]+$/.test(shopHost) ? "--shop-host: expected a host name such as shop" : null,
  !stateDir ? "--state-dir: expected the directory the gateways and the shop read their secrets from" : null,
  !databaseUrl ? "DATABASE_URL: not set" : null,
].filter((problem) => problem !== null);
if (problems.length > 0) {
  console.error(problems.join("\n"));
  process.exit(2);
}

const db = createDb(databaseUrl!);
try {
  const organization = await db.organization.findUniqueOrThrow({ where: { slug: DEMO_ORGANIZATION_SLUG } });
  const shop = planInstances(resolveShopConfig({})).map((instance) => ({
    ...instance,
    url: `http://${shopHost}:${instance.port}`,
  }));
  const { groupId, revision } = await ensureDemoRoutes(db, organization.id, shop);
  const tokens = await ensureAgentTokens(db, organization.id, groupId, stateDir!);
  await ensureIngestKey(db, organization.id, stateDir!);
  console.warn(
    `demo: group edge at revision ${revision}, agent tokens for ${Object.keys(tokens).join(" and ")} in ${stateDir}`,
  );
} finally {
  await db.$disconnect();
}
