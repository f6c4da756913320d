import type { AuditEventInput } from "@switchyard/db";

/** The audit actor and client address for a request made by a signed-in user. */
export function actorOf(ctx: { user: { id: string; email: string }; clientIp: string | null }) {
  return {
    actor: { userId: ctx.user.id, label: ctx.user.email } satisfies AuditEventInput["actor"],
    ipAddress: ctx.clientIp,
  };
}
