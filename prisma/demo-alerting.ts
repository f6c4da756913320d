/**
 * The demo organization's alerting: an error-rate rule on orders and, when the demo stack names one, a Slack
 * channel pointing at its local receiver (a real webhook URL works the same). The webhook URL is encrypted
 * with the same helper the UI uses, so web and worker read it like any channel saved in Settings.
 */
import { encryptChannelSecret, maskWebhookUrl } from "@switchyard/alerting";
import { createAlertRuleInput, createNotificationChannelInput } from "@switchyard/contracts";
import type { Prisma } from "@switchyard/db";

export const DEMO_CHANNEL_NAME = "Demo Slack";
export const DEMO_RULE_NAME = "Orders error rate";

function secondsFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  if (!/^\d+$/.test(raw)) throw new Error(`${name}: expected a whole number of seconds, got "${raw}"`);
  return Number(raw);
}

export async function seedDemoAlerting(tx: Prisma.TransactionClient, organizationId: string) {
  // Error rate > 5% on orders over 30 s, held for a minute (the design brief's defaults otherwise); the e2e
  // stack shortens the window and the hold so the suite stays fast.
  const rule = createAlertRuleInput.parse({
    name: DEMO_RULE_NAME,
    service: "orders",
    signal: "ERROR_RATE",
    threshold: 0.05,
    windowSeconds: secondsFromEnv("SWITCHYARD_DEMO_ALERT_WINDOW_SECONDS", 30),
    forSeconds: secondsFromEnv("SWITCHYARD_DEMO_ALERT_FOR_SECONDS", 60),
    severity: "CRITICAL",
  });
  const { channelIds: _none, ...ruleData } = rule;
  const saved = await tx.alertRule.upsert({
    where: { organizationId_name: { organizationId, name: DEMO_RULE_NAME } },
    update: ruleData,
    create: { organizationId, ...ruleData },
  });

  const webhookUrl = process.env.SWITCHYARD_DEMO_SLACK_WEBHOOK_URL;
  if (!webhookUrl) return { channel: null };
  const secret = process.env.BETTER_AUTH_SECRET;
  if (!secret) throw new Error("BETTER_AUTH_SECRET: required to encrypt SWITCHYARD_DEMO_SLACK_WEBHOOK_URL");
  const parsed = createNotificationChannelInput.safeParse({ name: DEMO_CHANNEL_NAME, webhookUrl });
  if (!parsed.success) {
    throw new Error(
      `SWITCHYARD_DEMO_SLACK_WEBHOOK_URL: ${parsed.error.issues.map((i) => i.message).join("; ")}`,
    );
  }
  const target = {
    kind: parsed.data.kind,
    secretCiphertext: encryptChannelSecret(parsed.data.webhookUrl, secret),
    maskedTarget: maskWebhookUrl(parsed.data.webhookUrl),
  };
  // A new receiver address (or secret) replaces the old one; the delivery record starts over with it.
  const channel = await tx.notificationChannel.upsert({
    where: { organizationId_name: { organizationId, name: DEMO_CHANNEL_NAME } },
    update: { ...target, consecutiveFailures: 0, lastError: null },
    create: { organizationId, name: DEMO_CHANNEL_NAME, ...target },
  });
  await tx.alertRuleChannel.upsert({
    where: { ruleId_channelId: { ruleId: saved.id, channelId: channel.id } },
    update: {},
    create: { ruleId: saved.id, channelId: channel.id },
  });
  return { channel: channel.maskedTarget };
}
