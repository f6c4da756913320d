"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { RouterOutputs } from "@switchyard/api";
import { Alert, Badge, Button } from "@/components/ui";
import { messageOf } from "@/trpc/errors";
import { useTRPC } from "@/trpc/react";

type Channel = RouterOutputs["notificationChannel"]["list"][number];

/** Failing while deliveries fail in a row (with the last error), else when it last delivered. */
export function ChannelHealth({ channel }: { channel: Channel }) {
  if (channel.failing) {
    return (
      <div className="space-y-1">
        <Badge tone="red">failing</Badge>
        <p className="text-xs text-red-800">
          {channel.consecutiveFailures} failed in a row{channel.lastError ? `: ${channel.lastError}` : ""}
        </p>
      </div>
    );
  }
  if (!channel.lastDeliveryAt) return <Badge tone="gray">nothing sent yet</Badge>;
  return (
    <span className="text-xs text-slate-600">
      <Badge tone="green">ok</Badge> last sent {channel.lastDeliveryAt.toLocaleString()}
    </span>
  );
}

/** Posts a test message now and shows what Slack (or whatever receives the webhook) answered. */
export function SendTestButton({ channelId }: { channelId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const send = useMutation(
    trpc.notificationChannel.sendTest.mutationOptions({
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.notificationChannel.pathKey() }),
    }),
  );
  return (
    <div className="inline-block text-left">
      <Button variant="secondary" disabled={send.isPending} onClick={() => send.mutate({ id: channelId })}>
        {send.isPending ? "Sending…" : "Send test message"}
      </Button>
      {send.data && (
        <div className="mt-2" data-testid="test-result">
          <Alert tone={send.data.ok ? "success" : "error"}>
            {send.data.status === 0
              ? `No answer: ${send.data.body}`
              : `Slack answered ${send.data.status}: ${send.data.body || "(empty body)"}`}
          </Alert>
        </div>
      )}
      {send.error && (
        <div className="mt-2">
          <Alert>{messageOf(send.error)}</Alert>
        </div>
      )}
    </div>
  );
}
