/**
 * The OTLP protobuf bodies `npm run bench:ingest` sends, shared by its sender processes and the in-process
 * stage profile (`scripts/bench/ingest-stages.ts`) so both measure the same load.
 */
import root from "@opentelemetry/otlp-transformer/build/src/generated/root.js";

interface Codec {
  encode(message: unknown): { finish(): Uint8Array };
}
const collector = (
  root as unknown as {
    opentelemetry: {
      proto: {
        collector: {
          trace: { v1: { ExportTraceServiceRequest: Codec } };
          metrics: { v1: { ExportMetricsServiceRequest: Codec } };
        };
      };
    };
  }
).opentelemetry.proto.collector;

const SERVICES = ["frontend", "checkout", "payments", "inventory"];
const BOUNDS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000];
const TRACE_MARKER = Buffer.from([0xfe, 0xed, 0xfa, 0xce]);

/**
 * One encoded trace batch of `spanCount` spans; each span's trace id starts with a marker so every send can
 * stamp a fresh id into the same bytes (`stampTraceIds`) instead of re-encoding (the sender must not be
 * the bottleneck).
 */
export function traceTemplate(spanCount: number): { body: Buffer; idOffsets: number[] } {
  const now = Date.now();
  const spans = Array.from({ length: spanCount }, (_, i) => {
    const traceId = Buffer.alloc(16);
    TRACE_MARKER.copy(traceId, 0);
    // Four spans per trace: a frontend root and three children in other services (service-graph edges).
    traceId.writeUInt32BE(Math.floor(i / 4) + 1, 12);
    const parent =
      i % 4 === 0 ? Buffer.alloc(0) : Buffer.from((i - (i % 4) + 1).toString(16).padStart(16, "0"), "hex");
    return {
      traceId,
      spanId: Buffer.from(`${(i + 1).toString(16).padStart(16, "0")}`, "hex"),
      parentSpanId: parent,
      name: "GET /items/:id",
      kind: 2,
      startTimeUnixNano: `${BigInt(now - 1000 + (i % 500)) * 1_000_000n}`,
      endTimeUnixNano: `${BigInt(now - 1000 + (i % 500) + 5 + (i % 40)) * 1_000_000n}`,
      attributes: [
        { key: "http.route", value: { stringValue: "/items/:id" } },
        { key: "http.response.status_code", value: { intValue: i % 50 === 0 ? 500 : 200 } },
      ],
      status: { code: i % 50 === 0 ? 2 : 0 },
    };
  });
  const perService = SERVICES.map((service, s) => ({
    resource: { attributes: [{ key: "service.name", value: { stringValue: service } }] },
    scopeSpans: [{ spans: spans.filter((_, i) => i % SERVICES.length === s) }],
  }));
  const body = Buffer.from(
    collector.trace.v1.ExportTraceServiceRequest.encode({ resourceSpans: perService }).finish(),
  );
  const idOffsets: number[] = [];
  for (let from = 0; ;) {
    const at = body.indexOf(TRACE_MARKER, from);
    if (at < 0) break;
    idOffsets.push(at);
    from = at + 16;
  }
  return { body, idOffsets };
}

/** A copy of the template with a fresh random prefix in every trace id (a new batch, new traces). */
export function stampTraceIds(template: { body: Buffer; idOffsets: number[] }, nonce: Buffer): Buffer {
  const body = Buffer.from(template.body);
  for (const offset of template.idOffsets) nonce.copy(body, offset);
  return body;
}

/** A cumulative gateway-style histogram export: 40 series whose counts grow with every export. */
export function metricsBody(exportNumber: number, startNs: string, gateway: string): Buffer {
  const now = `${BigInt(Date.now()) * 1_000_000n}`;
  const dataPoints = Array.from({ length: 40 }, (_, i) => {
    const count = exportNumber * 10;
    const bucketCounts = BOUNDS.map(() => 0).concat(0);
    bucketCounts[3] = count;
    return {
      attributes: [
        { key: "route", value: { stringValue: `route-${i % 10}` } },
        { key: "service", value: { stringValue: SERVICES[i % SERVICES.length] } },
        { key: "target.version", value: { stringValue: i % 2 ? "v1" : "v2" } },
        { key: "http.status_class", value: { stringValue: "2xx" } },
      ],
      startTimeUnixNano: startNs,
      timeUnixNano: now,
      count,
      sum: count * 8,
      bucketCounts,
      explicitBounds: BOUNDS,
    };
  });
  return Buffer.from(
    collector.metrics.v1.ExportMetricsServiceRequest.encode({
      resourceMetrics: [
        {
          resource: { attributes: [{ key: "service.name", value: { stringValue: gateway } }] },
          scopeMetrics: [
            {
              metrics: [
                {
                  name: "switchyard.gateway.request.duration",
                  unit: "ms",
                  histogram: { aggregationTemporality: 2, dataPoints },
                },
              ],
            },
          ],
        },
      ],
    }).finish(),
  );
}
