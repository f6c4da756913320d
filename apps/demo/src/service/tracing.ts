import { type Tracer } from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from "@opentelemetry/semantic-conventions";
import { z } from "zod";
import { httpUrl } from "../cli";
import { ConfigError, describeIssues, fieldIssues } from "../validation";

export interface TracingIdentity {
  service: string;
  version: string;
  instanceId: string;
}

export interface Tracing {
  tracer: Tracer;
  /** True when spans are sent to an OTLP endpoint; otherwise context is only propagated. */
  exporting: boolean;
  /** Flushes pending spans; call before exit. */
  shutdown(): Promise<void>;
}

// The exporter reads these itself, as the OTLP exporter spec says; they are checked here first so a typo
// stops the service with a message instead of silently dropping every span.
const otlpEnvSchema = z.object({
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl.optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: httpUrl.optional(),
  OTEL_EXPORTER_OTLP_HEADERS: z
    .string()
    .regex(
      /^\s*([^=,\s]+\s*=[^,]*)(,\s*[^=,\s]+\s*=[^,]*)*\s*$/,
      "expected key=value pairs separated by commas",
    )
    .optional(),
});

// Loaded only when exporting: the exporter and its protobuf encoder are a sizeable share of a replica's memory.
async function createOtlpExporter() {
  const { OTLPTraceExporter } = await import("@opentelemetry/exporter-trace-otlp-proto");
  return new OTLPTraceExporter();
}

export async function startTracing(
  identity: TracingIdentity,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Tracing> {
  const parsed = otlpEnvSchema.safeParse({
    OTEL_EXPORTER_OTLP_ENDPOINT: env.OTEL_EXPORTER_OTLP_ENDPOINT || undefined,
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || undefined,
    OTEL_EXPORTER_OTLP_HEADERS: env.OTEL_EXPORTER_OTLP_HEADERS || undefined,
  });
  if (!parsed.success) throw new ConfigError(describeIssues(fieldIssues(parsed.error)));
  const exporting = Boolean(
    parsed.data.OTEL_EXPORTER_OTLP_ENDPOINT || parsed.data.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
  );

  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: identity.service,
      [ATTR_SERVICE_VERSION]: identity.version,
      "service.instance.id": identity.instanceId,
    }),
    spanProcessors: exporting ? [new BatchSpanProcessor(await createOtlpExporter())] : [],
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });

  return {
    tracer: provider.getTracer("@switchyard/demo"),
    exporting,
    shutdown: () => provider.shutdown(),
  };
}
