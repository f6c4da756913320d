import {
  heartbeatIntervalMs,
  sharedRateLimitStatusSchema,
  type SharedRateLimitStatus,
} from "@switchyard/contracts";
import type { Database } from "@switchyard/db";

/** A fallback this long before a heartbeat still counts: two heartbeats, so one quiet interval never hides it. */
export const RECENT_FALLBACK_MS = 2 * heartbeatIntervalMs;

/**
 * Why an agent decides its shared rate limits with its own buckets (each gateway then lets the full limit
 * through, so the group as a whole allows more), or null while Redis decides them. `sentAt` is the
 * heartbeat's own time, on the same clock as the fallback's.
 */
export function sharedLimitFallback(status: SharedRateLimitStatus, sentAt: Date): string | null {
  const error = status.lastError ? ` (${status.lastError})` : "";
  switch (status.connection) {
    case "not_configured":
      return "no Redis in its bootstrap: limits per gateway";
    case "connecting":
      return "not connected to Redis yet: limits with its own buckets";
    case "unreachable":
      return `Redis unreachable${error}: limits with its own buckets`;
    case "connected": {
      const last = status.lastFallbackAt === null ? null : Date.parse(status.lastFallbackAt);
      if (last === null || sentAt.getTime() - last > RECENT_FALLBACK_MS) return null;
      return `Redis slow or failing${error}: some decisions taken with its own buckets`;
    }
  }
}

export interface AgentSharedLimitFallback {
  agentId: string;
  name: string;
  reason: string;
}

/** The online agents of a group whose last heartbeat says shared limits are falling back to local buckets. */
export async function sharedLimitFallbacks(
  db: Database,
  groupId: string,
): Promise<AgentSharedLimitFallback[]> {
  const agents = await db.agent.findMany({
    where: { groupId, revokedAt: null, status: "ONLINE" },
    select: { id: true, name: true, lastHeartbeat: true },
    orderBy: { name: "asc" },
  });
  return agents.flatMap((agent) => {
    const beat = (agent.lastHeartbeat ?? {}) as { sentAt?: unknown; sharedRateLimits?: unknown };
    // Agents older than the field report nothing about it; nothing is claimed for them.
    const status = sharedRateLimitStatusSchema.safeParse(beat.sharedRateLimits);
    if (!status.success || typeof beat.sentAt !== "string") return [];
    const reason = sharedLimitFallback(status.data, new Date(beat.sentAt));
    return reason === null ? [] : [{ agentId: agent.id, name: agent.name, reason }];
  });
}
