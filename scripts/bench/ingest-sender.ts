/**
 * One sender process of `npm run bench:ingest`: posts OTLP protobuf traces (and a share of metrics) to the
 * control plane for a fixed time, and reports what was accepted, with the accept time of every batch so
 * the parent can measure the lag to storage. Loopback only; bounded by time.
 */
import { createHash, randomBytes } from "node:crypto";
import { metricsBody, stampTraceIds, traceTemplate } from "./otlp-bodies";

const [baseUrl, key, organizationId, durationMs, concurrency, spansPerBatch, senderIndex] =
  process.argv.slice(2);
const SPANS = Number(spansPerBatch);

const template = traceTemplate(SPANS);
const deadline = Date.now() + Number(durationMs);
const accepted: Array<[batchId: string, acceptedAtMs: number, items: number]> = [];
const refused = new Map<number, number>();
let metricExports = 0;
const metricStart = `${BigInt(Date.now()) * 1_000_000n}`;
let sentMetricPoints = 0;

async function post(path: string, body: Buffer): Promise<{ status: number; retryAfterMs: number }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/x-protobuf" },
    body,
  });
  await response.arrayBuffer();
  const retryAfter = Number(response.headers.get("retry-after"));
  return { status: response.status, retryAfterMs: Number.isFinite(retryAfter) ? retryAfter * 1000 : 1000 };
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
      const body = metricsBody(metricExports, metricStart, `bench-gateway-${senderIndex}`);
      const { status } = await post("/v1/metrics", body);
      if (status === 200) {
        accepted.push([batchIdOf("metrics", body), Date.now(), 0]);
        sentMetricPoints += 40;
      } else refused.set(status, (refused.get(status) ?? 0) + 1);
      continue;
    }
    const body = stampTraceIds(template, randomBytes(8));
    const { status, retryAfterMs } = await post("/v1/traces", body);
    if (status === 200) accepted.push([batchIdOf("traces", body), Date.now(), SPANS]);
    else {
      refused.set(status, (refused.get(status) ?? 0) + 1);
      // Wait as long as the ingest asks, as the OpenTelemetry exporters do on 429/503.
      await new Promise((resolve) => setTimeout(resolve, retryAfterMs));
    }
  }
}

await Promise.all(Array.from({ length: Number(concurrency) }, (_, lane) => loop(lane)));
process.stdout.write(
  JSON.stringify({ accepted, refused: Object.fromEntries(refused), metricExports, sentMetricPoints }) + "\n",
);
