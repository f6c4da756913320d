import type { Metadata } from "next";
import { PageHeader } from "@/components/ui";
import { AuditLog } from "./audit-log";

export const metadata: Metadata = { title: "Audit" };

export default function AuditPage() {
  return (
    <>
      <PageHeader
        title="Audit"
        description="Every change in this organization: who, what, when, from where."
      />
      <AuditLog />
    </>
  );
}
