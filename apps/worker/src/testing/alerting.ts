import { randomBytes } from "node:crypto";
import { encryptChannelSecret, maskWebhookUrl } from "@switchyard/alerting";
import type { Database, Prisma } from "@switchyard/db";

/** A secret like the web app's, shared by the test's worker(s) and the channels it stores. */
export const testAuthSecret = () => randomBytes(32).toString("hex");

/** An organization with one Slack channel pointing at `webhookUrl`, stored the way the web app stores it. */
export async function seedAlertingOrganization(
  db: Database,
  options: { slug: string; webhookUrl: string; authSecret: string },
) {
  const organization = await db.organization.create({
    data: { id: `org-${options.slug}`, name: options.slug, slug: options.slug },
  });
  const channel = await db.notificationChannel.create({
    data: {
      organizationId: organization.id,
      name: "#alerts",
      kind: "slack",
      secretCiphertext: encryptChannelSecret(options.webhookUrl, options.authSecret),
      maskedTarget: maskWebhookUrl(options.webhookUrl),
    },
  });
  return { organization, channel };
}

export async function createRule(
  db: Database,
  data: Omit<Prisma.AlertRuleUncheckedCreateInput, "channels"> & { channelIds: string[] },
) {
  const { channelIds, ...rule } = data;
  return db.alertRule.create({
    data: { ...rule, channels: { create: channelIds.map((channelId) => ({ channelId })) } },
  });
}
