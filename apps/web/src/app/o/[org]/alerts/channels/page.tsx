import type { Metadata } from "next";
import { PageHeader } from "@/components/ui";
import { AlertsTabs } from "../alerts-parts";
import { ChannelsView } from "./channels-view";

export const metadata: Metadata = { title: "Notification channels" };

export default function ChannelsPage() {
  return (
    <>
      <PageHeader
        title="Alerts"
        description="Where alerts go: Slack incoming webhooks. The webhook URL is kept encrypted and shown masked."
      />
      <AlertsTabs />
      <ChannelsView />
    </>
  );
}
