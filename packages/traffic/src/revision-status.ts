import type { Database } from "@switchyard/db";

/**
 * Where one revision stands on each agent of its group, and overall: what the UI shows as
 * "applied on 2/2 agents in 84 ms", or which agent has not converged and why.
 */
export type AgentRevisionState =
  | { state: "applied"; propagationMs: number }
  | { state: "rejected"; propagationMs: number; errors: { path: string; message: string }[] }
  /** The agent never answered this one but already serves a later revision (it was away or busy). */
  | { state: "superseded" }
  /** Online and expected to answer. */
  | { state: "pending" }
  | { state: "offline" };

export interface RevisionStatus {
  total: number;
  applied: number;
  rejected: number;
  pending: number;
  offline: number;
  /** Commit to the last agent's ack, among agents that applied it; null when none has. */
  slowestMs: number | null;
  /** Every agent serves this revision or a later one. */
  converged: boolean;
  agents: Array<{ agentId: string; name: string; lastSeenAt: Date | null } & AgentRevisionState>;
}

export async function revisionStatus(
  db: Database,
  revision: { id: string; groupId: string; number: number },
): Promise<RevisionStatus> {
  const agents = await db.agent.findMany({
    where: { groupId: revision.groupId, revokedAt: null },
    select: {
      id: true,
      name: true,
      status: true,
      lastSeenAt: true,
      appliedRevision: true,
      acks: {
        where: { revisionId: revision.id },
        select: { status: true, propagationMs: true, errors: true },
      },
    },
    orderBy: { name: "asc" },
  });

  const rows = agents.map((agent) => {
    const base = { agentId: agent.id, name: agent.name, lastSeenAt: agent.lastSeenAt };
    const ack = agent.acks[0];
    if (ack?.status === "applied")
      return { ...base, state: "applied" as const, propagationMs: ack.propagationMs };
    if (ack) {
      const errors = Array.isArray(ack.errors) ? (ack.errors as { path: string; message: string }[]) : [];
      return { ...base, state: "rejected" as const, propagationMs: ack.propagationMs, errors };
    }
    if ((agent.appliedRevision ?? 0) > revision.number) return { ...base, state: "superseded" as const };
    return { ...base, state: agent.status === "ONLINE" ? ("pending" as const) : ("offline" as const) };
  });

  const count = (state: AgentRevisionState["state"]) => rows.filter((r) => r.state === state).length;
  const appliedTimes = rows.flatMap((r) => (r.state === "applied" ? [r.propagationMs] : []));
  return {
    total: rows.length,
    applied: count("applied"),
    rejected: count("rejected"),
    pending: count("pending"),
    offline: count("offline"),
    slowestMs: appliedTimes.length > 0 ? Math.max(...appliedTimes) : null,
    converged: rows.length > 0 && rows.every((r) => r.state === "applied" || r.state === "superseded"),
    agents: rows,
  };
}
