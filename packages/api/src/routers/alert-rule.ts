import { TRPCError } from "@trpc/server";
import {
  alertRuleTemplates,
  alertThresholdRanges,
  byIdInput,
  createAlertRuleInput,
  setAlertRuleEnabledInput,
  updateAlertRuleInput,
  type CreateAlertRuleInput,
} from "@switchyard/contracts";
import { Prisma, recordAuditEvent } from "@switchyard/db";
import { actorOf } from "../audit-actor";
import { createTRPCRouter, organizationProcedure, roleProcedure } from "../trpc";

type OrgCtx = Parameters<Parameters<typeof organizationProcedure.query>[0]>[0]["ctx"];
type Tx = Prisma.TransactionClient;

const ruleSelect = {
  id: true,
  name: true,
  enabled: true,
  service: true,
  route: true,
  version: true,
  signal: true,
  comparison: true,
  threshold: true,
  windowSeconds: true,
  forSeconds: true,
  severity: true,
  createdAt: true,
  updatedAt: true,
  channels: { select: { channel: { select: { id: true, name: true } } } },
  _count: { select: { incidents: { where: { state: { not: "RESOLVED" } } } } },
} satisfies Prisma.AlertRuleSelect;

type RuleRow = Prisma.AlertRuleGetPayload<{ select: typeof ruleSelect }>;

function present({ channels, _count, ...rule }: RuleRow) {
  return {
    ...rule,
    channels: channels.map((c) => c.channel),
    channelIds: channels.map((c) => c.channel.id),
    openIncidents: _count.incidents,
  };
}

async function findRule(db: Tx | OrgCtx["db"], organizationId: string, id: string) {
  const rule = await db.alertRule.findFirst({
    where: { id, organizationId },
    select: { id: true, name: true, enabled: true },
  });
  if (!rule) throw new TRPCError({ code: "NOT_FOUND", message: "Alert rule not found." });
  return rule;
}

/** Channels named by a rule must be this organization's; another's ids look exactly like unknown ones. */
async function checkChannels(tx: Tx, organizationId: string, channelIds: string[]) {
  const unique = [...new Set(channelIds)];
  const found = await tx.notificationChannel.count({ where: { id: { in: unique }, organizationId } });
  if (found !== unique.length) {
    throw new TRPCError({ code: "NOT_FOUND", message: "A notification channel of this rule was not found." });
  }
  return unique;
}

function ruleData(input: CreateAlertRuleInput) {
  const { channelIds: _channelIds, ...fields } = input;
  return fields;
}

function conflictOnName(error: unknown, name: string): never {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
    throw new TRPCError({ code: "CONFLICT", message: `An alert rule named "${name}" already exists.` });
  }
  throw error;
}

/**
 * Writes a new rule (`id` null) or every field and the channel set of an existing one, with its audit event,
 * in one transaction. A name the organization already uses is a conflict.
 */
async function saveRule(ctx: OrgCtx, fields: CreateAlertRuleInput, id: string | null) {
  const organizationId = ctx.organization.id;
  try {
    return await ctx.db.$transaction(async (tx) => {
      if (id !== null) await findRule(tx, organizationId, id);
      const channelIds = await checkChannels(tx, organizationId, fields.channelIds);
      const channels = { create: channelIds.map((channelId) => ({ channelId })) };
      let rule: RuleRow;
      if (id === null) {
        rule = await tx.alertRule.create({
          data: { ...ruleData(fields), organizationId, createdById: ctx.user.id, channels },
          select: ruleSelect,
        });
      } else {
        await tx.alertRuleChannel.deleteMany({ where: { ruleId: id } });
        rule = await tx.alertRule.update({
          where: { id },
          data: { ...ruleData(fields), channels },
          select: ruleSelect,
        });
      }
      await recordAuditEvent(tx, {
        organizationId,
        action: id === null ? "alert_rule.create" : "alert_rule.update",
        ...actorOf(ctx),
        target: { type: "alert_rule", id: rule.id, label: rule.name },
        metadata: { signal: rule.signal, threshold: rule.threshold, channels: channelIds.length },
      });
      return present(rule);
    });
  } catch (error) {
    conflictOnName(error, fields.name);
  }
}

/** Alert rules: a condition on a signal in a scope, the channels it notifies. Operators and above change them. */
export const alertRuleRouter = createTRPCRouter({
  list: organizationProcedure.query(async ({ ctx }) => {
    const rules = await ctx.db.alertRule.findMany({
      where: { organizationId: ctx.organization.id },
      select: ruleSelect,
      orderBy: { name: "asc" },
    });
    return rules.map(present);
  }),

  get: organizationProcedure.input(byIdInput).query(async ({ ctx, input }) => {
    const rule = await ctx.db.alertRule.findFirst({
      where: { id: input.id, organizationId: ctx.organization.id },
      select: ruleSelect,
    });
    if (!rule) throw new TRPCError({ code: "NOT_FOUND", message: "Alert rule not found." });
    return present(rule);
  }),

  /** The design brief's starting points and each signal's threshold range, for the rule form. */
  templates: organizationProcedure.query(() => ({
    templates: alertRuleTemplates,
    thresholdRanges: alertThresholdRanges,
  })),

  create: roleProcedure("operator")
    .input(createAlertRuleInput)
    .mutation(({ ctx, input }) => saveRule(ctx, input, null)),

  /** Replaces every field and the channel set. */
  update: roleProcedure("operator")
    .input(updateAlertRuleInput)
    .mutation(({ ctx, input: { id, ...fields } }) => saveRule(ctx, fields, id)),

  setEnabled: roleProcedure("operator")
    .input(setAlertRuleEnabledInput)
    .mutation(async ({ ctx, input }) => {
      await ctx.db.$transaction(async (tx) => {
        const rule = await findRule(tx, ctx.organization.id, input.id);
        if (rule.enabled === input.enabled) return;
        await tx.alertRule.update({ where: { id: rule.id }, data: { enabled: input.enabled } });
        await recordAuditEvent(tx, {
          organizationId: ctx.organization.id,
          action: input.enabled ? "alert_rule.enable" : "alert_rule.disable",
          ...actorOf(ctx),
          target: { type: "alert_rule", id: rule.id, label: rule.name },
        });
      });
    }),

  /** Deletes the rule with its incidents and their timelines (the audit event keeps its name). */
  delete: roleProcedure("operator")
    .input(byIdInput)
    .mutation(async ({ ctx, input }) => {
      await ctx.db.$transaction(async (tx) => {
        const rule = await findRule(tx, ctx.organization.id, input.id);
        await tx.alertRule.delete({ where: { id: rule.id } });
        await recordAuditEvent(tx, {
          organizationId: ctx.organization.id,
          action: "alert_rule.delete",
          ...actorOf(ctx),
          target: { type: "alert_rule", id: rule.id, label: rule.name },
        });
      });
    }),
});
