import { TRPCError } from "@trpc/server";
import { byIdInput, createAlertSilenceInput, listIncidentsInput } from "@switchyard/contracts";
import { recordAuditEvent, type Prisma } from "@switchyard/db";
import { actorOf } from "../audit-actor";
import { createTRPCRouter, organizationProcedure, roleProcedure } from "../trpc";

const incidentSelect = {
  id: true,
  subject: true,
  state: true,
  severity: true,
  threshold: true,
  value: true,
  peakValue: true,
  context: true,
  startedAt: true,
  firingAt: true,
  resolvedAt: true,
  acknowledgedAt: true,
  acknowledgedById: true,
  rule: {
    select: {
      id: true,
      name: true,
      signal: true,
      comparison: true,
      service: true,
      route: true,
      version: true,
      windowSeconds: true,
      forSeconds: true,
    },
  },
} satisfies Prisma.IncidentSelect;

type IncidentRow = Prisma.IncidentGetPayload<{ select: typeof incidentSelect }>;

/** Incidents with who acknowledged them, by name, looked up in one query for the whole page. */
async function withAcknowledgers(db: Prisma.TransactionClient, rows: IncidentRow[]) {
  const userIds = [...new Set(rows.flatMap((r) => (r.acknowledgedById ? [r.acknowledgedById] : [])))];
  const users = userIds.length
    ? await db.user.findMany({
        where: { id: { in: userIds } },
        select: { id: true, name: true, email: true },
      })
    : [];
  const byId = new Map(users.map((u) => [u.id, u]));
  return rows.map(({ acknowledgedById, ...row }) => {
    const user = acknowledgedById ? byId.get(acknowledgedById) : undefined;
    return { ...row, acknowledgedBy: user ? { name: user.name, email: user.email } : null };
  });
}

const openStates = ["PENDING", "FIRING"] as const;

