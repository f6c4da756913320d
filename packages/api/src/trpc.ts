import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z, ZodError } from "zod";
import { roleAtLeast, type Role } from "@switchyard/auth";
import type { Context } from "./context";

/**
 * A refusal about one input field that only the server can judge (a rollout already running for the
 * service, say). Sent as the cause of a TRPCError, it reaches the client in the same shape as zod's field
 * errors, so a form shows it next to the field.
 */
export class FieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = "FieldError";
  }
}

function fieldErrorsOf(
  cause: unknown,
): { formErrors: string[]; fieldErrors: Record<string, string[] | undefined> } | null {
  if (cause instanceof ZodError) return z.flattenError(cause);
  if (cause instanceof FieldError) return { formErrors: [], fieldErrors: { [cause.field]: [cause.message] } };
  return null;
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  // Input errors carry zod's flattened field errors so forms can show each message next to its field.
  errorFormatter: ({ shape, error }) => ({
    ...shape,
    data: {
      ...shape.data,
      zodError: fieldErrorsOf(error.cause),
    },
  }),
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

export const publicProcedure = t.procedure;

/** Signed-in users only; answers 401 otherwise. */
export const protectedProcedure = t.procedure.use(({ ctx, next }) => {
  if (!ctx.session) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue." });
  return next({ ctx: { ...ctx, session: ctx.session, user: ctx.session.user } });
});

/**
 * Runs in the organization named by the request (see ORGANIZATION_HEADER). An organization the user is not a
 * member of answers 404, exactly like one that does not exist, so ids and slugs reveal nothing.
 */
export const organizationProcedure = protectedProcedure.use(async ({ ctx, next }) => {
  const slug = ctx.organizationSlug;
  if (!slug) {
    throw new TRPCError({ code: "BAD_REQUEST", message: "No organization selected for this request." });
  }
  const membership = await ctx.db.member.findFirst({
    where: { userId: ctx.user.id, organization: { slug } },
    select: { id: true, role: true, organization: { select: { id: true, name: true, slug: true } } },
  });
  if (!membership)
    throw new TRPCError({ code: "NOT_FOUND", message: `Organization "${slug}" was not found.` });
  return next({
    ctx: {
      ...ctx,
      organization: membership.organization,
      membership: { id: membership.id, role: membership.role },
    },
  });
});

/** An organization procedure that needs `minimum` or a stronger role; answers 403 otherwise. */
export function roleProcedure(minimum: Role) {
  return organizationProcedure.use(({ ctx, next }) => {
    if (!roleAtLeast(ctx.membership.role, minimum)) {
      throw new TRPCError({
        code: "FORBIDDEN",
        message: `This needs the ${minimum} role or higher; your role here is ${ctx.membership.role}.`,
      });
    }
    return next();
  });
}
