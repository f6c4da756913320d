import { TRPCError } from "@trpc/server";
import {
  DEFAULT_ROLLOUT_PLAN,
  rolloutPlanSchema,
  rolloutRunInput,
  rolloutServiceInput,
  savePlanInput,
  startRolloutInput,
  type RolloutPlan,
  type StepNumbers,
} from "@switchyard/contracts";
import { recordAuditEvent, type Prisma } from "@switchyard/db";
import { versionTotalsSince } from "@switchyard/telemetry-store";
import {
  abortRollout,
  pauseRollout,
  promoteRollout,
  resumeRollout,
  RolloutError,
  savePlan,
  startRollout,
  type RolloutDeps,
} from "@switchyard/traffic";
import { actorOf } from "../audit-actor";
import { createTRPCRouter, FieldError, organizationProcedure, roleProcedure } from "../trpc";

type OrgCtx = Parameters<Parameters<typeof organizationProcedure.query>[0]>[0]["ctx"];
type UserCtx = OrgCtx & { user: { id: string; email: string } };

function rolloutDeps(ctx: OrgCtx): RolloutDeps {
  return {
    db: ctx.db,
    totalsSince: (query) => versionTotalsSince(ctx.telemetry.pool, query),
    publish: (revision) => ctx.publishRevision(revision),
    scheduleCheck: (check, delayMs) => ctx.scheduleRolloutCheck(check, delayMs),
  };
}

/** Runs a rollout action, turning its refusals into answers that name the field. */
async function act<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof RolloutError) {
      throw new TRPCError({
        code: error.code,
        message: error.message,
        cause: new FieldError(error.field, error.message),
      });
    }
    throw error;
  }
}

async function findGroup(ctx: OrgCtx, groupId: string) {
  const group = await ctx.db.gatewayGroup.findFirst({
    where: { id: groupId, organizationId: ctx.organization.id },
    select: { id: true },
  });
  if (!group) {
    throw new TRPCError({
      code: "NOT_FOUND",
      message: "Gateway group not found.",
      cause: new FieldError("groupId", "Gateway group not found."),
    });
  }
  return group;
}

const actor = (ctx: UserCtx) => actorOf(ctx).actor;
const planOf = (input: RolloutPlan): RolloutPlan => rolloutPlanSchema.parse(input);

interface RunLastCheck {
  at?: string;
  outcome?: string;
  reason?: string;
  numbers?: StepNumbers;
}

export const rolloutRouter = createTRPCRouter({
  /**
   * The service's plan (saved, or the defaults), its latest run with the timeline and the numbers behind
   * each decision, and the runs before it.
   */
  overview: organizationProcedure.input(rolloutServiceInput).query(async ({ ctx, input }) => {
    const group = await findGroup(ctx, input.groupId);
    const where = { organizationId: ctx.organization.id, groupId: group.id, serviceId: input.serviceId };
    const [saved, runs] = await Promise.all([
      ctx.db.rolloutPlan.findFirst({ where }),
      ctx.db.rolloutRun.findMany({
        where,
        orderBy: { createdAt: "desc" },
        take: 5,
        include: { events: { orderBy: { createdAt: "asc" } } },
      }),
    ]);
    const parsedPlan = rolloutPlanSchema.safeParse(saved?.plan);
    return {
      defaults: DEFAULT_ROLLOUT_PLAN,
      plan: parsedPlan.success ? parsedPlan.data : DEFAULT_ROLLOUT_PLAN,
      planSaved: parsedPlan.success,
      runs: runs.map((run) => {
        const plan = rolloutPlanSchema.parse(run.plan);
        return {
          id: run.id,
          status: run.status,
          stableVersion: run.stableVersion,
          canaryVersion: run.canaryVersion,
          plan,
          stepIndex: run.stepIndex,
          percent: run.status === "rolled_back" || run.status === "aborted" ? 0 : plan.steps[run.stepIndex]!,
          stepStartedAt: run.stepStartedAt,
          lastCheck: (run.lastCheck as RunLastCheck | null) ?? null,
          startedByLabel: run.startedByLabel,
          createdAt: run.createdAt,
          endedAt: run.endedAt,
          events: run.events.map((event) => ({
            id: event.id,
            kind: event.kind,
            stepIndex: event.stepIndex,
            percent: event.percent,
            reason: event.reason,
            numbers: (event.numbers as StepNumbers | null) ?? null,
            revisionNumber: event.revisionNumber,
            actorLabel: event.actorLabel,
            createdAt: event.createdAt,
          })),
        };
      }),
    };
  }),

  savePlan: roleProcedure("operator")
    .input(savePlanInput)
    .mutation(async ({ ctx, input }) => {
      const group = await findGroup(ctx, input.groupId);
      const { groupId: _group, serviceId, ...plan } = input;
      await ctx.db.$transaction(async (tx) => {
        await savePlan(tx, {
          organizationId: ctx.organization.id,
          groupId: group.id,
          serviceId,
          plan: planOf(plan),
          actor: actor(ctx),
        });
        await recordAuditEvent(tx, {
          organizationId: ctx.organization.id,
          action: "rollout.plan_save",
          ...actorOf(ctx),
          target: { type: "rollout_plan", label: `rollout plan of ${serviceId}` },
          metadata: { groupId: group.id, serviceId, ...plan } as Prisma.InputJsonObject,
        });
      });
      return { saved: true };
    }),

  start: roleProcedure("operator")
    .input(startRolloutInput)
    .mutation(async ({ ctx, input }) => {
      const group = await findGroup(ctx, input.groupId);
      const { groupId: _group, serviceId, ...plan } = input;
      return act(() =>
        startRollout(rolloutDeps(ctx), {
          organizationId: ctx.organization.id,
          groupId: group.id,
          serviceId,
          plan: planOf(plan),
          actor: actor(ctx),
        }),
      );
    }),

  pause: roleProcedure("operator")
    .input(rolloutRunInput)
    .mutation(({ ctx, input }) =>
      act(() =>
        pauseRollout(rolloutDeps(ctx), {
          organizationId: ctx.organization.id,
          runId: input.runId,
          actor: actor(ctx),
        }),
      ),
    ),

  resume: roleProcedure("operator")
    .input(rolloutRunInput)
    .mutation(({ ctx, input }) =>
      act(() =>
        resumeRollout(rolloutDeps(ctx), {
          organizationId: ctx.organization.id,
          runId: input.runId,
          actor: actor(ctx),
        }),
      ),
    ),

  promote: roleProcedure("operator")
    .input(rolloutRunInput)
    .mutation(({ ctx, input }) =>
      act(() =>
        promoteRollout(rolloutDeps(ctx), {
          organizationId: ctx.organization.id,
          runId: input.runId,
          actor: actor(ctx),
        }),
      ),
    ),

  abort: roleProcedure("operator")
    .input(rolloutRunInput)
    .mutation(({ ctx, input }) =>
      act(() =>
        abortRollout(rolloutDeps(ctx), {
          organizationId: ctx.organization.id,
          runId: input.runId,
          actor: actor(ctx),
        }),
      ),
    ),
});
