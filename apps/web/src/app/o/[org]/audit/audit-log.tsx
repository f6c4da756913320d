"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import type { AuditAction } from "@switchyard/db";
import { Alert, Button, EmptyState, Loading } from "@/components/ui";
import { messageOf } from "@/trpc/errors";
import { useTRPC } from "@/trpc/react";
import { displayIpAddress } from "./ip-address";

// Typed by every known action, so a new action without words here fails to compile instead of showing raw.
const actionLabels: Record<AuditAction, string> = {
  "auth.sign_in": "signed in",
  "organization.create": "created the organization",
  "member.invite": "invited",
  "member.invitation_cancel": "cancelled the invitation of",
  "member.join": "joined",
  "member.role_change": "changed the role of",
  "member.remove": "removed",
  "gateway_group.create": "created gateway group",
  "gateway_group.delete": "deleted gateway group",
  "agent.create": "registered agent",
  "agent.revoke": "revoked agent",
  "agent.offline": "marked offline agent",
  "agent.online": "marked online agent",
  "config.revision_commit": "published traffic",
  "health_thresholds.update": "changed",
  "ingest_key.create": "created ingest key",
  "ingest_key.revoke": "revoked ingest key",
  "alert_rule.create": "created alert rule",
  "alert_rule.update": "changed alert rule",
  "alert_rule.enable": "enabled alert rule",
  "alert_rule.disable": "disabled alert rule",
  "alert_rule.delete": "deleted alert rule",
  "notification_channel.create": "added notification channel",
  "notification_channel.update": "changed notification channel",
  "notification_channel.delete": "deleted notification channel",
  "notification_channel.test": "sent a test message to",
  "incident.acknowledge": "acknowledged incident",
  "alert_silence.create": "created a silence:",
  "alert_silence.expire": "ended the silence",
  "rollout.plan_save": "saved",
  "rollout.start": "started",
  "rollout.pause": "paused",
  "rollout.resume": "resumed",
  "rollout.promote": "promoted",
  "rollout.abort": "aborted",
  "rollout.rollback": "rolled back",
};

export function AuditLog() {
  const trpc = useTRPC();
  const query = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions({ limit: 50 }, { getNextPageParam: (page) => page.nextCursor }),
  );
  if (query.isPending) return <Loading />;
  if (query.error) return <Alert>{messageOf(query.error)}</Alert>;
  const events = query.data.pages.flatMap((p) => p.events);
  if (events.length === 0) return <EmptyState title="Nothing has happened here yet" />;

  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full text-left text-sm">
        <thead className="bg-slate-50 text-xs text-slate-500 uppercase">
          <tr>
            <th className="px-4 py-2 font-medium">When</th>
            <th className="px-4 py-2 font-medium">Who</th>
            <th className="px-4 py-2 font-medium">What</th>
            <th className="px-4 py-2 font-medium">From</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {events.map((event) => (
            <tr key={event.id} data-action={event.action}>
              <td className="px-4 py-2 whitespace-nowrap text-slate-600">
                <time dateTime={event.createdAt.toISOString()}>{event.createdAt.toLocaleString()}</time>
              </td>
              <td className="px-4 py-2">{event.actorLabel}</td>
              <td className="px-4 py-2">
                {actionLabels[event.action as AuditAction] ?? event.action}{" "}
                {event.action !== "auth.sign_in" && event.targetLabel && <strong>{event.targetLabel}</strong>}
                {describeMetadata(event.metadata)}
              </td>
              <td className="px-4 py-2 text-slate-500">{displayIpAddress(event.ipAddress)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {query.hasNextPage && (
        <div className="border-t border-slate-200 p-3 text-center">
          <Button
            variant="secondary"
            disabled={query.isFetchingNextPage}
            onClick={() => query.fetchNextPage()}
          >
            Load older events
          </Button>
        </div>
      )}
    </div>
  );
}

function describeMetadata(metadata: unknown): string {
  if (!metadata || typeof metadata !== "object") return "";
  const m = metadata as Record<string, unknown>;
  if (typeof m.from === "string" && typeof m.to === "string") return ` (${m.from} → ${m.to})`;
  if (typeof m.role === "string") return ` as ${m.role}`;
  if (typeof m.group === "string") return ` in ${m.group}`;
  return "";
}
