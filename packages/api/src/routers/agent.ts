import { TRPCError } from "@trpc/server";
import { byIdInput, createAgentInput, listAgentsInput } from "@switchyard/contracts";
import { Prisma, recordAuditEvent } from "@switchyard/db";
import { generateAgentToken } from "@switchyard/traffic";
import { actorOf } from "../audit-actor";
import { createTRPCRouter, organizationProcedure, roleProcedure } from "../trpc";

const agentSelect = {
  id: true,
  name: true,
  groupId: true,
  group: { select: { name: true } },
  tokenPrefix: true,
  status: true,
  lastSeenAt: true,
  appliedRevision: true,
  agentVersion: true,
  hostname: true,
  createdAt: true,
  revokedAt: true,
} satisfies Prisma.AgentSelect;

export const agentRouter = createTRPCRouter({
  list: organizationProcedure.input(listAgentsInput).query(({ ctx, input }) =>
    ctx.db.agent.findMany({
      where: { organizationId: ctx.organization.id, ...(input.groupId ? { groupId: input.groupId } : {}) },
      select: agentSelect,
      orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { name: "asc" }],
    }),
  ),

  byId: organizationProcedure.input(byIdInput).query(async ({ ctx, input }) => {
    const agent = await ctx.db.agent.findFirst({
      where: { id: input.id, organizationId: ctx.organization.id },
      select: agentSelect,
    });
    if (!agent) throw new TRPCError({ code: "NOT_FOUND", message: "Agent not found." });
    return agent;
  }),

  /** Registers an agent and returns its token. This is the only time the token is ever shown. */
  create: roleProcedure("admin")
    .input(createAgentInput)
    .mutation(async ({ ctx, input }) => {
      const group = await ctx.db.gatewayGroup.findFirst({
        where: { id: input.groupId, organizationId: ctx.organization.id },
        select: { id: true, name: true },
      });
      if (!group) throw new TRPCError({ code: "NOT_FOUND", message: "Gateway group not found." });
      const { token, hash, displayPrefix } = generateAgentToken();
      try {
        const agent = await ctx.db.$transaction(async (tx) => {
          const created = await tx.agent.create({
            data: {
              organizationId: ctx.organization.id,
              groupId: group.id,
              name: input.name,
              tokenHash: hash,
              tokenPrefix: displayPrefix,
              createdById: ctx.user.id,
            },
            select: { id: true, name: true },
          });
          await recordAuditEvent(tx, {
            organizationId: ctx.organization.id,
            action: "agent.create",
            ...actorOf(ctx),
            target: { type: "agent", id: created.id, label: created.name },
            metadata: { group: group.name, tokenPrefix: displayPrefix },
          });
          return created;
        });
        return { ...agent, token, startCommand: startCommandFor(ctx.publicUrl, token, agent.name) };
      } catch (error) {
        if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
          throw new TRPCError({
            code: "CONFLICT",
            message: `"${group.name}" already has an agent named "${input.name}".`,
          });
        }
        throw error;
      }
    }),

  revoke: roleProcedure("admin")
    .input(byIdInput)
    .mutation(async ({ ctx, input }) => {
      await ctx.db.$transaction(async (tx) => {
        const agent = await tx.agent.findFirst({
          where: { id: input.id, organizationId: ctx.organization.id },
          select: { id: true, name: true, revokedAt: true },
        });
        if (!agent) throw new TRPCError({ code: "NOT_FOUND", message: "Agent not found." });
        if (agent.revokedAt) return;
        await tx.agent.update({
          where: { id: agent.id },
          data: { revokedAt: new Date(), status: "REVOKED" },
        });
        await recordAuditEvent(tx, {
          organizationId: ctx.organization.id,
          action: "agent.revoke",
          ...actorOf(ctx),
          target: { type: "agent", id: agent.id, label: agent.name },
        });
      });
    }),
});

/**
 * How to start a gateway agent with this identity, shown next to the token: a bootstrap file for the
 * gateway (apps/gateway) and the token in the environment, so the token never lands in a file by default.
 */
function startCommandFor(publicUrl: string, token: string, agentName: string): string {
  return [
    "cat > gateway.yaml <<'EOF'",
    `agentId: ${agentName}`,
    `controlPlaneUrl: ${publicUrl}`,
    "listen: { host: 0.0.0.0, port: 8080 }",
    `telemetry: { otlpEndpoint: ${publicUrl} }`,
    "EOF",
    `SWITCHYARD_AGENT_TOKEN=${token} npm run -w @switchyard/gateway start -- --config "$PWD/gateway.yaml"`,
  ].join("\n");
}
