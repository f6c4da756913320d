import type { Metadata } from "next";
import { AlertsTabs } from "../../alerts-parts";
import { ChannelView } from "./channel-view";

export const metadata: Metadata = { title: "Notification channel" };

export default async function ChannelPage({ params }: { params: Promise<{ channelId: string }> }) {
  const { channelId } = await params;
  return (
    <>
      <AlertsTabs />
      <ChannelView channelId={channelId} />
    </>
  );
}
