"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { inviteMemberInput, organizationRoles } from "@switchyard/contracts";
import { roleDescriptions } from "@switchyard/auth/roles";
import { CopyButton } from "@/components/copy-button";
import { ConfirmButton } from "@/components/list-table";
import { MutationError } from "@/components/mutation-error";
import { useOrganization } from "@/components/organization-context";
import { Alert, Button, Card, Field, Loading, Select } from "@/components/ui";
import { useZodForm } from "@/components/use-zod-form";
import { fieldErrorsOf, messageOf } from "@/trpc/errors";
import { useTRPC } from "@/trpc/react";

export function MembersView() {
  const { can } = useOrganization();
  return (
    <div className="space-y-6">
      <MemberList />
      {can("admin") && <InviteForm />}
      {can("admin") && <PendingInvitations />}
      <Card title="Roles">
        <dl className="grid gap-2 text-sm sm:grid-cols-[8rem_1fr]">
          {organizationRoles.map((role) => (
            <div key={role} className="contents">
              <dt className="font-medium">{role}</dt>
              <dd className="text-slate-600">{roleDescriptions[role]}</dd>
            </div>
          ))}
        </dl>
      </Card>
    </div>
  );
}

function MemberList() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { can } = useOrganization();
  const members = useQuery(trpc.member.list.queryOptions());
  const invalidate = () => queryClient.invalidateQueries(trpc.member.list.queryFilter());
  const updateRole = useMutation(trpc.member.updateRole.mutationOptions({ onSettled: invalidate }));
  const remove = useMutation(trpc.member.remove.mutationOptions({ onSettled: invalidate }));

  if (members.isPending) return <Loading />;
  if (members.error) return <Alert>{messageOf(members.error)}</Alert>;
  const error = updateRole.error ?? remove.error;

  return (
    <Card title="Members">
      {error && <Alert>{messageOf(error)}</Alert>}
      <ul className="divide-y divide-slate-100">
        {members.data.map((member) => (
          <li key={member.id} className="flex flex-wrap items-center justify-between gap-3 py-2">
            <div>
              <p className="text-sm font-medium">{member.user.name}</p>
              <p className="text-xs text-slate-500">{member.user.email}</p>
            </div>
            {can("admin") ? (
              <div className="flex items-center gap-2">
                <select
                  aria-label={`Role of ${member.user.email}`}
                  className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm"
                  value={member.role}
                  onChange={(e) =>
                    updateRole.mutate({
                      memberId: member.id,
                      role: e.target.value as (typeof organizationRoles)[number],
                    })
                  }
                >
                  {organizationRoles.map((role) => (
                    <option key={role} value={role}>
                      {role}
                    </option>
                  ))}
                </select>
                <ConfirmButton
                  question={`Remove ${member.user.email} from this organization?`}
                  onConfirm={() => remove.mutate({ id: member.id })}
                >
                  Remove
                </ConfirmButton>
              </div>
            ) : (
              <span className="text-sm text-slate-600">{member.role}</span>
            )}
          </li>
        ))}
      </ul>
    </Card>
  );
}

function InviteForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useZodForm(inviteMemberInput, { email: "", role: "viewer" });
  const [link, setLink] = useState<string | null>(null);
  const invite = useMutation(
    trpc.member.invite.mutationOptions({
      onSuccess: async (result) => {
        setLink(result.link);
        form.reset();
        await queryClient.invalidateQueries(trpc.member.invitations.queryFilter());
      },
      onError: (error) => form.setServerErrors(fieldErrorsOf(error)),
    }),
  );
  const roleProps = form.fieldProps("role");

  return (
    <Card title="Invite someone">
      <form
        noValidate
        className="grid gap-3 sm:grid-cols-[2fr_1fr_auto] sm:items-start"
        onSubmit={(e) => {
          e.preventDefault();
          const data = form.validate();
          if (data) invite.mutate(data);
        }}
      >
        <Field label="Email" type="email" {...form.fieldProps("email")} />
        <Select label="Role" name="role" value={roleProps.value} onChange={roleProps.onChange}>
          <option value="viewer">viewer</option>
          <option value="operator">operator</option>
          <option value="admin">admin</option>
        </Select>
        <Button type="submit" className="sm:mt-6" disabled={invite.isPending}>
          Create invitation
        </Button>
      </form>
      <MutationError error={invite.error} fields={["email"]} />
      {link && (
        <div
          className="mt-4 space-y-2 rounded-md border border-emerald-200 bg-emerald-50 p-3"
          data-testid="invitation-link"
        >
          <p className="text-sm text-emerald-900">
            Send this link to the person you invited. It works for 7 days.
          </p>
          <div className="flex flex-wrap items-center gap-2">
            <code className="min-w-0 flex-1 overflow-x-auto rounded bg-white px-2 py-1.5 font-mono text-xs">
              {link}
            </code>
            <CopyButton text={link} label="Copy link" />
          </div>
        </div>
      )}
    </Card>
  );
}

function PendingInvitations() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const invitations = useQuery(trpc.member.invitations.queryOptions());
  const cancel = useMutation(
    trpc.member.cancelInvitation.mutationOptions({
      onSettled: () => queryClient.invalidateQueries(trpc.member.invitations.queryFilter()),
    }),
  );
  if (invitations.isPending) return <Loading />;
  if (invitations.error) return <Alert>{messageOf(invitations.error)}</Alert>;
  if (invitations.data.length === 0) return null;
  return (
    <Card title="Pending invitations">
      <ul className="divide-y divide-slate-100">
        {invitations.data.map((invitation) => (
          <li key={invitation.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
            <span>
              {invitation.email} · {invitation.role} · expires {invitation.expiresAt.toLocaleDateString()}
            </span>
            <Button variant="secondary" onClick={() => cancel.mutate({ id: invitation.id })}>
              Cancel
            </Button>
          </li>
        ))}
      </ul>
    </Card>
  );
}
