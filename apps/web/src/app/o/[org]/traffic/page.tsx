import type { Metadata } from "next";
import { Suspense } from "react";
import { Loading, PageHeader } from "@/components/ui";
import { TrafficView } from "./traffic-view";

export const metadata: Metadata = { title: "Traffic" };

export default function TrafficPage() {
  return (
    <>
      <PageHeader
        title="Traffic"
        description="Weights, canary splits and rate limits. Every change is a numbered revision, pushed to every agent of the group."
      />
      <Suspense fallback={<Loading />}>
        <TrafficView />
      </Suspense>
    </>
  );
}
