import { createTRPCRouter, protectedProcedure } from "../trpc";

export const viewerRouter = createTRPCRouter({
  /** The signed-in user and every organization they belong to, for the organization switcher. */
  me: protectedProcedure.query(async ({ ctx }) => {
    const memberships = await ctx.db.member.findMany({
      where: { userId: ctx.user.id },
      select: { role: true, organization: { select: { id: true, name: true, slug: true } } },
      orderBy: { createdAt: "asc" },
    });
    return {
      user: { id: ctx.user.id, name: ctx.user.name, email: ctx.user.email },
      organizations: memberships.map((m) => ({ ...m.organization, role: m.role })),
    };
  }),
});
