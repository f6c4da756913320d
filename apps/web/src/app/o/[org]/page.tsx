import type { Metadata } from "next";
import { Suspense } from "react";
import { ServicesTable } from "@/components/dashboard/services-table";
import { Loading, PageHeader } from "@/components/ui";

export const metadata: Metadata = { title: "Overview" };

export default function OverviewPage() {
  return (
    <>
      <PageHeader
        title="Overview"
        description="Every service with its request rate, error rate and latency. Refreshes every 10 seconds."
      />
      <Suspense fallback={<Loading />}>
        <ServicesTable />
      </Suspense>
    </>
  );
}
