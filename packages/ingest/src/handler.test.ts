import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { TelemetryIngestJob } from "@switchyard/contracts";
import { batchOfExport } from "@switchyard/otlp";
import type { IngestPrincipal } from "./authenticate";
import { createOtlpHandler } from "./handler";
import type { IngestQueue } from "./ingest-queue";

/** A queue that keeps jobs in memory, with a settable backlog; the handler is what is under test here. */
function memoryQueue(options: { waiting?: number; oldestWaitMs?: number; down?: boolean } = {}) {
  const jobs: TelemetryIngestJob[] = [];
  const queue: IngestQueue = {
    async add(payload) {
      if (options.down) throw new Error("Redis is down");
      jobs.push(payload);
    },
    async backlog() {
      if (options.down) throw new Error("Redis is down");
      return { waiting: options.waiting ?? 0, oldestWaitMs: options.oldestWaitMs ?? 0 };
    },
    async close() {},
  };
  return { queue, jobs };
}

const principal: IngestPrincipal = { organizationId: "org-1", kind: "ingest_key", id: "key-1" };
const authenticate = async (token: string) => (token === "sy_ing_good" ? principal : null);

function handler(queue: IngestQueue, maxBodyBytes = 1024) {
  return createOtlpHandler("traces", {
    authenticate,
    queue,
    limits: { maxBodyBytes, maxDecompressedBytes: 4096 },
  });
}

const nanos = (ms: number) => `${BigInt(ms) * 1_000_000n}`;
function traces(spanCount = 1) {
  const now = Date.now();
  const spans = Array.from({ length: spanCount }, (_, i) => ({
    traceId: "0af7651916cd43dd8448eb211c80319c",
    spanId: (i + 1).toString(16).padStart(16, "0"),
    name: "GET /",
    kind: 2,
    startTimeUnixNano: nanos(now - 10),
    endTimeUnixNano: nanos(now - 5),
  }));
  return JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans }] }] });
}

function request(
  body: string | Uint8Array | ReadableStream<Uint8Array> | null,
  headers: Record<string, string> = {},
  method = "POST",
) {
  return new Request("http://ingest.test/v1/traces", {
    method,
    body,
    headers: { authorization: "Bearer sy_ing_good", "content-type": "application/json", ...headers },
    duplex: "half",
  } as RequestInit);
}

/** A body without a content-length, as a chunked upload arrives. */
function streamed(bytes: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      const chunk = new Uint8Array(Math.min(256, bytes - sent)).fill(32);
      sent += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
}

describe("the OTLP ingest handler", () => {
  it("accepts a batch, enqueues it under a stable batch id and answers the OTLP response", async () => {
    const { queue, jobs } = memoryQueue();
    const body = traces(2);
    const first = await handler(queue)(request(body));
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({});
    // The body is queued; the worker's normalisation with the ingest's clock gives the same two spans.
    const job = jobs[0]!;
    expect(job).toMatchObject({ signal: "traces", organizationId: "org-1", format: "json" });
    expect("body" in job && Buffer.from(job.body, "base64").toString()).toBe(body);
    const batch = "body" in job ? batchOfExport(job) : job;
    expect(batch).toMatchObject({ signal: "traces", rejected: 0, receivedAtMs: job.receivedAtMs });
    expect(batch.signal === "traces" && batch.spans).toHaveLength(2);
    await handler(queue)(request(body));
    expect(jobs[1]!.batchId).toBe(jobs[0]!.batchId);
  });

  it("answers 405, 401, 415 and 400 with a message", async () => {
    const { queue, jobs } = memoryQueue();
    expect((await handler(queue)(request(null, {}, "GET"))).status).toBe(405);
    expect((await handler(queue)(request(traces(), { authorization: "Bearer sy_ing_bad" }))).status).toBe(
      401,
    );
    expect((await handler(queue)(request(traces(), { "content-type": "text/plain" }))).status).toBe(415);
    expect((await handler(queue)(request(traces(), { "content-encoding": "zstd" }))).status).toBe(415);
    const malformed = await handler(queue)(request("{", {}));
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { message: string }).message).toMatch(/not valid JSON/);
    expect(jobs).toEqual([]);
  });

  it("refuses bodies over the limit, streamed or declared, compressed or inflated", async () => {
    const { queue, jobs } = memoryQueue();
    expect((await handler(queue)(request(streamed(2_000)))).status).toBe(413);
    expect((await handler(queue)(request(streamed(100_000)))).status).toBe(413);
    expect((await handler(queue)(request("x", { "content-length": "999999" }))).status).toBe(413);
    const bomb = gzipSync(Buffer.alloc(100_000));
    expect((await handler(queue)(request(bomb, { "content-encoding": "gzip" }))).status).toBe(413);
    expect(jobs).toEqual([]);
  });

  it("asks exporters to back off when the queue is deep, the writers are behind or Redis is down", async () => {
    const deep = await handler(memoryQueue({ waiting: 10_000 }).queue)(request(traces()));
    expect(deep.status).toBe(429);
    expect(deep.headers.get("retry-after")).toBe("5");
    const behind = memoryQueue({ waiting: 50, oldestWaitMs: 4_500 });
    const late = await handler(behind.queue)(request(traces()));
    expect(late.status).toBe(429);
    expect(((await late.json()) as { message: string }).message).toMatch(/writers are behind.*4\.5 s/);
    // 3.5 s over the 1 s limit: come back when that much work is done.
    expect(late.headers.get("retry-after")).toBe("4");
    expect(behind.jobs).toEqual([]);
    const onTime = await handler(memoryQueue({ waiting: 50, oldestWaitMs: 900 }).queue)(request(traces()));
    expect(onTime.status).toBe(200);
    const down = await handler(memoryQueue({ down: true }).queue)(request(traces()));
    expect(down.status).toBe(503);
    expect(down.headers.get("retry-after")).toBe("5");
  });
});
