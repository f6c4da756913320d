import type { Metadata } from "next";
import { Suspense } from "react";
import { Loading } from "@/components/ui";
import { ServiceDetailView } from "./service-detail";

export async function generateMetadata({
  params,
}: {
  params: Promise<{ service: string }>;
}): Promise<Metadata> {
  const { service } = await params;
  return { title: decodeURIComponent(service) };
}

export default async function Page({ params }: { params: Promise<{ service: string }> }) {
  const { service } = await params;
  return (
    <Suspense fallback={<Loading />}>
      <ServiceDetailView service={decodeURIComponent(service)} />
    </Suspense>
  );
}
