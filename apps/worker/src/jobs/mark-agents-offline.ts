import type { JobPayload } from "@switchyard/contracts";
import { AgentStatus, recordAuditEvent } from "@switchyard/db";
import type { JobContext } from "../registry";

/**
 * Marks ONLINE agents whose last heartbeat is older than `silentAfterMs` as OFFLINE, with an `agent.offline`
 * audit event for each in the same transaction. The UPDATE re-checks status and lastSeenAt under the row
 * lock, so a heartbeat that lands meanwhile keeps its agent online and two sweeps never mark one agent twice.
 */
export async function markAgentsOffline(
  payload: JobPayload<"agents.mark-offline">,
  { db, logger }: JobContext,
): Promise<{ markedOffline: number }> {
  const cutoff = new Date(Date.now() - payload.silentAfterMs);
  const marked = await db.$transaction(
    async (tx) => {
      const agents = await tx.agent.updateManyAndReturn({
        where: { status: AgentStatus.ONLINE, lastSeenAt: { lt: cutoff } },
        data: { status: AgentStatus.OFFLINE },
        select: { id: true, organizationId: true, name: true, lastSeenAt: true },
      });
      for (const agent of agents) {
        await recordAuditEvent(tx, {
          organizationId: agent.organizationId,
          action: "agent.offline",
          actor: null,
          target: { type: "agent", id: agent.id, label: agent.name },
          metadata: {
            lastSeenAt: agent.lastSeenAt?.toISOString() ?? null,
            silentAfterMs: payload.silentAfterMs,
          },
        });
      }
      return agents;
    },
    // A sweep that waits on row locks longer than its own interval is better retried than left hanging.
    { timeout: 15_000 },
  );
  if (marked.length > 0) {
    logger.info(
      { agents: marked.map((a) => ({ id: a.id, name: a.name })) },
      `marked ${marked.length} agent(s) offline`,
    );
  }
  return { markedOffline: marked.length };
}
