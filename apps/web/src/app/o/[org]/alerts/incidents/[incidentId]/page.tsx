import type { Metadata } from "next";
import { AlertsTabs } from "../../alerts-parts";
import { IncidentView } from "./incident-view";

export const metadata: Metadata = { title: "Incident" };

export default async function IncidentPage({ params }: { params: Promise<{ incidentId: string }> }) {
  const { incidentId } = await params;
  return (
    <>
      <AlertsTabs />
      <IncidentView incidentId={incidentId} />
    </>
  );
}
