import { TRPCError } from "@trpc/server";
import { encryptChannelSecret, maskWebhookUrl, sendTestMessage } from "@switchyard/alerting";
import {
  byIdInput,
  createNotificationChannelInput,
  listChannelDeliveriesInput,
  updateNotificationChannelInput,
} from "@switchyard/contracts";
import { Prisma, recordAuditEvent } from "@switchyard/db";
import { actorOf } from "../audit-actor";
import { createTRPCRouter, organizationProcedure, roleProcedure } from "../trpc";

type OrgCtx = Parameters<Parameters<typeof organizationProcedure.query>[0]>[0]["ctx"];

/** Everything the UI may see of a channel: never the secret, only its masked form. */
const channelSelect = {
  id: true,
  name: true,
  kind: true,
  maskedTarget: true,
  createdAt: true,
  updatedAt: true,
  lastDeliveryAt: true,
  lastDeliveryOk: true,
  consecutiveFailures: true,
  lastError: true,
  _count: { select: { rules: true } },
} satisfies Prisma.NotificationChannelSelect;

type ChannelRow = Prisma.NotificationChannelGetPayload<{ select: typeof channelSelect }>;

function present({ _count, ...channel }: ChannelRow) {
  return { ...channel, ruleCount: _count.rules, failing: channel.consecutiveFailures > 0 };
}

async function findChannel(db: Prisma.TransactionClient | OrgCtx["db"], organizationId: string, id: string) {
  const channel = await db.notificationChannel.findFirst({
    where: { id, organizationId },
    select: channelSelect,
  });
  if (!channel) throw new TRPCError({ code: "NOT_FOUND", message: "Notification channel not found." });
  return channel;
}

function conflictOnName(error: unknown, name: string | undefined): never {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
    throw new TRPCError({
      code: "CONFLICT",
      message: `A notification channel named "${name ?? ""}" already exists.`,
    });
  }
  throw error;
}

/**
 * Where alerts go (Slack incoming webhooks today). The webhook URL is a secret: encrypted at rest with the
 * channel key, shown masked, never returned and never written to the audit log.
 */
export const notificationChannelRouter = createTRPCRouter({
  list: organizationProcedure.query(async ({ ctx }) => {
    const channels = await ctx.db.notificationChannel.findMany({
      where: { organizationId: ctx.organization.id },
      select: channelSelect,
      orderBy: { name: "asc" },
    });
    return channels.map(present);
  }),

  get: organizationProcedure.input(byIdInput).query(async ({ ctx, input }) => {
    return present(await findChannel(ctx.db, ctx.organization.id, input.id));
  }),

  create: roleProcedure("operator")
    .input(createNotificationChannelInput)
    .mutation(async ({ ctx, input }) => {
      const organizationId = ctx.organization.id;
      try {
        return await ctx.db.$transaction(async (tx) => {
          const channel = await tx.notificationChannel.create({
            data: {
              organizationId,
              name: input.name,
              kind: input.kind,
              secretCiphertext: encryptChannelSecret(input.webhookUrl, ctx.channelKey),
              maskedTarget: maskWebhookUrl(input.webhookUrl),
              createdById: ctx.user.id,
            },
            select: channelSelect,
          });
          await recordAuditEvent(tx, {
            organizationId,
            action: "notification_channel.create",
            ...actorOf(ctx),
            target: { type: "notification_channel", id: channel.id, label: channel.name },
            metadata: { kind: channel.kind, target: channel.maskedTarget },
          });
          return present(channel);
        });
      } catch (error) {
        conflictOnName(error, input.name);
      }
    }),

  /** Renames and/or replaces the webhook URL; a new URL starts with a clean delivery record. */
  update: roleProcedure("operator")
    .input(updateNotificationChannelInput)
    .mutation(async ({ ctx, input }) => {
      const organizationId = ctx.organization.id;
      try {
        return await ctx.db.$transaction(async (tx) => {
          await findChannel(tx, organizationId, input.id);
          const channel = await tx.notificationChannel.update({
            where: { id: input.id },
            data: {
              ...(input.name !== undefined ? { name: input.name } : {}),
              ...(input.webhookUrl !== undefined
                ? {
                    secretCiphertext: encryptChannelSecret(input.webhookUrl, ctx.channelKey),
                    maskedTarget: maskWebhookUrl(input.webhookUrl),
                    consecutiveFailures: 0,
                    lastError: null,
                    lastDeliveryOk: null,
                  }
                : {}),
            },
            select: channelSelect,
          });
          await recordAuditEvent(tx, {
            organizationId,
            action: "notification_channel.update",
            ...actorOf(ctx),
            target: { type: "notification_channel", id: channel.id, label: channel.name },
            metadata: { target: channel.maskedTarget, targetChanged: input.webhookUrl !== undefined },
          });
          return present(channel);
        });
      } catch (error) {
        conflictOnName(error, input.name);
      }
    }),

  delete: roleProcedure("operator")
    .input(byIdInput)
    .mutation(async ({ ctx, input }) => {
      await ctx.db.$transaction(async (tx) => {
        const channel = await findChannel(tx, ctx.organization.id, input.id);
        await tx.notificationChannel.delete({ where: { id: channel.id } });
        await recordAuditEvent(tx, {
          organizationId: ctx.organization.id,
          action: "notification_channel.delete",
          ...actorOf(ctx),
          target: { type: "notification_channel", id: channel.id, label: channel.name },
        });
      });
    }),

  /** Posts a test message now and reports what the receiver answered (stored as a "test" notification). */
  sendTest: roleProcedure("operator")
    .input(byIdInput)
    .mutation(async ({ ctx, input }) => {
      const channel = await findChannel(ctx.db, ctx.organization.id, input.id);
      const result = await sendTestMessage(
        { db: ctx.db, channelKey: ctx.channelKey, publicUrl: ctx.publicUrl },
        { organizationId: ctx.organization.id, channelId: channel.id },
      );
      await recordAuditEvent(ctx.db, {
        organizationId: ctx.organization.id,
        action: "notification_channel.test",
        ...actorOf(ctx),
        target: { type: "notification_channel", id: channel.id, label: channel.name },
        metadata: { ok: result.ok, status: result.status },
      });
      return result;
    }),

  /** The messages this channel was sent or is being sent, newest first, with what the receiver answered. */
  deliveries: organizationProcedure.input(listChannelDeliveriesInput).query(async ({ ctx, input }) => {
    const channel = await findChannel(ctx.db, ctx.organization.id, input.channelId);
    const notifications = await ctx.db.notification.findMany({
      where: { channelId: channel.id, organizationId: ctx.organization.id },
      select: {
        id: true,
        kind: true,
        state: true,
        attempts: true,
        payload: true,
        responseStatus: true,
        responseBody: true,
        lastError: true,
        createdAt: true,
        sentAt: true,
        incident: { select: { id: true, subject: true, rule: { select: { name: true } } } },
      },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: input.limit,
    });
    return { channel: present(channel), notifications };
  }),
});
