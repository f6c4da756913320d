import type { Metadata } from "next";
import { Suspense } from "react";
import { Loading, PageHeader } from "@/components/ui";
import { ServiceMapView } from "./service-map";

export const metadata: Metadata = { title: "Service map" };

export default function Page() {
  return (
    <>
      <PageHeader
        title="Service map"
        description="Who calls whom, with the rate and errors on every edge (point at a label for p99 and more). An edge into a canary shows how its own calls split between the versions."
      />
      <Suspense fallback={<Loading />}>
        <ServiceMapView />
      </Suspense>
    </>
  );
}
