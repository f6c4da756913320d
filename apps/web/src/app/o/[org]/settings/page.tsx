import type { Metadata } from "next";
import { PageHeader } from "@/components/ui";
import { IngestKeysView } from "./ingest-keys-view";
import { MembersView } from "./members-view";

export const metadata: Metadata = { title: "Settings" };

export default function SettingsPage() {
  return (
    <>
      <PageHeader title="Settings" description="Members, roles and invitations." />
      <div className="space-y-6">
        <MembersView />
        <IngestKeysView />
      </div>
    </>
  );
}
