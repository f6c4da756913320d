import { diag, DiagLogLevel } from "@opentelemetry/api";
import { otelExporterEndpoint } from "@switchyard/env";
import type { Logger } from "pino";

export interface TelemetryOptions {
  serviceName: string;
  serviceVersion: string;
  /** How often metrics are pushed. The OpenTelemetry default of 60 s is too slow for a live dashboard. */
  metricExportIntervalMillis?: number;
  /** Receives the SDK's own warnings and errors (failed exports), which are otherwise silent. */
  logger?: Logger;
}

export interface Telemetry {
  /** false when OTEL_EXPORTER_OTLP_ENDPOINT is unset and nothing is exported. */
  enabled: boolean;
  /** Flushes pending spans and metrics and stops exporting. Safe to call more than once. */
  shutdown(): Promise<void>;
}

// One SDK per process even if start-up code runs twice (Next.js dev server, tests importing main twice).
const globalForTelemetry = globalThis as unknown as { switchyardTelemetry?: Promise<Telemetry> };

/**
 * Starts the OpenTelemetry Node SDK (traces and metrics over OTLP/HTTP protobuf) when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set, and does nothing otherwise. The exporters read the standard OTEL_*
 * variables themselves (endpoint, headers, timeouts, per-signal overrides).
 *
 * The SDK is loaded with dynamic imports, so a process without telemetry never loads it, and so this module
 * can be imported from Next.js's instrumentation.ts. Call it before importing pg, ioredis or bullmq so their
 * instrumentations can hook in.
 */
export function startTelemetry(options: TelemetryOptions): Promise<Telemetry> {
  globalForTelemetry.switchyardTelemetry ??= start(options).catch((error: unknown) => {
    delete globalForTelemetry.switchyardTelemetry;
    throw error;
  });
  return globalForTelemetry.switchyardTelemetry;
}

async function start(options: TelemetryOptions): Promise<Telemetry> {
  const endpoint = otelExporterEndpoint.safeParse(
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || undefined,
  );
  if (!endpoint.success) {
    throw new Error(
      `OTEL_EXPORTER_OTLP_ENDPOINT: ${endpoint.error.issues[0]?.message} — ${otelExporterEndpoint.description}`,
    );
  }
  if (endpoint.data === undefined) {
    return {
      enabled: false,
      shutdown: async () => {
        delete globalForTelemetry.switchyardTelemetry;
      },
    };
  }

  const [
    { NodeSDK },
    { OTLPTraceExporter },
    { OTLPMetricExporter },
    { PeriodicExportingMetricReader },
    { resourceFromAttributes },
    { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION },
    { HttpInstrumentation },
    { UndiciInstrumentation },
    { PgInstrumentation },
    { IORedisInstrumentation },
  ] = await Promise.all([
    import("@opentelemetry/sdk-node"),
    import("@opentelemetry/exporter-trace-otlp-proto"),
    import("@opentelemetry/exporter-metrics-otlp-proto"),
    import("@opentelemetry/sdk-metrics"),
    import("@opentelemetry/resources"),
    import("@opentelemetry/semantic-conventions"),
    import("@opentelemetry/instrumentation-http"),
    import("@opentelemetry/instrumentation-undici"),
    import("@opentelemetry/instrumentation-pg"),
    import("@opentelemetry/instrumentation-ioredis"),
  ]);

  if (options.logger) {
    const logger = options.logger.child({ component: "opentelemetry" });
    diag.setLogger(
      {
        error: (message, ...args) => logger.error({ args }, message),
        warn: (message, ...args) => logger.warn({ args }, message),
        info: () => {},
        debug: () => {},
        verbose: () => {},
      },
      DiagLogLevel.WARN,
    );
  }

  const sdk = new NodeSDK({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: options.serviceName,
      [ATTR_SERVICE_VERSION]: options.serviceVersion,
    }),
    traceExporter: new OTLPTraceExporter(),
    metricReaders: [
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter(),
        exportIntervalMillis: options.metricExportIntervalMillis ?? 15_000,
      }),
    ],
    // Logs go to stdout as JSON (see createLogger); an empty list keeps the SDK from adding an OTLP log exporter.
    logRecordProcessors: [],
    instrumentations: [
      // The control plane ingests OTLP itself: tracing its own ingest requests would feed on itself.
      new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => isOtlpIngestPath(request.url) }),
      new UndiciInstrumentation(),
      new PgInstrumentation(),
      new IORedisInstrumentation(),
    ],
  });
  sdk.start();

  let stopping: Promise<void> | undefined;
  return {
    enabled: true,
    shutdown() {
      stopping ??= sdk.shutdown().finally(() => {
        delete globalForTelemetry.switchyardTelemetry;
      });
      return stopping;
    },
  };
}

/** The OTLP/HTTP ingest paths (`/v1/traces`, `/v1/metrics`, `/v1/logs`), with or without a query string. */
export function isOtlpIngestPath(url: string | undefined): boolean {
  return url !== undefined && /^\/v1\/(traces|metrics|logs)(\?|$)/.test(url);
}
