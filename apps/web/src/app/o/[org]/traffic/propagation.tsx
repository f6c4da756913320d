"use client";

import type { RouterOutputs } from "@switchyard/api";
import { Badge } from "@/components/ui";

type Status = NonNullable<RouterOutputs["traffic"]["current"]["revision"]>["status"];

/** "applied on 2/2 agents in 84 ms", or what is still missing and why. */
export function describePropagation(status: Status): string {
  if (status.total === 0) return "no agents in this group yet";
  const done = status.agents.filter((a) => a.state === "applied" || a.state === "superseded").length;
  if (status.converged) {
    return `applied on ${done}/${status.total} agents${status.slowestMs !== null ? ` in ${status.slowestMs} ms` : ""}`;
  }
  const parts = [`applied on ${done}/${status.total} agents`];
  if (status.rejected > 0) parts.push(`${status.rejected} refused it`);
  if (status.pending > 0) parts.push(`${status.pending} pending`);
  if (status.offline > 0) parts.push(`${status.offline} offline`);
  return parts.join(", ");
}

export function PropagationBadge({ status }: { status: Status }) {
  const tone = status.converged
    ? "green"
    : status.rejected > 0
      ? "red"
      : status.pending > 0
        ? "amber"
        : "gray";
  return (
    <span data-testid="propagation" aria-live="polite">
      <Badge tone={tone}>{describePropagation(status)}</Badge>
    </span>
  );
}

export function AgentStates({ status }: { status: Status }) {
  const notConverged = status.agents.filter((a) => a.state !== "applied" && a.state !== "superseded");
  if (notConverged.length === 0) return null;
  return (
    <ul className="mt-2 space-y-1 text-sm">
      {notConverged.map((agent) => (
        <li key={agent.agentId} className="text-slate-700">
          <strong>{agent.name}</strong>:{" "}
          {agent.state === "rejected"
            ? `refused it — ${agent.errors.map((e) => `${e.path}: ${e.message}`).join("; ")}`
            : agent.state === "pending"
              ? "online, not confirmed yet"
              : "offline; it will get the latest revision when it reconnects"}
        </li>
      ))}
    </ul>
  );
}
