import type { Metadata } from "next";
import { Suspense } from "react";
import { Loading, PageHeader } from "@/components/ui";
import { TraceSearch } from "./trace-search";

export const metadata: Metadata = { title: "Traces" };

export default function Page() {
  return (
    <>
      <PageHeader
        title="Traces"
        description="Find requests by service, route, status and duration; open one for its waterfall."
      />
      <Suspense fallback={<Loading />}>
        <TraceSearch />
      </Suspense>
    </>
  );
}
