import type { JobPayload } from "@switchyard/contracts";
import { revisionStatus } from "@switchyard/traffic";
import type { JobContext } from "../registry";

const POLL_MS = 100;

/**
 * Wakes every agent of the group that is holding a config watch (on any web process, through Redis), then
 * follows the acknowledgements until every agent has applied the revision or the deadline passes, and
 * returns (and logs) where it ended: which agents confirmed, refused, stayed silent or were offline.
 */
export async function publishRevision(
  payload: JobPayload<"config.publish">,
  { db, revisions, logger }: JobContext,
) {
  const revision = { id: payload.revisionId, groupId: payload.groupId, number: payload.revisionNumber };
  await revisions.announce(payload.groupId, payload.revisionNumber);
  const deadline = Date.now() + payload.convergeWithinMs;
  let status = await revisionStatus(db, revision);
  while (!status.converged && status.pending > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    status = await revisionStatus(db, revision);
  }
  const outcome = {
    revision: payload.revisionNumber,
    groupId: payload.groupId,
    converged: status.converged,
    applied: status.applied,
    total: status.total,
    rejected: status.agents.filter((a) => a.state === "rejected").map((a) => a.name),
    unconfirmed: status.agents.filter((a) => a.state === "pending").map((a) => a.name),
    offline: status.agents.filter((a) => a.state === "offline").map((a) => a.name),
    slowestMs: status.slowestMs,
  };
  if (status.converged) logger.info(outcome, "revision applied on every agent");
  else logger.warn(outcome, "revision did not converge on every agent");
  return outcome;
}
