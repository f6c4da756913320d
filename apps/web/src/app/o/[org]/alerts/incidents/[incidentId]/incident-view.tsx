"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { readIncidentContext } from "@switchyard/alerting/incident-context";
import type { RouterOutputs } from "@switchyard/api";
import { useOrganization } from "@/components/organization-context";
import { Alert, Badge, Button, Card, Loading } from "@/components/ui";
import { messageOf } from "@/trpc/errors";
import { useTRPC } from "@/trpc/react";
import {
  conditionLabel,
  IncidentStateBadge,
  scopeLabel,
  SeverityBadge,
  signalLabels,
  Since,
  useNow,
  valueAgainstThreshold,
} from "../../alerts-parts";
import { SilenceForm } from "../../silence-form";

type Incident = RouterOutputs["incident"]["get"];

/** One incident: what fired, its timeline (transitions, acknowledgement, notifications), acknowledge and silence. */
export function IncidentView({ incidentId }: { incidentId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { can } = useOrganization();
  const now = useNow();
  const [silencing, setSilencing] = useState(false);
  const incident = useQuery({
    ...trpc.incident.get.queryOptions({ id: incidentId }),
    refetchInterval: 5_000,
  });
  const acknowledge = useMutation(
    trpc.incident.acknowledge.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.incident.pathKey() }),
    }),
  );

  if (incident.isPending) return <Loading />;
  if (incident.error) return <Alert>{messageOf(incident.error)}</Alert>;
  const data = incident.data;
  const canary = readIncidentContext(data.context).canary;
  const open = data.state !== "RESOLVED";

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 className="flex flex-wrap items-center gap-2 text-xl font-semibold text-slate-900">
            {data.rule.name} · {data.subject}
            <SeverityBadge severity={data.severity} />
            <IncidentStateBadge state={data.state} />
          </h1>
          <p className="mt-1 text-sm text-slate-600">
            {conditionLabel({ ...data.rule, threshold: data.threshold })} · scope {scopeLabel(data.rule)}
          </p>
        </div>
        {open && can("operator") && (
          <div className="flex gap-2">
            {!data.acknowledgedAt && (
              <Button disabled={acknowledge.isPending} onClick={() => acknowledge.mutate({ id: data.id })}>
                Acknowledge
              </Button>
            )}
            <Button variant="secondary" onClick={() => setSilencing((s) => !s)} aria-expanded={silencing}>
              Silence…
            </Button>
          </div>
        )}
      </div>
      {acknowledge.error && <Alert>{messageOf(acknowledge.error)}</Alert>}
      {silencing && (
        <Card title="Silence notifications">
          <SilenceForm
            ruleId={data.rule.id}
            service={data.rule.service ?? ""}
            onDone={() => setSilencing(false)}
          />
        </Card>
      )}

      <dl className="grid gap-4 rounded-lg border border-slate-200 bg-white p-4 text-sm shadow-sm sm:grid-cols-4">
        <Fact label={`${signalLabels[data.rule.signal]} now`}>
          <span className="font-mono" data-testid="incident-value">
            {valueAgainstThreshold(data.rule.signal, data.rule.comparison, data.value, data.threshold)}
          </span>
        </Fact>
        <Fact label="Worst">
          {valueAgainstThreshold(data.rule.signal, data.rule.comparison, data.peakValue, data.threshold)}
        </Fact>
        <Fact label={data.state === "RESOLVED" ? "Lasted" : "Since"}>
          {data.resolvedAt ? (
            <>
              {data.startedAt.toLocaleTimeString()} – {data.resolvedAt.toLocaleTimeString()}
            </>
          ) : (
            <Since at={data.firingAt ?? data.startedAt} now={now} />
          )}
        </Fact>
        <Fact label="Acknowledged">
          <span data-testid="incident-acknowledged">
            {data.acknowledgedBy
              ? `by ${data.acknowledgedBy.name || data.acknowledgedBy.email} at ${data.acknowledgedAt?.toLocaleTimeString()}`
              : "not yet"}
          </span>
        </Fact>
      </dl>

      {canary && (
        <Alert tone="info">
          A canary was running on this service when it fired: {canary.percent}% of {canary.groupName} on{" "}
          {canary.canaryVersion} (stable {canary.stableVersion}).{" "}
          <a className="font-medium underline" href={canary.rollbackUrl}>
            Open the traffic page to roll it back
          </a>
          .
        </Alert>
      )}

      <Timeline incident={data} />
    </div>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium text-slate-500 uppercase">{label}</dt>
      <dd className="mt-1 text-slate-900">{children}</dd>
    </div>
  );
}

const eventTones: Record<string, "red" | "amber" | "green" | "gray"> = {
  firing: "red",
  pending: "amber",
  resolved: "green",
};

/**
 * Delivery events repeat what the notification rows show with more detail (state, Slack's answer, attempts,
 * error), so the timeline shows the rows and leaves these events out.
 */
const DELIVERY_EVENT_KINDS = new Set(["notified", "notify_failed"]);

/** Transitions and notifications interleaved by time, oldest first. */
function Timeline({ incident }: { incident: Incident }) {
  const { slug } = useOrganization();
  const entries = [
    ...incident.events
      .filter((event) => !DELIVERY_EVENT_KINDS.has(event.kind))
      .map((event) => ({ at: event.at, key: `e-${event.id}`, event, notification: null })),
    ...incident.notifications.map((notification) => ({
      at: notification.sentAt ?? notification.createdAt,
      key: `n-${notification.id}`,
      event: null,
      notification,
    })),
  ].sort((a, b) => a.at.getTime() - b.at.getTime());

  return (
    <Card title="Timeline">
      {entries.length === 0 ? (
        <p className="text-sm text-slate-600">Nothing recorded yet.</p>
      ) : (
        <ol className="space-y-2 text-sm" data-testid="incident-timeline">
          {entries.map(({ key, at, event, notification }) => (
            <li key={key} className="flex flex-wrap items-baseline gap-2">
              <time className="w-24 shrink-0 font-mono text-xs text-slate-500" dateTime={at.toISOString()}>
                {at.toLocaleTimeString()}
              </time>
              {event ? (
                <>
                  <Badge tone={eventTones[event.kind] ?? "gray"}>{event.kind.replaceAll("_", " ")}</Badge>
                  <span className="text-slate-800">{event.message}</span>
                </>
              ) : notification ? (
                <>
                  <Badge
                    tone={
                      notification.state === "sent"
                        ? "green"
                        : notification.state === "failed"
                          ? "red"
                          : "gray"
                    }
                  >
                    {notification.kind} message {notification.state}
                  </Badge>
                  <span className="text-slate-800">
                    to{" "}
                    <Link
                      className="text-indigo-700 hover:underline"
                      href={`/o/${slug}/alerts/channels/${notification.channel.id}`}
                    >
                      {notification.channel.name}
                    </Link>
                    {notification.responseStatus !== null &&
                      ` · answered ${notification.responseStatus} ${notification.responseBody ?? ""}`}
                    {notification.attempts > 1 && ` · ${notification.attempts} attempts`}
                    {notification.lastError && ` · ${notification.lastError}`}
                  </span>
                </>
              ) : null}
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}
