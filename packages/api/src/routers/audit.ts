import { listAuditEventsInput } from "@switchyard/contracts";
import { createTRPCRouter, organizationProcedure } from "../trpc";

export const auditRouter = createTRPCRouter({
  /** Newest first, in pages; `nextCursor` is null on the last page. */
  list: organizationProcedure.input(listAuditEventsInput).query(async ({ ctx, input }) => {
    const events = await ctx.db.auditEvent.findMany({
      where: { organizationId: ctx.organization.id, ...(input.action ? { action: input.action } : {}) },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: input.limit + 1,
      ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}),
      select: {
        id: true,
        action: true,
        actorLabel: true,
        targetType: true,
        targetId: true,
        targetLabel: true,
        metadata: true,
        ipAddress: true,
        createdAt: true,
      },
    });
    const hasMore = events.length > input.limit;
    const page = hasMore ? events.slice(0, input.limit) : events;
    return { events: page, nextCursor: hasMore ? (page.at(-1)?.id ?? null) : null };
  }),
});
