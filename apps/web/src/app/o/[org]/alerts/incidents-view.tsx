"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import type { RouterOutputs } from "@switchyard/api";
import { useOrganization } from "@/components/organization-context";
import { Alert, Badge, Button, Card, Loading } from "@/components/ui";
import { messageOf } from "@/trpc/errors";
import { useTRPC } from "@/trpc/react";
import {
  IncidentStateBadge,
  scopeLabel,
  SeverityBadge,
  Since,
  useNow,
  valueAgainstThreshold,
} from "./alerts-parts";
import { SilenceForm } from "./silence-form";

type Incident = RouterOutputs["incident"]["list"][number];

/** The Alerts page: what is firing now, what ended recently, and the silences in force. */
export function IncidentsView() {
  const trpc = useTRPC();
  const { slug } = useOrganization();
  const now = useNow();
  // The evaluator runs every 10 s; follow it closely enough that a new incident shows within seconds.
  const open = useQuery({ ...trpc.incident.list.queryOptions({ state: "open" }), refetchInterval: 5_000 });
  const resolved = useQuery({
    ...trpc.incident.list.queryOptions({ state: "resolved", limit: 20 }),
    refetchInterval: 15_000,
  });
  const rules = useQuery(trpc.alertRule.list.queryOptions());

  if (open.isPending || resolved.isPending || rules.isPending) return <Loading />;
  if (open.isError || resolved.isError || rules.isError) {
    return <Alert>{messageOf(open.error ?? resolved.error ?? rules.error)}</Alert>;
  }

  const enabledRules = rules.data.filter((r) => r.enabled).length;
  return (
    <div className="space-y-6">
      <Card title={`Open incidents (${open.data.length})`}>
        {open.data.length === 0 ? (
          <p className="text-sm text-slate-600" data-testid="no-open-incidents">
            {enabledRules > 0 ? (
              <>
                Nothing is firing.{" "}
                {enabledRules === 1
                  ? "The enabled rule is evaluated every 10 s."
                  : `${enabledRules} enabled rules are evaluated every 10 s.`}
              </>
            ) : (
              <>
                Nothing is firing because no rule is enabled.{" "}
                <Link
                  className="font-medium text-indigo-700 hover:underline"
                  href={`/o/${slug}/alerts/rules`}
                >
                  Create a rule
                </Link>
                .
              </>
            )}
          </p>
        ) : (
          <IncidentTable incidents={open.data} now={now} />
        )}
      </Card>
      <Card title="Recently resolved">
        {resolved.data.length === 0 ? (
          <p className="text-sm text-slate-600">No incident has ended yet.</p>
        ) : (
          <IncidentTable incidents={resolved.data} now={now} />
        )}
      </Card>
      <SilencesCard now={now} />
    </div>
  );
}

function IncidentTable({ incidents, now }: { incidents: Incident[]; now: number }) {
  const { slug } = useOrganization();
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <thead className="text-xs text-slate-500 uppercase">
          <tr>
            <th className="py-2 pr-4 font-medium">Severity</th>
            <th className="py-2 pr-4 font-medium">Rule</th>
            <th className="py-2 pr-4 font-medium">Subject</th>
            <th className="py-2 pr-4 font-medium">Value vs threshold</th>
            <th className="py-2 pr-4 font-medium">Since</th>
            <th className="py-2 pr-4 font-medium">State</th>
            <th className="py-2 font-medium">Acknowledged</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {incidents.map((incident) => (
            <tr key={incident.id} data-incident={incident.id}>
              <td className="py-2 pr-4">
                <SeverityBadge severity={incident.severity} />
              </td>
              <td className="py-2 pr-4 font-medium">
                <Link
                  className="text-indigo-700 hover:underline"
                  href={`/o/${slug}/alerts/incidents/${incident.id}`}
                >
                  {incident.rule.name}
                </Link>
              </td>
              <td className="py-2 pr-4">{incident.subject}</td>
              <td className="py-2 pr-4 font-mono text-xs" data-field="value">
                {valueAgainstThreshold(
                  incident.rule.signal,
                  incident.rule.comparison,
                  incident.value,
                  incident.threshold,
                )}
              </td>
              <td className="py-2 pr-4 text-slate-700">
                {incident.state === "RESOLVED" && incident.resolvedAt ? (
                  <>
                    ended <Since at={incident.resolvedAt} now={now} />
                  </>
                ) : (
                  <Since at={incident.firingAt ?? incident.startedAt} now={now} />
                )}
              </td>
              <td className="py-2 pr-4">
                <IncidentStateBadge state={incident.state} />
              </td>
              <td className="py-2 text-slate-700" data-field="acknowledged">
                {incident.acknowledgedBy ? (
                  <span title={incident.acknowledgedAt?.toLocaleString()}>
                    {incident.acknowledgedBy.name || incident.acknowledgedBy.email}
                  </span>
                ) : (
                  <span className="text-slate-400">not yet</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function SilencesCard({ now }: { now: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { can } = useOrganization();
  const silences = useQuery(trpc.incident.silences.queryOptions());
  const expire = useMutation(
    trpc.incident.expireSilence.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.incident.silences.queryFilter()),
    }),
  );
  return (
    <Card title="Silences">
      <p className="mb-3 text-sm text-slate-600">
        A silence holds back notifications for a rule or a scope; incidents still open, move and show here.
      </p>
      {silences.isPending ? (
        <Loading />
      ) : silences.error ? (
        <Alert>{messageOf(silences.error)}</Alert>
      ) : silences.data.length === 0 ? (
        <p className="text-sm text-slate-600">No silences in the last day.</p>
      ) : (
        <ul className="divide-y divide-slate-100 text-sm">
          {silences.data.map((silence) => (
            <li key={silence.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
              <span>
                {silence.active ? <Badge tone="amber">active</Badge> : <Badge tone="gray">ended</Badge>}{" "}
                <span className="font-medium">
                  {silence.rule ? `rule ${silence.rule.name}` : scopeLabel(silence)}
                </span>{" "}
                · {silence.reason} ·{" "}
                {silence.active ? (
                  <>until {silence.endsAt.toLocaleTimeString()}</>
                ) : (
                  <>
                    ended <Since at={silence.endsAt} now={now} />
                  </>
                )}
              </span>
              {silence.active && can("operator") && (
                <Button
                  variant="secondary"
                  disabled={expire.isPending}
                  onClick={() => expire.mutate({ id: silence.id })}
                >
                  End now
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      {expire.error && <Alert>{messageOf(expire.error)}</Alert>}
      {can("operator") && (
        <div className="mt-4 border-t border-slate-200 pt-4">
          <SilenceForm />
        </div>
      )}
    </Card>
  );
}
