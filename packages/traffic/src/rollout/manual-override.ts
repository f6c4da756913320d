import type { Prisma } from "@switchyard/db";

type Json = Record<string, unknown>;

/** A service's split as stored (null when the service or its split is gone), compared as JSON. */
export function splitOf(config: unknown, serviceId: string): Json | null {
  const services = ((config as Json | null | undefined)?.services ?? {}) as Record<string, Json>;
  return (services[serviceId]?.split as Json | undefined) ?? null;
}

const canaryPercentOf = (split: Json | null) =>
  typeof split?.canaryPercent === "number" ? split.canaryPercent : 0;

/**
 * The slider is the manual override: a revision that changes the split of a service whose rollout is
 * running, and that the rollout did not make itself, pauses that rollout (same transaction as the commit),
 * so the plan never pushes the canary back over a person's change. The pause says who moved it and where.
 */
export async function pauseRolloutsOnManualSplitChange(
  tx: Prisma.TransactionClient,
  change: {
    organizationId: string;
    groupId: string;
    previous: unknown;
    next: unknown;
    revisionNumber: number;
    actorLabel: string;
    rolloutRunId: string | null;
  },
): Promise<void> {
  const running = await tx.rolloutRun.findMany({
    where: {
      organizationId: change.organizationId,
      groupId: change.groupId,
      status: "running",
      ...(change.rolloutRunId ? { id: { not: change.rolloutRunId } } : {}),
    },
    select: { id: true, serviceId: true, stepIndex: true },
  });
  for (const run of running) {
    const before = splitOf(change.previous, run.serviceId);
    const after = splitOf(change.next, run.serviceId);
    if (JSON.stringify(before) === JSON.stringify(after)) continue;
    const percent = canaryPercentOf(after);
    await tx.rolloutRun.update({ where: { id: run.id }, data: { status: "paused", nextCheckAt: null } });
    await tx.rolloutEvent.create({
      data: {
        organizationId: change.organizationId,
        runId: run.id,
        kind: "paused",
        stepIndex: run.stepIndex,
        percent,
        reason:
          after === null
            ? `The split of ${run.serviceId} was removed by hand in revision ${change.revisionNumber}; the plan is paused.`
            : `The split of ${run.serviceId} was changed by hand in revision ${change.revisionNumber} ` +
              `(canary at ${percent}%); the plan is paused and leaves it there until someone resumes it.`,
        revisionNumber: change.revisionNumber,
        actorLabel: change.actorLabel,
      },
    });
  }
}
