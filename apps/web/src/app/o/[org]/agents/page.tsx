import type { Metadata } from "next";
import { PageHeader } from "@/components/ui";
import { AgentsView } from "./agents-view";

export const metadata: Metadata = { title: "Agents" };

export default function AgentsPage() {
  return (
    <>
      <PageHeader
        title="Agents"
        description="Gateway groups and the agents that run in them. An agent authenticates with a token shown once."
      />
      <AgentsView />
    </>
  );
}
