"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { updateNotificationChannelInput } from "@switchyard/contracts";
import type { RouterOutputs } from "@switchyard/api";
import { MutationError } from "@/components/mutation-error";
import { useOrganization } from "@/components/organization-context";
import { Alert, Badge, Button, Card, Field, Loading } from "@/components/ui";
import { useZodForm } from "@/components/use-zod-form";
import { fieldErrorsOf, messageOf } from "@/trpc/errors";
import { useTRPC } from "@/trpc/react";
import { ChannelHealth, SendTestButton } from "../channel-parts";

type Channel = RouterOutputs["notificationChannel"]["deliveries"]["channel"];
type Delivery = RouterOutputs["notificationChannel"]["deliveries"]["notifications"][number];

/** A channel and the messages delivered to it: what was sent (the Block Kit body) and what came back. */
export function ChannelView({ channelId }: { channelId: string }) {
  const trpc = useTRPC();
  const { can } = useOrganization();
  const deliveries = useQuery({
    ...trpc.notificationChannel.deliveries.queryOptions({ channelId, limit: 50 }),
    refetchInterval: 5_000,
  });
  if (deliveries.isPending) return <Loading />;
  if (deliveries.error) return <Alert>{messageOf(deliveries.error)}</Alert>;
  const { channel, notifications } = deliveries.data;

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold text-slate-900">{channel.name}</h1>
          <p className="mt-1 font-mono text-xs break-all text-slate-600">{channel.maskedTarget}</p>
          <div className="mt-2">
            <ChannelHealth channel={channel} />
          </div>
        </div>
        {can("operator") && <SendTestButton channelId={channel.id} />}
      </div>
      {can("operator") && <EditChannel channel={channel} />}
      <Card title={`Messages (${notifications.length})`}>
        {notifications.length === 0 ? (
          <p className="text-sm text-slate-600">
            Nothing was sent to this channel yet. Send a test message, or wait for a rule that notifies it to
            fire.
          </p>
        ) : (
          <ol className="divide-y divide-slate-100" data-testid="deliveries">
            {notifications.map((notification) => (
              <DeliveryItem key={notification.id} delivery={notification} />
            ))}
          </ol>
        )}
      </Card>
    </div>
  );
}

function DeliveryItem({ delivery }: { delivery: Delivery }) {
  const { slug } = useOrganization();
  const text = (delivery.payload as { text?: unknown } | null)?.text;
  const tone = delivery.state === "sent" ? "green" : delivery.state === "failed" ? "red" : "gray";
  return (
    <li className="space-y-1 py-3 text-sm" data-delivery={delivery.kind}>
      <div className="flex flex-wrap items-center gap-2">
        <Badge tone={tone}>{delivery.state}</Badge>
        <span className="font-medium">{delivery.kind}</span>
        {delivery.incident && (
          <Link
            className="text-indigo-700 hover:underline"
            href={`/o/${slug}/alerts/incidents/${delivery.incident.id}`}
          >
            {delivery.incident.rule.name} · {delivery.incident.subject}
          </Link>
        )}
        <time className="text-xs text-slate-500" dateTime={delivery.createdAt.toISOString()}>
          {(delivery.sentAt ?? delivery.createdAt).toLocaleString()}
        </time>
      </div>
      {typeof text === "string" && <p className="text-slate-800">{text}</p>}
      <p className="text-xs text-slate-600">
        {delivery.responseStatus !== null
          ? `Answered ${delivery.responseStatus}: ${delivery.responseBody || "(empty body)"}`
          : "No answer yet"}
        {delivery.attempts > 1 && ` · ${delivery.attempts} attempts`}
        {delivery.lastError && ` · ${delivery.lastError}`}
      </p>
      <details>
        <summary className="cursor-pointer text-xs text-slate-500">Message body (Block Kit)</summary>
        <pre className="mt-1 max-h-80 overflow-auto rounded bg-slate-900 p-3 font-mono text-xs text-slate-100">
          {JSON.stringify(delivery.payload, null, 2)}
        </pre>
      </details>
    </li>
  );
}

/** Renames the channel or replaces its webhook URL (left empty, the stored one is kept). */
function EditChannel({ channel }: { channel: Channel }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const form = useZodForm(
    updateNotificationChannelInput,
    { name: channel.name, webhookUrl: "" },
    (values) => ({
      id: channel.id,
      name: values.name,
      webhookUrl: values.webhookUrl.trim() === "" ? undefined : values.webhookUrl,
    }),
  );
  const update = useMutation(
    trpc.notificationChannel.update.mutationOptions({
      onSuccess: async (updated) => {
        form.reset({ name: updated.name, webhookUrl: "" });
        setOpen(false);
        await queryClient.invalidateQueries({ queryKey: trpc.notificationChannel.pathKey() });
      },
      onError: (error) => form.setServerErrors(fieldErrorsOf(error)),
    }),
  );
  if (!open) {
    return (
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Rename or replace the URL
      </Button>
    );
  }
  return (
    <Card title="Edit channel">
      <form
        noValidate
        aria-label="Edit channel"
        className="grid gap-3 sm:grid-cols-[1fr_2fr_auto_auto] sm:items-start"
        onSubmit={(e) => {
          e.preventDefault();
          const data = form.validate();
          if (data) update.mutate(data);
        }}
      >
        <Field label="Channel name" {...form.fieldProps("name")} />
        <Field
          label="New webhook URL"
          placeholder="leave empty to keep the current one"
          autoComplete="off"
          {...form.fieldProps("webhookUrl")}
        />
        <Button type="submit" className="sm:mt-6" disabled={update.isPending}>
          Save
        </Button>
        <Button type="button" variant="secondary" className="sm:mt-6" onClick={() => setOpen(false)}>
          Cancel
        </Button>
      </form>
      <MutationError error={update.error} fields={["name", "webhookUrl"]} />
    </Card>
  );
}
