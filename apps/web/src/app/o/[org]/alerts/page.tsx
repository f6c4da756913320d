import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/components/ui";

export const metadata: Metadata = { title: "Alerts" };

export default function Page() {
  return (
    <>
      <PageHeader
        title="Alerts"
        description="Rules on error rate and latency, incidents, and their Slack notifications."
      />
      <EmptyState title="No alert rules yet">
        Alert rules evaluate the telemetry your gateways send. Nothing is firing because nothing is
        configured.
      </EmptyState>
    </>
  );
}
