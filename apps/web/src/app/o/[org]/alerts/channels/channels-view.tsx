"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { createNotificationChannelInput } from "@switchyard/contracts";
import { ConfirmButton, ListTable } from "@/components/list-table";
import { MutationError } from "@/components/mutation-error";
import { useOrganization } from "@/components/organization-context";
import { Alert, Button, Card, EmptyState, Field, Loading } from "@/components/ui";
import { useZodForm } from "@/components/use-zod-form";
import { fieldErrorsOf, messageOf } from "@/trpc/errors";
import { useTRPC } from "@/trpc/react";
import { ChannelHealth, SendTestButton } from "./channel-parts";

export function ChannelsView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { slug, can } = useOrganization();
  const channels = useQuery({ ...trpc.notificationChannel.list.queryOptions(), refetchInterval: 15_000 });
  const remove = useMutation(
    trpc.notificationChannel.delete.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.notificationChannel.pathKey() }),
    }),
  );

  if (channels.isPending) return <Loading />;
  if (channels.error) return <Alert>{messageOf(channels.error)}</Alert>;
  const editable = can("operator");

  return (
    <div className="space-y-6">
      {editable && <CreateChannelForm />}
      {remove.error && <Alert>{messageOf(remove.error)}</Alert>}
      {channels.data.length === 0 ? (
        <EmptyState title="No notification channels yet">
          Add a Slack incoming webhook (Slack → Apps → Incoming Webhooks → Add to a channel) and rules can
          notify it.{!editable && " Ask an operator to add one."}
        </EmptyState>
      ) : (
        <ListTable boxed columns={["Channel", "Webhook", "Rules", "Delivery"]} actions={editable}>
          {channels.data.map((channel) => (
            <tr key={channel.id} data-channel={channel.name} className="align-top">
              <td className="px-4 py-2 font-medium">
                <Link
                  className="text-indigo-700 hover:underline"
                  href={`/o/${slug}/alerts/channels/${channel.id}`}
                >
                  {channel.name}
                </Link>
                <span className="ml-1 text-xs text-slate-500">{channel.kind}</span>
              </td>
              <td className="px-4 py-2 font-mono text-xs break-all text-slate-600">{channel.maskedTarget}</td>
              <td className="px-4 py-2 text-slate-700">{channel.ruleCount}</td>
              <td className="px-4 py-2">
                <ChannelHealth channel={channel} />
              </td>
              {editable && (
                <td className="space-y-2 px-4 py-2 text-right">
                  <SendTestButton channelId={channel.id} />
                  <ConfirmButton
                    question={`Delete ${channel.name}? Rules stop notifying it.`}
                    onConfirm={() => remove.mutate({ id: channel.id })}
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

function CreateChannelForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useZodForm(createNotificationChannelInput, { name: "", webhookUrl: "" });
  const create = useMutation(
    trpc.notificationChannel.create.mutationOptions({
      onSuccess: async () => {
        form.reset();
        await queryClient.invalidateQueries({ queryKey: trpc.notificationChannel.pathKey() });
      },
      onError: (error) => form.setServerErrors(fieldErrorsOf(error)),
    }),
  );
  return (
    <Card title="New Slack channel">
      <form
        noValidate
        aria-label="New Slack channel"
        className="grid gap-3 sm:grid-cols-[1fr_2fr_auto] sm:items-start"
        onSubmit={(e) => {
          e.preventDefault();
          const data = form.validate();
          if (data) create.mutate(data);
        }}
      >
        <Field label="Channel name" placeholder="#ops-alerts" {...form.fieldProps("name")} />
        <Field
          label="Webhook URL"
          placeholder="https://hooks.slack.com/services/…"
          autoComplete="off"
          hint="Stored encrypted; shown masked from now on."
          {...form.fieldProps("webhookUrl")}
        />
        <Button type="submit" className="sm:mt-6" disabled={create.isPending}>
          Add channel
        </Button>
      </form>
      <MutationError error={create.error} fields={["name", "webhookUrl"]} />
    </Card>
  );
}
