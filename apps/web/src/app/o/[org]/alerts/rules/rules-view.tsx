"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { RouterOutputs } from "@switchyard/api";
import { ConfirmButton, ListTable } from "@/components/list-table";
import { useOrganization } from "@/components/organization-context";
import { Alert, Badge, Button, Card, EmptyState, Loading } from "@/components/ui";
import { messageOf } from "@/trpc/errors";
import { useTRPC } from "@/trpc/react";
import { conditionLabel, scopeLabel, SeverityBadge } from "../alerts-parts";
import { RuleForm } from "./rule-form";

type Rule = RouterOutputs["alertRule"]["list"][number];

export function RulesView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { can } = useOrganization();
  const rules = useQuery(trpc.alertRule.list.queryOptions());
  // null: no form; "new": a new rule; a rule: editing it.
  const [editing, setEditing] = useState<Rule | "new" | null>(null);
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.alertRule.pathKey() });
  const setEnabled = useMutation(trpc.alertRule.setEnabled.mutationOptions({ onSuccess: invalidate }));
  const remove = useMutation(trpc.alertRule.delete.mutationOptions({ onSuccess: invalidate }));

  if (rules.isPending) return <Loading />;
  if (rules.error) return <Alert>{messageOf(rules.error)}</Alert>;
  const editable = can("operator");

  return (
    <div className="space-y-6">
      {editable && editing === null && <Button onClick={() => setEditing("new")}>New rule</Button>}
      {editing !== null && (
        <Card title={editing === "new" ? "New rule" : `Edit ${editing.name}`}>
          <RuleForm
            key={editing === "new" ? "new" : editing.id}
            rule={editing === "new" ? null : editing}
            onDone={() => setEditing(null)}
          />
        </Card>
      )}
      {(setEnabled.error ?? remove.error) && <Alert>{messageOf(setEnabled.error ?? remove.error)}</Alert>}
      {rules.data.length === 0 ? (
        <EmptyState title="No alert rules yet">
          A rule watches a signal (error rate, p99, request rate, healthy targets, agent silence) for a
          service or everything, and notifies its channels when it fires.
          {!editable && " Ask an operator to create one."}
        </EmptyState>
      ) : (
        <ListTable boxed columns={["Rule", "Condition", "Scope", "Channels", "Status"]} actions={editable}>
          {rules.data.map((rule) => (
            <tr key={rule.id} data-rule={rule.name}>
              <td className="px-4 py-2 font-medium">
                {rule.name} <SeverityBadge severity={rule.severity} />
              </td>
              <td className="px-4 py-2 text-slate-700">{conditionLabel(rule)}</td>
              <td className="px-4 py-2 text-slate-700">{scopeLabel(rule)}</td>
              <td className="px-4 py-2 text-slate-700">
                {rule.channels.length ? (
                  rule.channels.map((c) => c.name).join(", ")
                ) : (
                  <span className="text-amber-700">none: incidents only</span>
                )}
              </td>
              <td className="px-4 py-2">
                {!rule.enabled ? (
                  <Badge tone="gray">disabled</Badge>
                ) : rule.openIncidents > 0 ? (
                  <Badge tone="red">{rule.openIncidents} open</Badge>
                ) : (
                  <Badge tone="green">ok</Badge>
                )}
              </td>
              {editable && (
                <td className="space-x-2 px-4 py-2 text-right whitespace-nowrap">
                  <Button variant="secondary" onClick={() => setEditing(rule)}>
                    Edit
                  </Button>
                  <Button
                    variant="secondary"
                    disabled={setEnabled.isPending}
                    onClick={() => setEnabled.mutate({ id: rule.id, enabled: !rule.enabled })}
                  >
                    {rule.enabled ? "Disable" : "Enable"}
                  </Button>
                  <ConfirmButton
                    question={`Delete ${rule.name} with its incidents?`}
                    onConfirm={() => remove.mutate({ id: rule.id })}
                    disabled={remove.isPending}
                  >
                    Delete
                  </ConfirmButton>
                </td>
              )}
            </tr>
          ))}
        </ListTable>
      )}
    </div>
  );
}
