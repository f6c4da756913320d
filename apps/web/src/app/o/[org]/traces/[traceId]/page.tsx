import type { Metadata } from "next";
import { TraceView } from "./trace-view";

export const metadata: Metadata = { title: "Trace" };

export default async function Page({ params }: { params: Promise<{ traceId: string }> }) {
  const { traceId } = await params;
  return <TraceView traceId={traceId} />;
}
