import { TRPCError } from "@trpc/server";
import {
  commitConfigInput,
  groupInput,
  listRevisionsInput,
  parseGatewayConfig,
  rateLimitFromFields,
  removeRateLimitInput,
  revertInput,
  revisionDiffInput,
  setCanaryInput,
  setRateLimitInput,
  setWeightsInput,
} from "@switchyard/contracts";
import type { Prisma } from "@switchyard/db";
import {
  commitRevision,
  ConfigEditError,
  diffConfigs,
  RevisionConflictError,
  revisionStatus,
  setCanaryPercent,
  setRouteRateLimit,
  setTargetWeights,
  sharedLimitFallbacks,
} from "@switchyard/traffic";
import { createTRPCRouter, organizationProcedure, roleProcedure } from "../trpc";

type OrgCtx = Parameters<Parameters<typeof organizationProcedure.query>[0]>[0]["ctx"];
type Json = Record<string, unknown>;

async function findGroup(ctx: OrgCtx, groupId: string) {
  const group = await ctx.db.gatewayGroup.findFirst({
    where: { id: groupId, organizationId: ctx.organization.id },
    select: { id: true, name: true },
  });
  if (!group) throw new TRPCError({ code: "NOT_FOUND", message: "Gateway group not found." });
  return group;
}

/** What the traffic procedures read of a revision: the configuration and who made it when. */
const revisionSelect = {
  id: true,
  number: true,
  groupId: true,
  config: true,
  message: true,
  authorLabel: true,
  createdAt: true,
} satisfies Prisma.ConfigRevisionSelect;

async function findRevision(ctx: OrgCtx, groupId: string, number: number) {
  const revision = await ctx.db.configRevision.findUnique({
    where: { groupId_number: { groupId, number } },
    select: revisionSelect,
  });
  if (!revision) throw new TRPCError({ code: "NOT_FOUND", message: `Revision ${number} not found.` });
  return revision;
}

/** The configuration a change starts from: the revision the person was looking at. */
async function baseConfig(ctx: OrgCtx, groupId: string, baseNumber: number | null): Promise<Json> {
  if (baseNumber === null) return {};
  return (await findRevision(ctx, groupId, baseNumber)).config as Json;
}

/**
 * Validates a configuration with the schema the agents use, commits it as the next revision (refusing a
 * stale base), and wakes the group's agents. Nothing is written when the configuration is invalid.
 */
async function commitChange(
  ctx: OrgCtx & { user: { id: string; email: string } },
  input: { groupId: string; baseNumber: number | null; config: Json; message: string },
) {
  const parsed = parseGatewayConfig(input.config);
  if (!parsed.ok) {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: parsed.issues.map((issue) => `${issue.path}: ${issue.message}`).join("; "),
    });
  }
  try {
    const revision = await commitRevision(ctx.db, {
      organizationId: ctx.organization.id,
      groupId: input.groupId,
      baseNumber: input.baseNumber,
      config: input.config as Prisma.InputJsonObject,
      message: input.message,
      author: { userId: ctx.user.id, label: ctx.user.email },
    });
    await ctx.publishRevision({
      id: revision.id,
      organizationId: ctx.organization.id,
      groupId: revision.groupId,
      number: revision.number,
      snapshot: { createdAt: revision.createdAt, config: input.config },
    });
    return { number: revision.number, createdAt: revision.createdAt };
  } catch (error) {
    if (error instanceof RevisionConflictError)
      throw new TRPCError({ code: "CONFLICT", message: error.message });
    throw error;
  }
}

/**
 * A change made from the Traffic page: `edit` turns the revision the person was looking at into the new
 * configuration, which is then validated and committed on top of it.
 */
async function commitEdit(
  ctx: OrgCtx & { user: { id: string; email: string } },
  input: { groupId: string; baseNumber: number | null; message?: string | undefined },
  edit: (base: Json) => Json,
  defaultMessage: string,
) {
  const group = await findGroup(ctx, input.groupId);
  const base = await baseConfig(ctx, group.id, input.baseNumber);
  let config: Json;
  try {
    config = edit(base);
  } catch (error) {
    if (error instanceof ConfigEditError)
      throw new TRPCError({ code: "BAD_REQUEST", message: error.message });
    throw error;
  }
  return commitChange(ctx, {
    groupId: group.id,
    baseNumber: input.baseNumber,
    config,
    message: input.message || defaultMessage,
  });
}

