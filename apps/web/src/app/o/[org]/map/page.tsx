import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/components/ui";

export const metadata: Metadata = { title: "Service map" };

export default function Page() {
  return (
    <>
      <PageHeader
        title="Service map"
        description="Who calls whom, with rate, error rate and p99 on every edge."
      />
      <EmptyState title="No traffic to map yet">
        The map is drawn from traces. It fills in once gateways or instrumented services send spans.
      </EmptyState>
    </>
  );
}
