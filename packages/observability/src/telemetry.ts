import { diag, DiagLogLevel } from "@opentelemetry/api";
import { otelExporterEndpoint } from "@switchyard/env";
import { pino, type Logger } from "pino";
import { isOtlpIngestPath } from "./request-targets";

export interface TelemetryOptions {
  serviceName: string;
  serviceVersion: string;
  /** How often metrics are pushed. The OpenTelemetry default of 60 s is too slow for a live dashboard. */
  metricExportIntervalMillis?: number;
  /** Receives the SDK's own warnings and errors (failed exports), which are otherwise silent. */
  logger?: Logger;
  /**
   * The framework starts the SERVER span of every request itself (Next.js does, once a tracer provider is
   * registered). The http instrumentation then traces outgoing calls only: with both, every request would be
   * recorded twice, and Next.js would set `http.route` on the http span after it ended.
   */
  frameworkTracesRequests?: boolean;
  /** Request targets (path and query) that are long polls; see `LONG_POLL_SPAN_ATTRIBUTE`. */
  isLongPoll?: (target: string) => boolean;
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
    { serverSpanSampler },
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
    import("./server-span-sampler"),
  ]);

  if (options.logger) {
    const logger = options.logger.child({ component: "opentelemetry" });
    diag.setLogger(
      {
        error: (message, ...args) => logger.error({ args: args.map(loggable) }, message),
        warn: (message, ...args) => logger.warn({ args: args.map(loggable) }, message),
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
    sampler: serverSpanSampler({ isLongPoll: options.isLongPoll }),
    metricReaders: [
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter(),
        exportIntervalMillis: options.metricExportIntervalMillis ?? 15_000,
      }),
    ],
    // Logs go to stdout as JSON (see createLogger); an empty list keeps the SDK from adding an OTLP log exporter.
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        disableIncomingRequestInstrumentation: options.frameworkTracesRequests ?? false,
        // The control plane ingests OTLP itself: tracing its own ingest requests would feed on itself (the
        // sampler drops a framework's span for them; this also keeps them out of the request metrics).
        ignoreIncomingRequestHook: (request) => isOtlpIngestPath(request.url),
      }),
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

/** The SDK passes errors (with the stack that says who called) as arguments; JSON would make them `{}`. */
function loggable(arg: unknown): unknown {
  return arg instanceof Error ? pino.stdSerializers.err(arg) : arg;
}
