import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/components/ui";

export const metadata: Metadata = { title: "Traffic" };

export default function Page() {
  return (
    <>
      <PageHeader
        title="Traffic"
        description="Weights, canary splits and rate limits, pushed to every gateway of a group."
      />
      <EmptyState title="No routes configured yet">
        Traffic control needs a gateway group with at least one agent. Register one on the Agents page.
      </EmptyState>
    </>
  );
}
