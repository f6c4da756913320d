/**
 * One sender process of `npm run bench:ingest`: posts OTLP protobuf traces (and a share of metrics) to the
 * control plane for a fixed time, and reports what was accepted, with the accept time of every batch so
 * the parent can measure the lag to storage. Loopback only; bounded by time.
 */
import { createHash, randomBytes } from "node:crypto";
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

const [baseUrl, key, organizationId, durationMs, concurrency, spansPerBatch, senderIndex] =
  process.argv.slice(2);
const SPANS = Number(spansPerBatch);
const SERVICES = ["frontend", "checkout", "payments", "inventory"];
const BOUNDS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000];

/**
 * One encoded trace batch; each span's trace id starts with a marker so every send can stamp a fresh id
 * into the same bytes instead of re-encoding (the sender must not be the bottleneck).
 */
function traceTemplate(): { body: Buffer; idOffsets: number[] } {
  const now = Date.now();
  const spans = Array.from({ length: SPANS }, (_, i) => {
    const traceId = Buffer.alloc(16);
    traceId.writeUInt32BE(0xfeedface, 0);
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
    const at = body.indexOf(Buffer.from([0xfe, 0xed, 0xfa, 0xce]), from);
    if (at < 0) break;
    idOffsets.push(at);
    from = at + 16;
  }
  return { body, idOffsets };
}

/** A cumulative gateway-style histogram export: 40 series whose counts grow with every export. */
function metricsBody(exportNumber: number, startNs: string): Buffer {
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
          resource: {
            attributes: [{ key: "service.name", value: { stringValue: `bench-gateway-${senderIndex}` } }],
          },
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

const template = traceTemplate();
const deadline = Date.now() + Number(durationMs);
const accepted: Array<[batchId: string, acceptedAtMs: number, items: number]> = [];
const refused = new Map<number, number>();
let metricExports = 0;
const metricStart = `${BigInt(Date.now()) * 1_000_000n}`;
let sentMetricPoints = 0;

async function post(path: string, body: Buffer): Promise<number> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/x-protobuf" },
    body,
  });
  await response.arrayBuffer();
  return response.status;
}

function batchIdOf(signal: string, body: Buffer): string {
  return createHash("sha256")
    .update(organizationId!)
    .update("\0")
    .update(signal)
    .update("\0")
    .update(body)
    .digest("hex");
}

async function loop(lane: number): Promise<void> {
  let sends = 0;
  while (Date.now() < deadline) {
    sends++;
    // One metrics export per 20 trace batches on lane 0, as a gateway exports alongside its spans.
    if (lane === 0 && sends % 20 === 0) {
      metricExports++;
      const body = metricsBody(metricExports, metricStart);
      const status = await post("/v1/metrics", body);
      if (status === 200) {
        accepted.push([batchIdOf("metrics", body), Date.now(), 0]);
        sentMetricPoints += 40;
      } else refused.set(status, (refused.get(status) ?? 0) + 1);
      continue;
    }
    const body = Buffer.from(template.body);
    const nonce = randomBytes(8);
    for (const offset of template.idOffsets) nonce.copy(body, offset);
    const status = await post("/v1/traces", body);
    if (status === 200) accepted.push([batchIdOf("traces", body), Date.now(), SPANS]);
    else {
      refused.set(status, (refused.get(status) ?? 0) + 1);
      // Back off as an OTLP exporter would on 429/503.
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

await Promise.all(Array.from({ length: Number(concurrency) }, (_, lane) => loop(lane)));
process.stdout.write(
  JSON.stringify({ accepted, refused: Object.fromEntries(refused), metricExports, sentMetricPoints }) + "\n",
);
