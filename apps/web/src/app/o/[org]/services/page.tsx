import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/components/ui";

export const metadata: Metadata = { title: "Services" };

export default function Page() {
  return (
    <>
      <PageHeader
        title="Services"
        description="Golden signals per service: request rate, errors and latency percentiles."
      />
      <EmptyState title="No services reporting yet">
        Services appear here once a gateway agent or an OpenTelemetry SDK sends telemetry to this control
        plane.
      </EmptyState>
    </>
  );
}
