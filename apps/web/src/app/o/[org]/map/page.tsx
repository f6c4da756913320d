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
        description="Who calls whom, with rate, error rate and p99 on every edge. A canary shows both versions' numbers."
      />
      <Suspense fallback={<Loading />}>
        <ServiceMapView />
      </Suspense>
    </>
  );
}
