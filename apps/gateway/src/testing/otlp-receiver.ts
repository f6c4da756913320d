import { createServer, type Server } from "node:http";
import { type AddressInfo } from "node:net";
import root from "@opentelemetry/otlp-transformer/build/src/generated/root.js";

/** The slice of the generated OTLP protobuf root (shipped by the official transformer) used here. */
interface Decoder<T> {
  decode(bytes: Uint8Array): T;
}
interface OtlpRoot {
  opentelemetry: {
    proto: {
      collector: {
        metrics: { v1: { ExportMetricsServiceRequest: Decoder<MetricsRequest> } };
        trace: { v1: { ExportTraceServiceRequest: Decoder<TraceRequest> } };
      };
    };
  };
}

export interface KeyValue {
  key: string;
  value: { stringValue?: string | null; intValue?: number | { toNumber(): number } | null };
}
export interface NumberPoint {
  attributes: KeyValue[];
  asInt?: number | { toNumber(): number } | null;
  asDouble?: number | null;
}
export interface HistogramPoint {
  attributes: KeyValue[];
  count: number | { toNumber(): number };
  sum?: number | null;
}
export interface Metric {
  name: string;
  sum?: { dataPoints: NumberPoint[]; isMonotonic: boolean } | null;
  histogram?: { dataPoints: HistogramPoint[] } | null;
}
export interface MetricsRequest {
  resourceMetrics: Array<{
    resource: { attributes: KeyValue[] };
    scopeMetrics: Array<{ metrics: Metric[] }>;
  }>;
}
export interface Span {
  name: string;
  traceId: Uint8Array;
  spanId: Uint8Array;
  parentSpanId: Uint8Array;
  attributes: KeyValue[];
  status?: { code?: number | null } | null;
}
export interface TraceRequest {
  resourceSpans: Array<{ resource: { attributes: KeyValue[] }; scopeSpans: Array<{ spans: Span[] }> }>;
}

const otlp = (root as unknown as OtlpRoot).opentelemetry.proto.collector;

export function toNumber(value: number | { toNumber(): number } | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === "number" ? value : value.toNumber();
}

export function attributesOf(list: KeyValue[]): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const { key, value } of list) out[key] = value.stringValue ?? toNumber(value.intValue);
  return out;
}

export function hex(bytes: Uint8Array | null | undefined): string {
  return bytes ? Buffer.from(bytes).toString("hex") : "";
}

/** An OTLP/HTTP protobuf receiver that decodes with the official generated definitions. */
export class OtlpReceiver {
  readonly metrics: MetricsRequest[] = [];
  readonly traces: TraceRequest[] = [];
  readonly authorizations = new Set<string>();
  readonly contentTypes = new Set<string>();
  private server: Server | null = null;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const body = Buffer.concat(chunks);
        this.authorizations.add(String(req.headers.authorization));
        this.contentTypes.add(String(req.headers["content-type"]));
        if (req.url === "/v1/metrics")
          this.metrics.push(otlp.metrics.v1.ExportMetricsServiceRequest.decode(body));
        else if (req.url === "/v1/traces")
          this.traces.push(otlp.trace.v1.ExportTraceServiceRequest.decode(body));
        res.writeHead(200, { "content-type": "application/x-protobuf" }).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server === null) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** Data points of a metric in the most recent export that has it (cumulative totals). */
  latest(metricName: string): Metric | undefined {
    for (let i = this.metrics.length - 1; i >= 0; i--) {
      for (const resource of this.metrics[i]!.resourceMetrics) {
        for (const scope of resource.scopeMetrics) {
          const metric = scope.metrics.find((candidate) => candidate.name === metricName);
          if (metric !== undefined) return metric;
        }
      }
    }
    return undefined;
  }

  spans(): Span[] {
    return this.traces.flatMap((request) =>
      request.resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans)),
    );
  }
}
