"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { Alert, Button, Card, Loading } from "@/components/ui";
import { messageOf } from "@/trpc/errors";
import { useTRPC } from "@/trpc/react";

export function AcceptInvitation({ id }: { id: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const invitation = useQuery(trpc.member.invitation.queryOptions({ id }));
  const accept = useMutation(
    trpc.member.acceptInvitation.mutationOptions({
      onSuccess: ({ organizationSlug }) => router.push(`/o/${organizationSlug}`),
    }),
  );

  if (invitation.isPending) return <Loading />;
  if (invitation.error) return <Alert>{messageOf(invitation.error)}</Alert>;
  const { organization, inviter, role, status, expiresAt } = invitation.data;
  const usable = status === "pending" && expiresAt > new Date();

  return (
    <Card title={`Join ${organization.name}`}>
      <p className="text-sm text-slate-700">
        {inviter.name} ({inviter.email}) invited you as <strong>{role}</strong>.
      </p>
      {!usable && (
        <div className="mt-3">
          <Alert>This invitation is {status === "pending" ? "expired" : status}.</Alert>
        </div>
      )}
      {accept.error && (
        <div className="mt-3">
          <Alert>{messageOf(accept.error)}</Alert>
        </div>
      )}
      <Button className="mt-4" disabled={!usable || accept.isPending} onClick={() => accept.mutate({ id })}>
        {accept.isPending ? "Joining…" : "Accept invitation"}
      </Button>
    </Card>
  );
}
