import { createHash } from "node:crypto";
import {
  exportResponse,
  gunzipBody,
  normalizeExport,
  OtlpBodyTooLargeError,
  OtlpDecodeError,
  otlpFormatOf,
  type NormalizedExport,
  type Signal,
} from "@switchyard/otlp";
import type { OtlpExportJob } from "@switchyard/contracts";
import type { Authenticate } from "./authenticate";
import type { IngestBacklog, IngestQueue } from "./ingest-queue";

export type { Signal };

export interface IngestLimits {
  /** Largest body as sent (compressed or not). */
  maxBodyBytes: number;
  /** Largest body after gzip is inflated. */
  maxDecompressedBytes: number;
  /** Waiting batches above which uploads are refused with 429 (bounds Redis memory whatever the rate). */
  maxQueueDepth: number;
  /**
   * How long the oldest waiting batch may have waited before uploads are refused with 429. This bounds the
   * lag from accept to storage on any machine and batch size, where a depth limit would be seconds of work
   * on a fast machine and minutes on a slow one.
   */
  maxQueueWaitMs: number;
  /** Seconds exporters are asked to wait on 503 and on 429 for a full queue. */
  retryAfterSeconds: number;
}

export const defaultIngestLimits: IngestLimits = {
  maxBodyBytes: 8 * 1024 * 1024,
  maxDecompressedBytes: 32 * 1024 * 1024,
  maxQueueDepth: 2_000,
  maxQueueWaitMs: 1_000,
  retryAfterSeconds: 5,
};

export interface IngestHandlerOptions {
  authenticate: Authenticate;
  queue: IngestQueue;
  limits?: Partial<IngestLimits>;
  /** Reports failures the client cannot act on (Redis down); never the payloads. */
  onError?: (error: unknown, context: { signal: Signal; status: number }) => void;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

function errorResponse(error: HttpError): Response {
  return Response.json(
    { code: error.status, message: error.message },
    { status: error.status, headers: error.headers },
  );
}

function bearerToken(authorization: string | null): string | null {
  return authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1] ?? null;
}

/**
 * Reads the body, keeping at most `maxBytes`. A longer body is read on and discarded (up to four times the
 * limit) so the 413 reaches the exporter on an intact connection instead of as a reset it would retry;
 * past that the stream is cancelled.
 */
async function readBody(request: Request, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = () => new HttpError(413, `the body is larger than ${maxBytes} bytes`);
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (declared > 4 * maxBytes) throw tooLarge();
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > 4 * maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    if (total <= maxBytes) chunks.push(value);
  }
  if (total > maxBytes) throw tooLarge();
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

/**
 * The OTLP/HTTP export endpoint for one signal. Answers fast: authenticate, check limits and backpressure,
 * decode and validate, enqueue, and return the OTLP response. A 2xx is only sent once the batch is stored
 * in Redis, so nothing acknowledged can be lost before the worker writes it.
 */
export function createOtlpHandler(signal: Signal, options: IngestHandlerOptions) {
  const limits = { ...defaultIngestLimits, ...options.limits };
  const retryAfter = { "retry-after": String(limits.retryAfterSeconds) };

  async function handle(request: Request): Promise<Response> {
    if (request.method !== "POST") throw new HttpError(405, "use POST", { allow: "POST" });
    const token = bearerToken(request.headers.get("authorization"));
    if (!token) throw new HttpError(401, "missing Authorization: Bearer <agent token or ingest key>");
    const principal = await options.authenticate(token);
    if (!principal) throw new HttpError(401, "the token is unknown or revoked");

    const format = otlpFormatOf(request.headers.get("content-type"));
    if (!format)
      throw new HttpError(415, "content type must be application/x-protobuf or application/json", {
        accept: "application/x-protobuf, application/json",
      });
    const encoding = (request.headers.get("content-encoding") ?? "identity").trim().toLowerCase();
    if (encoding !== "gzip" && encoding !== "identity")
      throw new HttpError(415, `content encoding "${encoding}" is not supported; use gzip or none`);

    let backlog: IngestBacklog;
    try {
      backlog = await options.queue.backlog();
    } catch (error) {
      options.onError?.(error, { signal, status: 503 });
      throw new HttpError(503, "the ingest queue is unavailable; retry later", retryAfter);
    }
    if (backlog.waiting > limits.maxQueueDepth)
      throw new HttpError(
        429,
        `the ingest queue is full (${backlog.waiting} batches waiting); retry later`,
        retryAfter,
      );
    if (backlog.oldestWaitMs > limits.maxQueueWaitMs) {
      // Time enough for the writers to work off what is over the limit.
      const seconds = Math.max(1, Math.ceil((backlog.oldestWaitMs - limits.maxQueueWaitMs) / 1000));
      throw new HttpError(
        429,
        `the writers are behind (the oldest waiting batch has waited ${(backlog.oldestWaitMs / 1000).toFixed(1)} s); retry later`,
        { "retry-after": String(seconds) },
      );
    }

    const raw = await readBody(request, limits.maxBodyBytes);
    let body: Uint8Array;
    let normalized: NormalizedExport;
    const receivedAtMs = Date.now();
    try {
      body = encoding === "gzip" ? gunzipBody(raw, limits.maxDecompressedBytes) : raw;
      if (body.byteLength > limits.maxDecompressedBytes)
        throw new OtlpBodyTooLargeError(`the body is larger than ${limits.maxDecompressedBytes} bytes`);
      normalized = normalizeExport(signal, body, format, receivedAtMs);
    } catch (error) {
      if (error instanceof OtlpBodyTooLargeError) throw new HttpError(413, error.message);
      if (error instanceof OtlpDecodeError) throw new HttpError(400, error.message);
      throw error;
    }

    if (normalized.count > 0 || normalized.ignored > 0 || normalized.rejected > 0) {
      const batchId = createHash("sha256")
        .update(principal.organizationId)
        .update("\0")
        .update(signal)
        .update("\0")
        .update(body)
        .digest("hex");
      // The body, not the normalised items, goes to the worker: it normalises again with the same clock.
      const payload: OtlpExportJob = {
        signal,
        organizationId: principal.organizationId,
        batchId,
        receivedAtMs,
        format,
        body: Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("base64"),
      };
      try {
        await options.queue.add(payload);
      } catch (error) {
        options.onError?.(error, { signal, status: 503 });
        throw new HttpError(503, "the ingest queue is unavailable; retry later", retryAfter);
      }
    }
    const response = exportResponse(signal, format, {
      rejected: normalized.rejected,
      errorMessage: normalized.message,
    });
    return new Response(response.body as string | Uint8Array<ArrayBuffer>, {
      status: 200,
      headers: { "content-type": response.contentType },
    });
  }

  return async (request: Request): Promise<Response> => {
    try {
      return await handle(request);
    } catch (error) {
      if (error instanceof HttpError) return errorResponse(error);
      options.onError?.(error, { signal, status: 500 });
      return errorResponse(new HttpError(500, "internal error while accepting the upload"));
    }
  };
}
