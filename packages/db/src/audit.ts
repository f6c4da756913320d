import type { Prisma } from "./generated/prisma/client";

/** Every action the audit log knows, so the UI can label and filter them and typos fail to compile. */
export const auditActions = [
  "auth.sign_in",
  "organization.create",
  "member.invite",
  "member.invitation_cancel",
  "member.join",
  "member.role_change",
  "member.remove",
  "gateway_group.create",
  "gateway_group.delete",
  "agent.create",
  "agent.revoke",
  "agent.offline",
  "ingest_key.create",
  "ingest_key.revoke",
  "agent.online",
  "config.revision_commit",
  "health_thresholds.update",
  "rollout.plan_save",
  "rollout.start",
  "rollout.pause",
  "rollout.resume",
  "rollout.promote",
  "rollout.abort",
  "rollout.rollback",
  "alert_rule.create",
  "alert_rule.update",
  "alert_rule.enable",
  "alert_rule.disable",
  "alert_rule.delete",
  "notification_channel.create",
  "notification_channel.update",
  "notification_channel.delete",
  "notification_channel.test",
  "incident.acknowledge",
  "alert_silence.create",
  "alert_silence.expire",
] as const;
export type AuditAction = (typeof auditActions)[number];

export interface AuditEventInput {
  organizationId: string;
  action: AuditAction;
  /** null when the system acted on its own (a scheduled job, an agent's state change); a rollout acting on
   *  its own names itself with a null userId. */
  actor: { userId: string | null; label: string } | null;
  target: { type: string; id?: string | null; label?: string | null };
  metadata?: Prisma.InputJsonObject;
  ipAddress?: string | null;
}

type AuditWriter = {
  auditEvent: { create(args: { data: Prisma.AuditEventUncheckedCreateInput }): Promise<unknown> };
};

/** Records an audit event. Pass the transaction client so the event commits or rolls back with the change. */
export async function recordAuditEvent(tx: AuditWriter, event: AuditEventInput): Promise<void> {
  await tx.auditEvent.create({
    data: {
      organizationId: event.organizationId,
      action: event.action,
      actorUserId: event.actor?.userId ?? null,
      actorLabel: event.actor?.label ?? "system",
      targetType: event.target.type,
      targetId: event.target.id ?? null,
      targetLabel: event.target.label ?? null,
      metadata: event.metadata ?? {},
      ipAddress: event.ipAddress ?? null,
    },
  });
}
