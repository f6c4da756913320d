import { recordAuditEvent, type Database, type Prisma } from "@switchyard/db";

export class RevisionConflictError extends Error {
  constructor(
    readonly expected: number | null,
    readonly latest: number | null,
  ) {
    super(
      `This change was made on revision ${expected ?? "none"}, but the group is now at revision ${latest ?? "none"}. ` +
        "Reload to see the latest configuration, then make the change again.",
    );
    this.name = "RevisionConflictError";
  }
}

export interface CommitRevisionInput {
  organizationId: string;
  groupId: string;
  /** The revision the change was made on; null for the first revision of a group. */
  baseNumber: number | null;
  config: Prisma.InputJsonValue;
  message: string;
  author: { userId: string; label: string } | null;
}

export interface CommittedRevision {
  id: string;
  number: number;
  groupId: string;
  createdAt: Date;
}

/**
 * Writes the next revision of a group and its audit event in one transaction. A change made on an older
 * revision than the latest is refused, so two people editing at once cannot overwrite each other.
 */
export async function commitRevision(db: Database, input: CommitRevisionInput): Promise<CommittedRevision> {
  return db.$transaction(async (tx) => {
    // Serialises commits per group: the row lock is held until the transaction ends.
    const locked = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM "GatewayGroup" WHERE id = ${input.groupId} AND "organizationId" = ${input.organizationId} FOR UPDATE`;
    if (locked.length === 0) throw new Error(`Gateway group ${input.groupId} not found`);
    const latest = await tx.configRevision.findFirst({
      where: { groupId: input.groupId },
      orderBy: { number: "desc" },
      select: { number: true },
    });
    const latestNumber = latest?.number ?? null;
    if (latestNumber !== input.baseNumber) throw new RevisionConflictError(input.baseNumber, latestNumber);

    const revision = await tx.configRevision.create({
      data: {
        organizationId: input.organizationId,
        groupId: input.groupId,
        number: (latestNumber ?? 0) + 1,
        config: input.config,
        message: input.message,
        authorUserId: input.author?.userId ?? null,
        authorLabel: input.author?.label ?? "system",
        parentNumber: latestNumber,
      },
      select: { id: true, number: true, groupId: true, createdAt: true },
    });
    await recordAuditEvent(tx, {
      organizationId: input.organizationId,
      action: "config.revision_commit",
      actor: input.author,
      target: { type: "config_revision", id: revision.id, label: `revision ${revision.number}` },
      metadata: { groupId: input.groupId, message: input.message },
    });
    return revision;
  });
}

/** The newest revision of a group numbered above `after`, or null. */
export function latestRevisionAfter(db: Database, groupId: string, after: number) {
  return db.configRevision.findFirst({
    where: { groupId, number: { gt: after } },
    orderBy: { number: "desc" },
    select: { id: true, number: true, groupId: true, createdAt: true, config: true },
  });
}
