import type { Metadata } from "next";
import { PageHeader } from "@/components/ui";
import { HealthThresholdsView } from "./health-thresholds-view";
import { IngestKeysView } from "./ingest-keys-view";
import { MembersView } from "./members-view";

export const metadata: Metadata = { title: "Settings" };

export default function SettingsPage() {
  return (
    <>
      <PageHeader
        title="Settings"
        description="Members, roles and invitations; ingest keys; health thresholds."
      />
      <div className="space-y-6">
        <MembersView />
        <IngestKeysView />
        <HealthThresholdsView />
      </div>
    </>
  );
}
