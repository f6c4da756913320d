import { TRPCError } from "@trpc/server";
import {
  DEFAULT_HEALTH_THRESHOLDS,
  healthThresholdsSchema,
  heartbeatSchema,
  ingestStatsInput,
  overviewInput,
  resolveTimeRange,
  serviceDetailInput,
  serviceMapInput,
  traceByIdInput,
  traceSearchInput,
  type HealthThresholds,
  type TargetStatus,
} from "@switchyard/contracts";
import { Prisma, recordAuditEvent, type Database } from "@switchyard/db";
import { actorOf } from "../audit-actor";
import { loadOverview, loadServiceDetail, loadServiceMap, windowFor } from "../dashboard-views";
import { createTRPCRouter, organizationProcedure, roleProcedure } from "../trpc";

export interface ServiceTarget extends TargetStatus {
  agentId: string;
  agentName: string;
  agentStatus: string;
  reportedAt: string;
}

/**
 * Dashboard reads. The organization always comes from the caller's membership (`ctx.organization.id`), and
 * the server decides "now" once per call so every number on a page belongs to the same window.
 */
export const telemetryRouter = createTRPCRouter({
  overview: organizationProcedure.input(overviewInput).query(async ({ ctx, input }) => {
    const window = windowFor(input.range, new Date());
    return loadOverview(ctx.telemetry, ctx.organization.id, window, await thresholdsOf(ctx));
  }),

  serviceMap: organizationProcedure.input(serviceMapInput).query(async ({ ctx, input }) => {
    const window = windowFor(input.range, new Date());
    return loadServiceMap(ctx.telemetry, ctx.organization.id, window, await thresholdsOf(ctx));
  }),

  service: organizationProcedure.input(serviceDetailInput).query(async ({ ctx, input }) => {
    const [detail, targets] = await Promise.all([
      loadServiceDetail(
        ctx.telemetry,
        ctx.organization.id,
        windowFor(input.range, new Date()),
        await thresholdsOf(ctx),
        { service: input.service, route: input.route, version: input.version },
      ),
      targetsOf(ctx, input.service),
    ]);
    return { ...detail, targets };
  }),

  searchTraces: organizationProcedure.input(traceSearchInput).query(({ ctx, input }) => {
    const { from, to } = resolveTimeRange(input.range, new Date());
    return ctx.telemetry.queries.searchTraces({
      organizationId: ctx.organization.id,
      from,
      to,
      service: input.service,
      route: input.route,
      status: input.status,
      minDurationMs: input.minDurationMs,
      limit: input.limit,
    });
  }),

  /**
   * Per signal: items stored, rejected at the ingest, ignored, and dropped (accepted but refused by the
   * database; the reason is logged by the worker and kept on the batch marker).
   */
  ingestStats: organizationProcedure.input(ingestStatsInput).query(({ ctx, input }) => {
    const { from, to } = resolveTimeRange(input.range, new Date());
    return ctx.telemetry.queries.ingestStats({ organizationId: ctx.organization.id, from, to });
  }),

  trace: organizationProcedure.input(traceByIdInput).query(async ({ ctx, input }) => {
    const spans = await ctx.telemetry.queries.traceById(ctx.organization.id, input.traceId);
    if (spans.length === 0) throw new TRPCError({ code: "NOT_FOUND", message: "Trace not found." });
    return spans;
  }),

  /** The organization's health lines, or the design brief's defaults when none are saved. */
  thresholds: organizationProcedure.query(({ ctx }) => thresholdsOf(ctx)),

  updateThresholds: roleProcedure("admin")
    .input(healthThresholdsSchema)
    .mutation(({ ctx, input }) =>
      ctx.db.$transaction(async (tx) => {
        const saved = await tx.healthThresholds.upsert({
          where: { organizationId: ctx.organization.id },
          create: { organizationId: ctx.organization.id, ...input, updatedById: ctx.user.id },
          update: { ...input, updatedById: ctx.user.id },
        });
        await recordAuditEvent(tx, {
          organizationId: ctx.organization.id,
          action: "health_thresholds.update",
          ...actorOf(ctx),
          target: { type: "health_thresholds", label: "Health thresholds" },
          metadata: { ...input },
        });
        return toThresholds(saved);
      }),
    ),
});

function toThresholds(row: HealthThresholds): HealthThresholds {
  return {
    errorRateWarning: row.errorRateWarning,
    errorRateCritical: row.errorRateCritical,
    p99WarningMs: row.p99WarningMs,
    p99CriticalMs: row.p99CriticalMs,
  };
}

async function thresholdsOf(ctx: { db: Database; organization: { id: string } }): Promise<HealthThresholds> {
  const row = await ctx.db.healthThresholds.findUnique({ where: { organizationId: ctx.organization.id } });
  return row ? toThresholds(row) : DEFAULT_HEALTH_THRESHOLDS;
}

/** The targets behind a service as each agent last reported them (health and breaker state). */
async function targetsOf(
  ctx: { db: Database; organization: { id: string } },
  service: string,
): Promise<ServiceTarget[]> {
  const agents = await ctx.db.agent.findMany({
    where: { organizationId: ctx.organization.id, revokedAt: null, lastHeartbeat: { not: Prisma.DbNull } },
    select: { id: true, name: true, status: true, lastHeartbeat: true },
    orderBy: { name: "asc" },
  });
  const targets: ServiceTarget[] = [];
  for (const agent of agents) {
    // A heartbeat from an older agent version that no longer parses is skipped, not shown half-read.
    const heartbeat = heartbeatSchema.safeParse(agent.lastHeartbeat);
    if (!heartbeat.success) continue;
    for (const target of heartbeat.data.targets) {
      if (target.serviceId !== service) continue;
      targets.push({
        ...target,
        agentId: agent.id,
        agentName: agent.name,
        agentStatus: agent.status,
        reportedAt: heartbeat.data.sentAt,
      });
    }
  }
  return targets;
}
