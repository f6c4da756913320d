import type { Metadata } from "next";
import Link from "next/link";
import { EmptyState, PageHeader } from "@/components/ui";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  return (
    <>
      <PageHeader
        title="Overview"
        description="Every service with its request rate, error rate and latency."
      />
      <EmptyState title="No telemetry yet">
        Numbers appear here once a gateway agent reports. Start by{" "}
        <Link className="font-medium text-indigo-700 hover:underline" href={`/o/${org}/agents`}>
          registering an agent
        </Link>
        .
      </EmptyState>
    </>
  );
}
