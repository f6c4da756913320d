import { context, propagation, SpanKind, SpanStatusCode, trace, type Tracer } from "@opentelemetry/api";
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
} from "@opentelemetry/semantic-conventions";
import { Agent as HttpAgent, type IncomingMessage, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { HttpError } from "./http";

const DOWNSTREAM_TIMEOUT_MS = 5_000;

// Errors that mean "this replica is not there (any more)": refused, unreachable, or a kept-alive connection reset
// by a replica that went away. Every downstream call is a GET, so trying the next base URL is safe.
const RETRYABLE_ERROR_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EHOSTUNREACH", "ENOTFOUND"]);
const MAX_BODY_BYTES = 1024 * 1024;

class DownstreamTimeoutError extends Error {
  override name = "TimeoutError";
}

interface RawResponse {
  status: number;
  body: string;
}

// node:http rather than a client library: the replica already has it loaded, which keeps its memory small.
const agents = {
  "http:": new HttpAgent({ keepAlive: true, maxSockets: 64 }),
  "https:": new HttpsAgent({ keepAlive: true, maxSockets: 64 }),
};

function getText(url: URL, headers: Record<string, string>): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const req = send(url, { method: "GET", headers, agent: agents[url.protocol as keyof typeof agents] });
    const timer = setTimeout(() => req.destroy(new DownstreamTimeoutError()), DOWNSTREAM_TIMEOUT_MS);
    req.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.on("response", (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY_BYTES) req.destroy(new Error(`response larger than ${MAX_BODY_BYTES} bytes`));
        else chunks.push(chunk);
      });
      response.on("end", () => {
        clearTimeout(timer);
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") });
      });
      response.on("error", reject);
    });
    req.end();
  });
}

function errorCode(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "code" in error ? String(error.code) : undefined;
}

/**
 * A JSON client for one dependency (users or products). It rotates over the given base URLs (replicas, or one
 * gateway URL), moves to the next one only when a replica cannot be reached, and passes the trace context and
 * request id on with every call.
 */
export class DownstreamService {
  #next = 0;

  constructor(
    readonly name: string,
    private readonly baseUrls: readonly string[],
    private readonly tracer: Tracer,
  ) {}

  /** GETs `path` and returns the parsed body, or null on 404. Other failures become 502/504 HttpErrors. */
  async getJson<T>(path: string, requestId: string): Promise<T | null> {
    let lastError: unknown;
    const first = this.#next++;
    for (let attempt = 0; attempt < this.baseUrls.length; attempt++) {
      const baseUrl = this.baseUrls[(first + attempt) % this.baseUrls.length] as string;
      try {
        return await this.#attempt<T>(new URL(baseUrl.replace(/\/+$/, "") + path), requestId);
      } catch (error) {
        if (!RETRYABLE_ERROR_CODES.has(errorCode(error) ?? "")) throw this.#toHttpError(error);
        lastError = error;
      }
    }
    throw this.#toHttpError(lastError);
  }

  async #attempt<T>(url: URL, requestId: string): Promise<T | null> {
    const span = this.tracer.startSpan(`GET ${this.name}`, {
      kind: SpanKind.CLIENT,
      attributes: {
        [ATTR_HTTP_REQUEST_METHOD]: "GET",
        [ATTR_URL_FULL]: url.href,
        [ATTR_SERVER_ADDRESS]: url.hostname,
        [ATTR_SERVER_PORT]: Number(url.port || (url.protocol === "https:" ? 443 : 80)),
        "peer.service": this.name,
      },
    });
    const headers: Record<string, string> = { accept: "application/json", "x-request-id": requestId };
    propagation.inject(trace.setSpan(context.active(), span), headers);
    try {
      const response = await getText(url, headers);
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, response.status);
      if (response.status === 404) return null;
      if (response.status >= 400) {
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw new HttpError(
          502,
          "upstream_error",
          `${this.name} service answered ${response.status} for ${url.pathname}`,
        );
      }
      try {
        return JSON.parse(response.body) as T;
      } catch {
        throw new HttpError(
          502,
          "upstream_error",
          `${this.name} service answered invalid JSON for ${url.pathname}`,
        );
      }
    } catch (error) {
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: error instanceof Error ? error.message : undefined,
      });
      throw error;
    } finally {
      span.end();
    }
  }

  #toHttpError(error: unknown): HttpError {
    if (error instanceof HttpError) return error;
    if (error instanceof DownstreamTimeoutError) {
      return new HttpError(
        504,
        "upstream_timeout",
        `${this.name} service did not answer within ${DOWNSTREAM_TIMEOUT_MS} ms`,
      );
    }
    const reason = errorCode(error) ?? (error instanceof Error ? error.message : String(error));
    return new HttpError(
      502,
      "upstream_unreachable",
      `${this.name} service could not be reached (${reason})`,
    );
  }
}
