import type { Metadata } from "next";
import { PageHeader } from "@/components/ui";
import { AlertsTabs } from "./alerts-parts";
import { IncidentsView } from "./incidents-view";

export const metadata: Metadata = { title: "Alerts" };

export default function AlertsPage() {
  return (
    <>
      <PageHeader
        title="Alerts"
        description="Firing and recent incidents of your alert rules, their timelines, acknowledgements and silences."
      />
      <AlertsTabs />
      <IncidentsView />
    </>
  );
}
