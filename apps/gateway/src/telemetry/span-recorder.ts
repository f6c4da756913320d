import { SpanKind, SpanStatusCode, TraceFlags, type Attributes, type HrTime } from "@opentelemetry/api";
import { ExportResultCode, hrTimeDuration } from "@opentelemetry/core";
import { type Resource } from "@opentelemetry/resources";
import { type ReadableSpan, type SpanExporter } from "@opentelemetry/sdk-trace-base";

export interface FinishedRequestSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  startTime: HrTime;
  endTime: HrTime;
  isError: boolean;
  attributes: Attributes;
}

export interface SpanRecorderOptions {
  maxQueueSize: number;
  maxExportBatchSize: number;
  flushIntervalMs: number;
}

/**
 * A bounded queue of finished spans in front of the official OTLP exporter. The proxy only pushes;
 * export runs on a timer with one request in flight at a time. A full queue drops the span and counts
 * it, and so does a failed export, so telemetry loss is always visible in status and heartbeats.
 */
export class SpanRecorder {
  private queue: ReadableSpan[] = [];
  private exporting = false;
  private readonly timer: NodeJS.Timeout;
  droppedQueueFull = 0;
  droppedExportFailed = 0;
  exported = 0;

  constructor(
    private readonly exporter: SpanExporter,
    private readonly resource: Resource,
    private readonly scope: { name: string; version: string },
    private readonly options: SpanRecorderOptions,
  ) {
    this.timer = setInterval(() => this.exportBatch(), options.flushIntervalMs);
    this.timer.unref();
  }

  get dropped(): number {
    return this.droppedQueueFull + this.droppedExportFailed;
  }

  record(span: FinishedRequestSpan): void {
    if (this.queue.length >= this.options.maxQueueSize) {
      this.droppedQueueFull++;
      return;
    }
    this.queue.push(this.toReadableSpan(span));
    if (this.queue.length >= this.options.maxExportBatchSize) this.exportBatch();
  }

  /** Exports everything queued, waiting for in-flight exports; used at shutdown. */
  async flush(): Promise<void> {
    for (let round = 0; round < 100 && (this.queue.length > 0 || this.exporting); round++) {
      if (!this.exporting) this.exportBatch();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async shutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    await this.exporter.shutdown();
  }

  private exportBatch(): void {
    if (this.exporting || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.options.maxExportBatchSize);
    this.exporting = true;
    this.exporter.export(batch, (result) => {
      this.exporting = false;
      if (result.code === ExportResultCode.SUCCESS) this.exported += batch.length;
      else this.droppedExportFailed += batch.length;
    });
  }

  private toReadableSpan(span: FinishedRequestSpan): ReadableSpan {
    const context = { traceId: span.traceId, spanId: span.spanId, traceFlags: TraceFlags.SAMPLED };
    return {
      name: span.name,
      kind: SpanKind.SERVER,
      spanContext: () => context,
      parentSpanContext:
        span.parentSpanId === null
          ? undefined
          : {
              traceId: span.traceId,
              spanId: span.parentSpanId,
              traceFlags: TraceFlags.SAMPLED,
              isRemote: true,
            },
      startTime: span.startTime,
      endTime: span.endTime,
      status: { code: span.isError ? SpanStatusCode.ERROR : SpanStatusCode.UNSET },
      attributes: span.attributes,
      links: [],
      events: [],
      duration: hrTimeDuration(span.startTime, span.endTime),
      ended: true,
      resource: this.resource,
      instrumentationScope: this.scope,
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
    };
  }
}
