import type { Metadata } from "next";
import { Suspense } from "react";
import { ServicesTable } from "@/components/dashboard/services-table";
import { Loading, PageHeader } from "@/components/ui";

export const metadata: Metadata = { title: "Services" };

export default function Page() {
  return (
    <>
      <PageHeader
        title="Services"
        description="Golden signals per service: request rate, errors and latency percentiles. Open one for its routes, versions, targets and traces."
      />
      <Suspense fallback={<Loading />}>
        <ServicesTable />
      </Suspense>
    </>
  );
}