export const trafficRouter = createTRPCRouter({
  /** The group's current revision (raw and with defaults filled in) and how far it has propagated. */
  current: organizationProcedure.input(groupInput).query(async ({ ctx, input }) => {
    const group = await findGroup(ctx, input.groupId);
    const latest = await ctx.db.configRevision.findFirst({
      where: { groupId: group.id },
      orderBy: { number: "desc" },
      select: revisionSelect,
    });
    if (!latest) return { group, revision: null, sharedLimitFallbacks: [] };
    const parsed = parseGatewayConfig(latest.config);
    const [status, fallbacks] = await Promise.all([
      revisionStatus(ctx.db, latest),
      sharedLimitFallbacks(ctx.db, group.id),
    ]);
    return {
      group,
      revision: { ...latest, effective: parsed.ok ? parsed.config : null, status },
      /** Agents whose shared rate limits are decided with their own buckets right now, and why. */
      sharedLimitFallbacks: fallbacks,
    };
  }),

  revisions: organizationProcedure.input(listRevisionsInput).query(async ({ ctx, input }) => {
    const group = await findGroup(ctx, input.groupId);
    const revisions = await ctx.db.configRevision.findMany({
      where: { groupId: group.id },
      orderBy: { number: "desc" },
      take: input.limit,
      select: {
        id: true,
        number: true,
        groupId: true,
        message: true,
        authorLabel: true,
        parentNumber: true,
        createdAt: true,
      },
    });
    return Promise.all(
      revisions.map(async (revision) => ({ ...revision, status: await revisionStatus(ctx.db, revision) })),
    );
  }),

  diff: organizationProcedure.input(revisionDiffInput).query(async ({ ctx, input }) => {
    const group = await findGroup(ctx, input.groupId);
    const [from, to] = await Promise.all([
      findRevision(ctx, group.id, input.from),
      findRevision(ctx, group.id, input.to),
    ]);
    return diffConfigs(from.config, to.config);
  }),

  commit: roleProcedure("operator")
    .input(commitConfigInput)
    .mutation(async ({ ctx, input }) => {
      const group = await findGroup(ctx, input.groupId);
      return commitChange(ctx, {
        groupId: group.id,
        baseNumber: input.baseNumber,
        config: input.config,
        message: input.message || "Edited the configuration",
      });
    }),

  /** Makes a new revision with the configuration of an earlier one. */
  revert: roleProcedure("operator")
    .input(revertInput)
    .mutation(async ({ ctx, input }) => {
      const group = await findGroup(ctx, input.groupId);
      const target = await findRevision(ctx, group.id, input.toNumber);
      return commitChange(ctx, {
        groupId: group.id,
        baseNumber: input.baseNumber,
        config: target.config as Json,
        message: input.message || `Reverted to revision ${target.number}`,
      });
    }),

  setCanary: roleProcedure("operator")
    .input(setCanaryInput)
    .mutation(({ ctx, input }) =>
      commitEdit(
        ctx,
        input,
        (base) => setCanaryPercent(base, input.serviceId, input.canaryPercent),
        `Canary of ${input.serviceId} to ${input.canaryPercent}%`,
      ),
    ),

  setWeights: roleProcedure("operator")
    .input(setWeightsInput)
    .mutation(({ ctx, input }) =>
      commitEdit(
        ctx,
        input,
        (base) => setTargetWeights(base, input.serviceId, input.weights),
        `Weights of ${input.serviceId} changed`,
      ),
    ),

  setRateLimit: roleProcedure("operator")
    .input(setRateLimitInput)
    .mutation(({ ctx, input }) =>
      commitEdit(
        ctx,
        input,
        (base) => setRouteRateLimit(base, input.routeId, rateLimitFromFields(input)),
        `Rate limit of ${input.routeId} changed`,
      ),
    ),

  removeRateLimit: roleProcedure("operator")
    .input(removeRateLimitInput)
    .mutation(({ ctx, input }) =>
      commitEdit(
        ctx,
        input,
        (base) => setRouteRateLimit(base, input.routeId, null),
        `Rate limit of ${input.routeId} removed`,
      ),
    ),
});
