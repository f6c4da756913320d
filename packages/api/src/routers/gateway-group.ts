import { TRPCError } from "@trpc/server";
import { byIdInput, createGatewayGroupInput } from "@switchyard/contracts";
import { Prisma, recordAuditEvent } from "@switchyard/db";
import { actorOf } from "../audit-actor";
import { createTRPCRouter, organizationProcedure, roleProcedure } from "../trpc";

export const gatewayGroupRouter = createTRPCRouter({
  list: organizationProcedure.query(async ({ ctx }) => {
    const groups = await ctx.db.gatewayGroup.findMany({
      where: { organizationId: ctx.organization.id },
      select: {
        id: true,
        name: true,
        description: true,
        createdAt: true,
        agents: { where: { revokedAt: null }, select: { status: true } },
      },
      orderBy: { name: "asc" },
    });
    return groups.map(({ agents, ...group }) => ({
      ...group,
      agentCount: agents.length,
      onlineCount: agents.filter((a) => a.status === "ONLINE").length,
    }));
  }),

  byId: organizationProcedure.input(byIdInput).query(async ({ ctx, input }) => {
    const group = await ctx.db.gatewayGroup.findFirst({
      where: { id: input.id, organizationId: ctx.organization.id },
      select: { id: true, name: true, description: true, createdAt: true },
    });
    if (!group) throw new TRPCError({ code: "NOT_FOUND", message: "Gateway group not found." });
    return group;
  }),

  create: roleProcedure("admin")
    .input(createGatewayGroupInput)
    .mutation(async ({ ctx, input }) => {
      try {
        return await ctx.db.$transaction(async (tx) => {
          const group = await tx.gatewayGroup.create({
            data: {
              organizationId: ctx.organization.id,
              name: input.name,
              description: input.description ?? null,
            },
            select: { id: true, name: true },
          });
          await recordAuditEvent(tx, {
            organizationId: ctx.organization.id,
            action: "gateway_group.create",
            ...actorOf(ctx),
            target: { type: "gateway_group", id: group.id, label: group.name },
          });
          return group;
        });
      } catch (error) {
        if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
          throw new TRPCError({
            code: "CONFLICT",
            message: `A gateway group named "${input.name}" already exists.`,
          });
        }
        throw error;
      }
    }),

  delete: roleProcedure("admin")
    .input(byIdInput)
    .mutation(async ({ ctx, input }) => {
      await ctx.db.$transaction(async (tx) => {
        const group = await tx.gatewayGroup.findFirst({
          where: { id: input.id, organizationId: ctx.organization.id },
          select: { id: true, name: true, _count: { select: { agents: { where: { revokedAt: null } } } } },
        });
        if (!group) throw new TRPCError({ code: "NOT_FOUND", message: "Gateway group not found." });
        if (group._count.agents > 0) {
          throw new TRPCError({
            code: "PRECONDITION_FAILED",
            message: `Revoke the ${group._count.agents} active agent(s) of "${group.name}" before deleting it.`,
          });
        }
        await tx.gatewayGroup.delete({ where: { id: group.id } });
        await recordAuditEvent(tx, {
          organizationId: ctx.organization.id,
          action: "gateway_group.delete",
          ...actorOf(ctx),
          target: { type: "gateway_group", id: group.id, label: group.name },
        });
      });
    }),
});
