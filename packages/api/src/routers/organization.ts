import { TRPCError } from "@trpc/server";
import { createOrganizationInput } from "@switchyard/contracts";
import { recordAuditEvent } from "@switchyard/db";
import { actorOf } from "../audit-actor";
import { rethrowAuthError } from "../auth-errors";
import { createTRPCRouter, organizationProcedure, protectedProcedure } from "../trpc";

export const organizationRouter = createTRPCRouter({
  /** The organization of the current page and the caller's role in it. */
  current: organizationProcedure.query(({ ctx }) => ({ ...ctx.organization, role: ctx.membership.role })),

  create: protectedProcedure.input(createOrganizationInput).mutation(async ({ ctx, input }) => {
    const taken = await ctx.db.organization.findUnique({ where: { slug: input.slug }, select: { id: true } });
    if (taken) {
      throw new TRPCError({
        code: "CONFLICT",
        message: `The address "${input.slug}" is taken; choose another.`,
      });
    }
    const created = await ctx.auth.api
      .createOrganization({ headers: ctx.headers, body: { name: input.name, slug: input.slug } })
      .catch(rethrowAuthError);
    if (!created)
      throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "The organization was not created." });
    await recordAuditEvent(ctx.db, {
      organizationId: created.id,
      action: "organization.create",
      ...actorOf(ctx),
      target: { type: "organization", id: created.id, label: created.name },
    });
    return { id: created.id, name: created.name, slug: created.slug };
  }),
});
