import type { Database, Notification, Prisma } from "@switchyard/db";
import { decideDelivery, type DeliveryOutcome } from "./delivery-policy";
import { alertsUrl } from "./links";
import { ChannelSecretError, decryptChannelSecret, type ChannelKey } from "./secrets";
import { buildTestMessage, sendSlackMessage, type SlackMessage, type SlackResponse } from "./slack";

/**
 * Delivery of one Notification row. The row is the source of truth, not the job: it moves
 * queued -> sending -> sent | failed | unknown (and sending -> queued to retry) with compare-and-set
 * updates, so two workers holding the same job (a stalled job handed out again) never both send it.
 *
 * A worker can die between claiming the row ("sending") and recording Slack's answer. The job then comes
 * back (BullMQ's stalled-job check) and finds the row still "sending". Slack's incoming webhooks have no
 * idempotency key, so the retry cannot ask whether the first post arrived. We choose at-most-once for that
 * case: once the send's lease (its timeout plus a margin) has expired, the row becomes "unknown" and is NOT
 * sent again, with an IncidentEvent saying so. Death during the HTTP exchange, the long part of a send,
 * then causes no duplicate (Slack most likely got it). The one unavoidable window: a worker that dies
 * after claiming the row and before the request reached Slack (a few milliseconds of local work) loses that
 * message; it shows as "unknown" on the incident's timeline instead of silently.
 */

export const DEFAULT_SEND_TIMEOUT_MS = 10_000;
/** How long after a claim another worker assumes the claimant died rather than still sending. */
const leaseMs = (sendTimeoutMs: number) => sendTimeoutMs + 5_000;

export interface NotifierDependencies {
  db: Database;
  channelKey: ChannelKey;
  sendTimeoutMs?: number;
  random?: () => number;
}

export type DeliveryStep =
  | { kind: "done"; state: string }
  /** Run the job again after delayMs (429 Retry-After, backoff, or another worker's lease). */
  | { kind: "retry"; delayMs: number; reason: string };

type ChannelOutcome = { ok: true } | { ok: false; error: string; failedForGood: boolean };

/** The channel's health as the UI shows it: consecutive deliveries that failed for good, the last error. */
async function recordChannelOutcome(
  tx: Prisma.TransactionClient,
  channelId: string,
  outcome: ChannelOutcome,
  now: Date,
) {
  await tx.notificationChannel.update({
    where: { id: channelId },
    data: outcome.ok
      ? { lastDeliveryAt: now, lastDeliveryOk: true, consecutiveFailures: 0, lastError: null }
      : {
          lastDeliveryAt: now,
          lastDeliveryOk: false,
          lastError: outcome.error,
          ...(outcome.failedForGood && { consecutiveFailures: { increment: 1 } }),
        },
  });
}

async function recordIncidentEvent(
  tx: Prisma.TransactionClient,
  notification: Notification,
  kind: "notified" | "notify_failed",
  message: string,
  now: Date,
) {
  if (!notification.incidentId) return;
  await tx.incidentEvent.create({
    data: {
      organizationId: notification.organizationId,
      incidentId: notification.incidentId,
      kind,
      message,
      at: now,
    },
  });
}

/**
 * Stores one attempt's result, compare-and-set on (sending, attempts) so only the claimant records it.
 * Returns false when the row had moved on (another worker declared it unknown meanwhile).
 */
async function recordAttempt(
  db: Database,
  notification: Notification,
  channelName: string,
  response: SlackResponse,
  outcome: DeliveryOutcome,
  now: Date,
): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const state = outcome.kind === "sent" ? "sent" : outcome.kind === "retry" ? "queued" : "failed";
    const updated = await tx.notification.updateMany({
      where: { id: notification.id, state: "sending", attempts: notification.attempts },
      data: {
        state,
        responseStatus: response.status || null,
        responseBody: response.body,
        lastError: outcome.kind === "sent" ? null : outcome.reason,
        ...(outcome.kind === "sent" && { sentAt: now }),
      },
    });
    if (updated.count === 0) return false;
    await recordChannelOutcome(
      tx,
      notification.channelId,
      outcome.kind === "sent"
        ? { ok: true }
        : { ok: false, error: outcome.reason, failedForGood: outcome.kind === "failed" },
      now,
    );
    if (outcome.kind === "sent") {
      await recordIncidentEvent(
        tx,
        notification,
        "notified",
        `${notification.kind} message delivered to ${channelName}`,
        now,
      );
    } else if (outcome.kind === "failed") {
      await recordIncidentEvent(
        tx,
        notification,
        "notify_failed",
        `${notification.kind} message to ${channelName} failed for good after ${notification.attempts} attempt(s): ${outcome.reason}`,
        now,
      );
    }
    return true;
  });
}