/** Incidents (pending, firing, resolved), their timelines, acknowledgements and silences. */
export const incidentRouter = createTRPCRouter({
  /** Open incidents, firing first then newest; resolved ones by when they ended. */
  list: organizationProcedure.input(listIncidentsInput).query(async ({ ctx, input }) => {
    const state =
      input.state === "open"
        ? { in: [...openStates] }
        : input.state === "resolved"
          ? { equals: "RESOLVED" as const }
          : undefined;
    const rows = await ctx.db.incident.findMany({
      where: { organizationId: ctx.organization.id, ...(state ? { state } : {}) },
      select: incidentSelect,
      orderBy:
        input.state === "resolved"
          ? [{ resolvedAt: "desc" }, { id: "desc" }]
          : input.state === "open"
            ? // Enum order is PENDING < FIRING, so descending puts firing incidents first.
              [{ state: "desc" }, { startedAt: "desc" }, { id: "desc" }]
            : [{ startedAt: "desc" }, { id: "desc" }],
      take: input.limit,
    });
    return withAcknowledgers(ctx.db, rows);
  }),

  /** One incident with its timeline (every transition, acknowledgement, silence) and the notifications sent. */
  get: organizationProcedure.input(byIdInput).query(async ({ ctx, input }) => {
    const row = await ctx.db.incident.findFirst({
      where: { id: input.id, organizationId: ctx.organization.id },
      select: incidentSelect,
    });
    if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "Incident not found." });
    const [incident] = await withAcknowledgers(ctx.db, [row]);
    const [events, notifications] = await Promise.all([
      ctx.db.incidentEvent.findMany({
        where: { incidentId: row.id },
        select: { id: true, kind: true, value: true, message: true, at: true },
        orderBy: [{ at: "asc" }, { id: "asc" }],
      }),
      ctx.db.notification.findMany({
        where: { incidentId: row.id },
        select: {
          id: true,
          kind: true,
          state: true,
          attempts: true,
          responseStatus: true,
          responseBody: true,
          lastError: true,
          createdAt: true,
          sentAt: true,
          channel: { select: { id: true, name: true } },
        },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      }),
    ]);
    return { ...incident!, events, notifications };
  }),

  /** Marks an open incident as being handled; acknowledging twice keeps the first acknowledgement. */
  acknowledge: roleProcedure("operator")
    .input(byIdInput)
    .mutation(async ({ ctx, input }) => {
      const organizationId = ctx.organization.id;
      await ctx.db.$transaction(async (tx) => {
        const incident = await tx.incident.findFirst({
          where: { id: input.id, organizationId },
          select: { id: true, state: true, subject: true, rule: { select: { name: true } } },
        });
        if (!incident) throw new TRPCError({ code: "NOT_FOUND", message: "Incident not found." });
        if (incident.state === "RESOLVED") {
          throw new TRPCError({
            code: "PRECONDITION_FAILED",
            message: "This incident is already resolved; there is nothing to acknowledge.",
          });
        }
        // Compare-and-set: of two people acknowledging at once, one wins and the other changes nothing.
        const { count } = await tx.incident.updateMany({
          where: { id: incident.id, acknowledgedAt: null },
          data: { acknowledgedAt: new Date(), acknowledgedById: ctx.user.id },
        });
        if (count === 0) return;
        await tx.incidentEvent.create({
          data: {
            organizationId,
            incidentId: incident.id,
            kind: "acknowledged",
            message: `Acknowledged by ${ctx.user.name || ctx.user.email}`,
            actorUserId: ctx.user.id,
          },
        });
        await recordAuditEvent(tx, {
          organizationId,
          action: "incident.acknowledge",
          ...actorOf(ctx),
          target: { type: "incident", id: incident.id, label: `${incident.rule.name} · ${incident.subject}` },
        });
      });
    }),

  /** Silences in force and those that ended in the last day, newest first. */
  silences: organizationProcedure.query(async ({ ctx }) => {
    const since = new Date(Date.now() - 24 * 3600_000);
    const silences = await ctx.db.alertSilence.findMany({
      where: { organizationId: ctx.organization.id, endsAt: { gt: since } },
      select: {
        id: true,
        service: true,
        route: true,
        version: true,
        reason: true,
        startsAt: true,
        endsAt: true,
        createdAt: true,
        rule: { select: { id: true, name: true } },
      },
      orderBy: [{ endsAt: "desc" }, { id: "desc" }],
    });
    const now = Date.now();
    return silences.map((s) => ({ ...s, active: s.startsAt.getTime() <= now && s.endsAt.getTime() > now }));
  }),

  /** Holds back notifications for a rule or a scope for a while; incidents still open and move. */
  silence: roleProcedure("operator")
    .input(createAlertSilenceInput)
    .mutation(async ({ ctx, input }) => {
      const organizationId = ctx.organization.id;
      return ctx.db.$transaction(async (tx) => {
        if (input.ruleId) {
          const rule = await tx.alertRule.findFirst({ where: { id: input.ruleId, organizationId } });
          if (!rule) throw new TRPCError({ code: "NOT_FOUND", message: "Alert rule not found." });
        }
        const startsAt = new Date();
        const silence = await tx.alertSilence.create({
          data: {
            organizationId,
            ruleId: input.ruleId,
            service: input.service,
            route: input.route,
            version: input.version,
            reason: input.reason,
            startsAt,
            endsAt: new Date(startsAt.getTime() + input.durationMinutes * 60_000),
            createdById: ctx.user.id,
          },
          select: { id: true, startsAt: true, endsAt: true },
        });
        await recordAuditEvent(tx, {
          organizationId,
          action: "alert_silence.create",
          ...actorOf(ctx),
          target: { type: "alert_silence", id: silence.id, label: input.reason },
          metadata: {
            ruleId: input.ruleId,
            service: input.service,
            route: input.route,
            version: input.version,
            durationMinutes: input.durationMinutes,
          },
        });
        return silence;
      });
    }),

  /** Ends a silence now. */
  expireSilence: roleProcedure("operator")
    .input(byIdInput)
    .mutation(async ({ ctx, input }) => {
      const organizationId = ctx.organization.id;
      await ctx.db.$transaction(async (tx) => {
        const silence = await tx.alertSilence.findFirst({
          where: { id: input.id, organizationId },
          select: { id: true, reason: true, endsAt: true },
        });
        if (!silence) throw new TRPCError({ code: "NOT_FOUND", message: "Silence not found." });
        const now = new Date();
        if (silence.endsAt <= now) return;
        await tx.alertSilence.update({ where: { id: silence.id }, data: { endsAt: now } });
        await recordAuditEvent(tx, {
          organizationId,
          action: "alert_silence.expire",
          ...actorOf(ctx),
          target: { type: "alert_silence", id: silence.id, label: silence.reason },
        });
      });
    }),
});
