import { TRPCError } from "@trpc/server";
import { byIdInput, inviteMemberInput, updateMemberRoleInput } from "@switchyard/contracts";
import { recordAuditEvent } from "@switchyard/db";
import { roleAtLeast } from "@switchyard/auth";
import { actorOf } from "../audit-actor";
import { rethrowAuthError } from "../auth-errors";
import { createTRPCRouter, organizationProcedure, protectedProcedure, roleProcedure } from "../trpc";

export const memberRouter = createTRPCRouter({
  list: organizationProcedure.query(async ({ ctx }) => {
    const members = await ctx.db.member.findMany({
      where: { organizationId: ctx.organization.id },
      select: {
        id: true,
        role: true,
        createdAt: true,
        user: { select: { id: true, name: true, email: true } },
      },
      orderBy: { createdAt: "asc" },
    });
    return members;
  }),

  invitations: roleProcedure("admin").query(({ ctx }) =>
    ctx.db.invitation.findMany({
      where: { organizationId: ctx.organization.id, status: "pending", expiresAt: { gt: new Date() } },
      select: { id: true, email: true, role: true, expiresAt: true, createdAt: true },
      orderBy: { createdAt: "desc" },
    }),
  ),

  /** Creates an invitation and returns the link to give the invitee (no mail server is needed). */
  invite: roleProcedure("admin")
    .input(inviteMemberInput)
    .mutation(async ({ ctx, input }) => {
      const existing = await ctx.db.member.findFirst({
        where: { organizationId: ctx.organization.id, user: { email: input.email } },
        select: { id: true },
      });
      if (existing) {
        throw new TRPCError({
          code: "CONFLICT",
          message: `${input.email} is already a member of this organization.`,
        });
      }
      const invitation = await ctx.auth.api
        .createInvitation({
          headers: ctx.headers,
          body: { email: input.email, role: input.role, organizationId: ctx.organization.id },
        })
        .catch(rethrowAuthError);
      await recordAuditEvent(ctx.db, {
        organizationId: ctx.organization.id,
        action: "member.invite",
        ...actorOf(ctx),
        target: { type: "invitation", id: invitation.id, label: input.email },
        metadata: { role: input.role },
      });
      return { id: invitation.id, link: `${ctx.publicUrl}/invite/${invitation.id}` };
    }),

  cancelInvitation: roleProcedure("admin")
    .input(byIdInput)
    .mutation(async ({ ctx, input }) => {
      const invitation = await ctx.db.invitation.findFirst({
        where: { id: input.id, organizationId: ctx.organization.id, status: "pending" },
      });
      if (!invitation) throw new TRPCError({ code: "NOT_FOUND", message: "Invitation not found." });
      await ctx.db.$transaction(async (tx) => {
        await tx.invitation.update({ where: { id: invitation.id }, data: { status: "canceled" } });
        await recordAuditEvent(tx, {
          organizationId: ctx.organization.id,
          action: "member.invitation_cancel",
          ...actorOf(ctx),
          target: { type: "invitation", id: invitation.id, label: invitation.email },
        });
      });
    }),

  updateRole: roleProcedure("admin")
    .input(updateMemberRoleInput)
    .mutation(async ({ ctx, input }) => {
      const member = await findMember(ctx, input.memberId);
      // Only an owner may make or unmake owners; an admin may not promote anyone above themselves.
      if ((input.role === "owner" || member.role === "owner") && !roleAtLeast(ctx.membership.role, "owner")) {
        throw new TRPCError({ code: "FORBIDDEN", message: "Only an owner can change who is an owner." });
      }
      if (member.role === "owner" && input.role !== "owner") await assertAnotherOwner(ctx, member.id);
      await ctx.db.$transaction(async (tx) => {
        await tx.member.update({ where: { id: member.id }, data: { role: input.role } });
        await recordAuditEvent(tx, {
          organizationId: ctx.organization.id,
          action: "member.role_change",
          ...actorOf(ctx),
          target: { type: "member", id: member.id, label: member.user.email },
          metadata: { from: member.role, to: input.role },
        });
      });
    }),

  remove: roleProcedure("admin")
    .input(byIdInput)
    .mutation(async ({ ctx, input }) => {
      const member = await findMember(ctx, input.id);
      if (member.role === "owner") {
        if (!roleAtLeast(ctx.membership.role, "owner")) {
          throw new TRPCError({ code: "FORBIDDEN", message: "Only an owner can remove an owner." });
        }
        await assertAnotherOwner(ctx, member.id);
      }
      await ctx.db.$transaction(async (tx) => {
        await tx.member.delete({ where: { id: member.id } });
        await recordAuditEvent(tx, {
          organizationId: ctx.organization.id,
          action: "member.remove",
          ...actorOf(ctx),
          target: { type: "member", id: member.id, label: member.user.email },
        });
      });
    }),

  /** What the invitee sees before accepting: who invited them to what. Only for the invited address. */
  invitation: protectedProcedure.input(byIdInput).query(async ({ ctx, input }) => {
    const invitation = await ctx.db.invitation.findUnique({
      where: { id: input.id },
      select: {
        id: true,
        email: true,
        role: true,
        status: true,
        expiresAt: true,
        organization: { select: { name: true, slug: true } },
        inviter: { select: { name: true, email: true } },
      },
    });
    if (!invitation || invitation.email !== ctx.user.email.toLowerCase()) {
      throw new TRPCError({
        code: "NOT_FOUND",
        message: "This invitation does not exist or is for someone else.",
      });
    }
    return invitation;
  }),

  acceptInvitation: protectedProcedure.input(byIdInput).mutation(async ({ ctx, input }) => {
    const invitation = await ctx.db.invitation.findUnique({
      where: { id: input.id },
      select: { email: true },
    });
    if (!invitation || invitation.email !== ctx.user.email.toLowerCase()) {
      throw new TRPCError({
        code: "NOT_FOUND",
        message: "This invitation does not exist or is for someone else.",
      });
    }
    const accepted = await ctx.auth.api
      .acceptInvitation({ headers: ctx.headers, body: { invitationId: input.id } })
      .catch(rethrowAuthError);
    if (!accepted) throw new TRPCError({ code: "NOT_FOUND", message: "This invitation is no longer valid." });
    const organization = await ctx.db.organization.findUniqueOrThrow({
      where: { id: accepted.invitation.organizationId },
      select: { id: true, slug: true },
    });
    await recordAuditEvent(ctx.db, {
      organizationId: organization.id,
      action: "member.join",
      ...actorOf(ctx),
      target: { type: "member", id: accepted.member.id, label: ctx.user.email },
      metadata: { role: accepted.member.role },
    });
    return { organizationSlug: organization.slug };
  }),
});

type OrgCtx = Parameters<Parameters<typeof organizationProcedure.query>[0]>[0]["ctx"];

async function findMember(ctx: OrgCtx, memberId: string) {
  const member = await ctx.db.member.findFirst({
    where: { id: memberId, organizationId: ctx.organization.id },
    select: { id: true, role: true, user: { select: { email: true } } },
  });
  if (!member) throw new TRPCError({ code: "NOT_FOUND", message: "Member not found." });
  return member;
}

async function assertAnotherOwner(ctx: OrgCtx, exceptMemberId: string) {
  const owners = await ctx.db.member.count({
    where: { organizationId: ctx.organization.id, role: "owner", id: { not: exceptMemberId } },
  });
  if (owners === 0) {
    throw new TRPCError({ code: "BAD_REQUEST", message: "An organization needs at least one owner." });
  }
}
