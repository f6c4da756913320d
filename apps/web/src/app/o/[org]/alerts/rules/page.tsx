import type { Metadata } from "next";
import { PageHeader } from "@/components/ui";
import { AlertsTabs } from "../alerts-parts";
import { RulesView } from "./rules-view";

export const metadata: Metadata = { title: "Alert rules" };

export default function RulesPage() {
  return (
    <>
      <PageHeader
        title="Alerts"
        description="Rules on error rate, latency, request rate, healthy targets and agents, evaluated every 10 s."
      />
      <AlertsTabs />
      <RulesView />
    </>
  );
}