/** A row found "sending": wait out the claimant's lease, then declare the outcome unknown (see above). */
async function resolveStaleClaim(
  db: Database,
  row: Notification,
  sendTimeoutMs: number,
): Promise<DeliveryStep> {
  const now = new Date();
  const leaseLeft = (row.sendingAt?.getTime() ?? 0) + leaseMs(sendTimeoutMs) - now.getTime();
  if (leaseLeft > 0) return { kind: "retry", delayMs: leaseLeft, reason: "another worker is sending it" };
  const reason = "the worker stopped while sending; not sent again, to avoid a duplicate message";
  await db.$transaction(async (tx) => {
    const updated = await tx.notification.updateMany({
      where: { id: row.id, state: "sending", attempts: row.attempts },
      data: { state: "unknown", lastError: reason },
    });
    if (updated.count === 0) return;
    const channel = await tx.notificationChannel.findUnique({
      where: { id: row.channelId },
      select: { name: true },
    });
    await recordIncidentEvent(
      tx,
      row,
      "notify_failed",
      `${row.kind} message to ${channel?.name ?? "a channel"}: outcome unknown, ${reason}`,
      now,
    );
  });
  return { kind: "done", state: "unknown" };
}

/** One delivery attempt of a queued notification (the `alerts.notify` job). */
export async function deliverNotification(
  deps: NotifierDependencies,
  notificationId: string,
): Promise<DeliveryStep> {
  const { db } = deps;
  const sendTimeoutMs = deps.sendTimeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
  const [claimed] = await db.notification.updateManyAndReturn({
    where: { id: notificationId, state: "queued" },
    data: { state: "sending", sendingAt: new Date(), attempts: { increment: 1 } },
  });
  if (!claimed) {
    const row = await db.notification.findUnique({ where: { id: notificationId } });
    if (!row) return { kind: "done", state: "deleted" };
    if (row.state === "sending") return resolveStaleClaim(db, row, sendTimeoutMs);
    if (row.state === "queued") return { kind: "retry", delayMs: 1_000, reason: "claimed concurrently" };
    return { kind: "done", state: row.state };
  }
  const channel = await db.notificationChannel.findUnique({ where: { id: claimed.channelId } });
  if (!channel) return { kind: "done", state: "deleted" };
  let url: string;
  try {
    url = decryptChannelSecret(channel.secretCiphertext, deps.channelKey);
  } catch (error) {
    if (!(error instanceof ChannelSecretError)) throw error;
    const response: SlackResponse = { ok: false, status: 0, body: "", retryAfterMs: null };
    await recordAttempt(
      db,
      claimed,
      channel.name,
      response,
      { kind: "failed", reason: error.message },
      new Date(),
    );
    return { kind: "done", state: "failed" };
  }
  const response = await sendSlackMessage(url, claimed.payload as unknown as SlackMessage, {
    timeoutMs: sendTimeoutMs,
  });
  const outcome = decideDelivery(response, claimed.attempts, deps.random);
  const recorded = await recordAttempt(db, claimed, channel.name, response, outcome, new Date());
  if (!recorded) return { kind: "done", state: "superseded" };
  return outcome.kind === "retry"
    ? { kind: "retry", delayMs: outcome.delayMs, reason: outcome.reason }
    : { kind: "done", state: outcome.kind };
}

export interface TestMessageResult {
  ok: boolean;
  /** Slack's HTTP status; 0 when it did not answer. */
  status: number;
  /** Slack's answer ("ok", "no_service", …) or why there was none. */
  body: string;
  notificationId: string;
}

/**
 * Sends a channel's test message now, once, and reports Slack's answer (the "Send test message" button).
 * Stored as a Notification of kind "test" so the channel page lists it, and counted in the channel's health.
 */
export async function sendTestMessage(
  deps: NotifierDependencies & { publicUrl: string },
  target: { organizationId: string; channelId: string },
): Promise<TestMessageResult> {
  const { db } = deps;
  const channel = await db.notificationChannel.findFirstOrThrow({
    where: { id: target.channelId, organizationId: target.organizationId },
    include: { organization: { select: { name: true, slug: true } } },
  });
  const payload = buildTestMessage({
    channelName: channel.name,
    organizationName: channel.organization.name,
    alertsUrl: alertsUrl(deps.publicUrl, channel.organization.slug),
  });
  const notification = await db.notification.create({
    data: {
      organizationId: target.organizationId,
      channelId: channel.id,
      kind: "test",
      dedupeKey: `test:${channel.id}:${crypto.randomUUID()}`,
      state: "sending",
      sendingAt: new Date(),
      attempts: 1,
      payload: payload as unknown as Prisma.InputJsonValue,
    },
  });
  let response: SlackResponse;
  try {
    const url = decryptChannelSecret(channel.secretCiphertext, deps.channelKey);
    response = await sendSlackMessage(url, payload, {
      timeoutMs: deps.sendTimeoutMs ?? DEFAULT_SEND_TIMEOUT_MS,
    });
  } catch (error) {
    if (!(error instanceof ChannelSecretError)) throw error;
    response = { ok: false, status: 0, body: error.message, retryAfterMs: null };
  }
  // A test is one attempt: what Slack says is the answer, retrying would hide it.
  const outcome: DeliveryOutcome = response.ok
    ? { kind: "sent" }
    : {
        kind: "failed",
        reason: response.status ? `HTTP ${response.status}: ${response.body}` : response.body,
      };
  await recordAttempt(db, notification, channel.name, response, outcome, new Date());
  return { ok: response.ok, status: response.status, body: response.body, notificationId: notification.id };
}
