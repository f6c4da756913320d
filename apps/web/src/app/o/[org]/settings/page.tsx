import type { Metadata } from "next";
import { PageHeader } from "@/components/ui";
import { MembersView } from "./members-view";

export const metadata: Metadata = { title: "Settings" };

export default function SettingsPage() {
  return (
    <>
      <PageHeader title="Settings" description="Members, roles and invitations." />
      <MembersView />
    </>
  );
}
