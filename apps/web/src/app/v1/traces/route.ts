import { ingestHandler } from "@/server/ingest";

// The standard OTLP/HTTP path, so any OpenTelemetry exporter pointed at the control plane finds it.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export function POST(request: Request): Promise<Response> {
  return ingestHandler("traces")(request);
}
