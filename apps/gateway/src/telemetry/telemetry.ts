import { ValueType } from "@opentelemetry/api";
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-proto";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { GATEWAY_SERVICE_NAME } from "@switchyard/contracts";
import {
  type AggregationTemporality,
  type InstrumentType,
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
  type ResourceMetrics,
} from "@opentelemetry/sdk-metrics";
import { type SharedBuckets } from "../ratelimit/shared-buckets";
import { type AccessLog } from "./access-log";
import { RequestMetricsProducer } from "./metrics-producer";
import { type RequestMetrics } from "./request-metrics";
import { SpanRecorder } from "./span-recorder";

export const DROPPED_METRIC = "switchyard.gateway.telemetry.dropped";
export const SHARED_RATE_LIMIT_METRIC = "switchyard.gateway.ratelimit.shared_decisions";

export interface TelemetryOptions {
  /** Base URL; `/v1/metrics` and `/v1/traces` are appended. */
  otlpEndpoint: string;
  agentToken: string | undefined;
  agentId: string;
  agentVersion: string;
  exportIntervalMs: number;
  maxQueuedSpans: number;
}

/** Counts failed metric exports; the data itself is cumulative, so the next success carries it. */
class CountingMetricExporter implements PushMetricExporter {
  failures = 0;
  constructor(private readonly inner: OTLPMetricExporter) {}

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    this.inner.export(metrics, (result) => {
      if (result.code !== ExportResultCode.SUCCESS) this.failures++;
      resultCallback(result);
    });
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  selectAggregationTemporality(instrumentType: InstrumentType): AggregationTemporality {
    return this.inner.selectAggregationTemporality(instrumentType);
  }
}

/**
 * OTLP/HTTP protobuf export with the official OpenTelemetry exporters. Metrics: the gateway's own
 * aggregation, read by the SDK's periodic reader every `exportIntervalMs`, plus an observable counter
 * of dropped telemetry. Traces: a bounded {@link SpanRecorder}. Nothing here is awaited by a request.
 */
export class Telemetry {
  readonly spans: SpanRecorder;
  private readonly meterProvider: MeterProvider;
  private readonly metricExporter: CountingMetricExporter;

  constructor(
    options: TelemetryOptions,
    metrics: RequestMetrics,
    accessLog: AccessLog | null,
    sharedBuckets: SharedBuckets | null = null,
  ) {
    const endpoint = options.otlpEndpoint.replace(/\/+$/, "");
    const headers: Record<string, string> = options.agentToken
      ? { authorization: `Bearer ${options.agentToken}` }
      : {};
    const resource = resourceFromAttributes({
      "service.name": GATEWAY_SERVICE_NAME,
      "service.instance.id": options.agentId,
      "service.version": options.agentVersion,
    });

    this.metricExporter = new CountingMetricExporter(
      new OTLPMetricExporter({ url: `${endpoint}/v1/metrics`, headers }),
    );
    this.meterProvider = new MeterProvider({
      resource,
      readers: [
        new PeriodicExportingMetricReader({
          exporter: this.metricExporter,
          exportIntervalMillis: options.exportIntervalMs,
          exportTimeoutMillis: Math.min(options.exportIntervalMs, 30_000),
          metricProducers: [new RequestMetricsProducer(metrics, options.agentVersion)],
        }),
      ],
    });

    this.spans = new SpanRecorder(
      new OTLPTraceExporter({ url: `${endpoint}/v1/traces`, headers }),
      resource,
      { name: GATEWAY_SERVICE_NAME, version: options.agentVersion },
      { maxQueueSize: options.maxQueuedSpans, maxExportBatchSize: 512, flushIntervalMs: 2_000 },
    );

    const meter = this.meterProvider.getMeter(GATEWAY_SERVICE_NAME, options.agentVersion);
    if (sharedBuckets !== null) {
      meter
        .createObservableCounter(SHARED_RATE_LIMIT_METRIC, {
          description:
            "Decisions of shared rate limits, by who made them: Redis, or this agent's bucket while Redis could not",
          unit: "{decision}",
          valueType: ValueType.INT,
        })
        .addCallback((result) => {
          result.observe(sharedBuckets.sharedDecisions, { "switchyard.ratelimit.backend": "redis" });
          result.observe(sharedBuckets.localFallbacks, { "switchyard.ratelimit.backend": "local_fallback" });
        });
    }
    const dropped = meter.createObservableCounter(DROPPED_METRIC, {
      description: "Telemetry the gateway could not deliver, by signal and reason",
      unit: "{item}",
    });
    dropped.addCallback((result) => {
      result.observe(this.spans.droppedQueueFull, { signal: "traces", reason: "queue_full" });
      result.observe(this.spans.droppedExportFailed, { signal: "traces", reason: "export_failed" });
      result.observe(this.metricExporter.failures, { signal: "metrics", reason: "export_failed" });
      if (accessLog !== null)
        result.observe(accessLog.dropped, { signal: "access_log", reason: "backpressure" });
    });
  }

  get failedMetricExports(): number {
    return this.metricExporter.failures;
  }

  /** Exports what is pending now (used at shutdown and by tests). */
  async flush(): Promise<void> {
    await Promise.all([this.meterProvider.forceFlush(), this.spans.flush()]);
  }

  async shutdown(): Promise<void> {
    await this.flush();
    await Promise.all([this.meterProvider.shutdown(), this.spans.shutdown()]);
  }
}
