import { recordAuditEvent, type Database, type Prisma } from "@switchyard/db";
import { pauseRolloutsOnManualSplitChange } from "./rollout/manual-override";

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
  /** null when the system made the change; a rollout names itself in `label` with no user. */
  author: { userId: string | null; label: string } | null;
  /** Set when a rollout run makes this change, so it does not count as a manual edit of that run's split. */
  rolloutRunId?: string;
}

export interface CommittedRevision {
  id: string;
  number: number;
  groupId: string;
  createdAt: Date;
}

/** Locks the group's row until the transaction ends, which serialises commits (and rollout steps) per group. */
export async function lockGroup(tx: Prisma.TransactionClient, organizationId: string, groupId: string) {
  const locked = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM "GatewayGroup" WHERE id = ${groupId} AND "organizationId" = ${organizationId} FOR UPDATE`;
  if (locked.length === 0) throw new Error(`Gateway group ${groupId} not found`);
}

export function latestRevision(tx: Prisma.TransactionClient, groupId: string) {
  return tx.configRevision.findFirst({
    where: { groupId },
    orderBy: { number: "desc" },
    select: { number: true, config: true },
  });
}

/**
 * Writes the next revision of a group and its audit event in one transaction. A change made on an older
 * revision than the latest is refused, so two people editing at once cannot overwrite each other.
 */
export async function commitRevision(db: Database, input: CommitRevisionInput): Promise<CommittedRevision> {
  return db.$transaction((tx) => commitRevisionInTransaction(tx, input));
}

/**
 * `commitRevision` inside a transaction the caller holds, for changes that must commit together with other
 * writes (a rollout's step and its revision). A change to a service's split that a running rollout did not
 * make pauses that rollout in the same transaction: the manual change wins and the plan stops pushing.
 */
export async function commitRevisionInTransaction(
  tx: Prisma.TransactionClient,
  input: CommitRevisionInput,
): Promise<CommittedRevision> {
  await lockGroup(tx, input.organizationId, input.groupId);
  const latest = await latestRevision(tx, input.groupId);
  const latestNumber = latest?.number ?? null;
  if (latestNumber !== input.baseNumber) throw new RevisionConflictError(input.baseNumber, latestNumber);
  const number = (latestNumber ?? 0) + 1;
  await pauseRolloutsOnManualSplitChange(tx, {
    organizationId: input.organizationId,
    groupId: input.groupId,
    previous: latest?.config,
    next: input.config,
    revisionNumber: number,
    actorLabel: input.author?.label ?? "system",
    rolloutRunId: input.rolloutRunId ?? null,
  });

  // The revision row is written after the rollout check, with only its audit event before the commit: its
  // `createdAt` is where propagation times start, so it stays close to the commit.
  const revision = await tx.configRevision.create({
    data: {
      organizationId: input.organizationId,
      groupId: input.groupId,
      number,
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
}

/** The newest revision of a group numbered above `after`, or null. */
export function latestRevisionAfter(db: Database, groupId: string, after: number) {
  return db.configRevision.findFirst({
    where: { groupId, number: { gt: after } },
    orderBy: { number: "desc" },
    select: { id: true, number: true, groupId: true, createdAt: true, config: true },
  });
}
