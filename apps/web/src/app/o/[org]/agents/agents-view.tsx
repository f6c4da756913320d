"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { createAgentInput, createGatewayGroupInput } from "@switchyard/contracts";
import type { RouterOutputs } from "@switchyard/api";
import { CopyButton } from "@/components/copy-button";
import { ConfirmButton, ListTable } from "@/components/list-table";
import { MutationError } from "@/components/mutation-error";
import { ShownOnce } from "@/components/shown-once";
import { useOrganization } from "@/components/organization-context";
import { Alert, Badge, Button, Card, EmptyState, Field, Loading } from "@/components/ui";
import { useZodForm } from "@/components/use-zod-form";
import { fieldErrorsOf, messageOf } from "@/trpc/errors";
import { useTRPC } from "@/trpc/react";

type Agent = RouterOutputs["agent"]["list"][number];
type CreatedAgent = RouterOutputs["agent"]["create"];

export function AgentsView() {
  const trpc = useTRPC();
  const { can } = useOrganization();
  const groups = useQuery(trpc.gatewayGroup.list.queryOptions());
  const agents = useQuery({ ...trpc.agent.list.queryOptions({}), refetchInterval: 10_000 });

  if (groups.isPending || agents.isPending) return <Loading />;
  if (groups.error) return <Alert>{messageOf(groups.error)}</Alert>;
  if (agents.error) return <Alert>{messageOf(agents.error)}</Alert>;

  return (
    <div className="space-y-6">
      {can("admin") && <CreateGroupForm />}
      {groups.data.length === 0 ? (
        <EmptyState title="No gateway groups yet">
          A gateway group is a set of agents that serve the same configuration, such as one per machine in
          front of the same services.{!can("admin") && " Ask an admin to create one."}
        </EmptyState>
      ) : (
        groups.data.map((group) => (
          <Card key={group.id} title={`${group.name} · ${group.onlineCount}/${group.agentCount} online`}>
            {group.description && <p className="mb-3 text-sm text-slate-600">{group.description}</p>}
            <AgentTable agents={agents.data.filter((a) => a.groupId === group.id)} />
            {can("admin") && <RegisterAgentForm groupId={group.id} groupName={group.name} />}
          </Card>
        ))
      )}
    </div>
  );
}

function CreateGroupForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useZodForm(createGatewayGroupInput, { name: "", description: "" });
  const create = useMutation(
    trpc.gatewayGroup.create.mutationOptions({
      onSuccess: async () => {
        form.reset();
        await queryClient.invalidateQueries(trpc.gatewayGroup.list.queryFilter());
      },
      onError: (error) => form.setServerErrors(fieldErrorsOf(error)),
    }),
  );
  return (
    <Card title="New gateway group">
      <form
        noValidate
        className="grid gap-3 sm:grid-cols-[1fr_2fr_auto] sm:items-start"
        onSubmit={(e) => {
          e.preventDefault();
          const data = form.validate();
          if (data) create.mutate(data);
        }}
      >
        <Field label="Group name" placeholder="edge" {...form.fieldProps("name")} />
        <Field
          label="Description (optional)"
          placeholder="Public gateways in eu-west"
          {...form.fieldProps("description")}
        />
        <Button type="submit" className="sm:mt-6" disabled={create.isPending}>
          Create group
        </Button>
      </form>
      <MutationError error={create.error} fields={["name"]} />
    </Card>
  );
}

function RegisterAgentForm({ groupId, groupName }: { groupId: string; groupName: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useZodForm(createAgentInput.pick({ name: true }), { name: "" });
  const [created, setCreated] = useState<CreatedAgent | null>(null);
  const create = useMutation(
    trpc.agent.create.mutationOptions({
      onSuccess: async (agent) => {
        setCreated(agent);
        form.reset();
        await queryClient.invalidateQueries(trpc.agent.list.queryFilter());
        await queryClient.invalidateQueries(trpc.gatewayGroup.list.queryFilter());
      },
      onError: (error) => form.setServerErrors(fieldErrorsOf(error)),
    }),
  );

  return (
    <div className="mt-4 border-t border-slate-200 pt-4">
      <form
        noValidate
        aria-label={`Register an agent in ${groupName}`}
        className="flex flex-wrap items-start gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          const data = form.validate();
          if (data) create.mutate({ groupId, name: data.name });
        }}
      >
        <div className="min-w-56 flex-1">
          <Field label="Agent name" placeholder="gw-1" {...form.fieldProps("name")} />
        </div>
        <Button type="submit" className="mt-6" disabled={create.isPending}>
          Register agent
        </Button>
      </form>
      <MutationError error={create.error} fields={["name"]} />
      {created && (
        <ShownOnce
          what={`Token for ${created.name}`}
          testId="agent-token"
          className="mt-4"
          onDone={() => setCreated(null)}
          actions={<CopyButton text={created.startCommand} label="Copy command" />}
        >
          <div className="flex flex-wrap items-center gap-2">
            <code className="min-w-0 flex-1 overflow-x-auto rounded bg-white px-2 py-1.5 font-mono text-xs">
              {created.token}
            </code>
            <CopyButton text={created.token} label="Copy token" />
          </div>
          <p className="text-sm text-amber-900">Start the agent with:</p>
          <pre className="overflow-x-auto rounded bg-slate-900 p-3 font-mono text-xs text-slate-100">
            {created.startCommand}
          </pre>
        </ShownOnce>
      )}
    </div>
  );
}

const statusBadge: Record<Agent["status"], { tone: "green" | "gray" | "red" | "amber"; label: string }> = {
  ONLINE: { tone: "green", label: "online" },
  OFFLINE: { tone: "red", label: "offline" },
  NEVER_CONNECTED: { tone: "amber", label: "never connected" },
  REVOKED: { tone: "gray", label: "revoked" },
};

function AgentTable({ agents }: { agents: Agent[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { can } = useOrganization();
  const revoke = useMutation(
    trpc.agent.revoke.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.agent.list.queryFilter()),
    }),
  );
  if (agents.length === 0) return <p className="text-sm text-slate-600">No agents in this group yet.</p>;
  return (
    <div>
      {revoke.error && <Alert>{messageOf(revoke.error)}</Alert>}
      <ListTable
        columns={["Agent", "Status", "Last seen", "Revision", "Version", "Token"]}
        actions={can("admin")}
      >
        {agents.map((agent) => (
          <tr key={agent.id}>
            <td className="py-2 pr-4 font-medium">{agent.name}</td>
            <td className="py-2 pr-4">
              <Badge tone={statusBadge[agent.status].tone}>{statusBadge[agent.status].label}</Badge>
            </td>
            <td className="py-2 pr-4 text-slate-600">
              {agent.lastSeenAt ? agent.lastSeenAt.toLocaleString() : "—"}
            </td>
            <td className="py-2 pr-4 text-slate-600">{agent.appliedRevision ?? "—"}</td>
            <td className="py-2 pr-4 text-slate-600">{agent.agentVersion ?? "—"}</td>
            <td className="py-2 pr-4 font-mono text-xs text-slate-600">{agent.tokenPrefix}…</td>
            {can("admin") && (
              <td className="py-2 text-right">
                {!agent.revokedAt && (
                  <ConfirmButton
                    question={`Revoke ${agent.name}? It will stop receiving configuration.`}
                    onConfirm={() => revoke.mutate({ id: agent.id })}
                    disabled={revoke.isPending}
                  >
                    Revoke
                  </ConfirmButton>
                )}
              </td>
            )}
          </tr>
        ))}
      </ListTable>
    </div>
  );
}
