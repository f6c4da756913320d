import { context, propagation, SpanKind, SpanStatusCode, trace, type Tracer } from "@opentelemetry/api";
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
} from "@opentelemetry/semantic-conventions";
import { Agent, request } from "undici";
import { HttpError } from "./http";

const DOWNSTREAM_TIMEOUT_MS = 5_000;

// Errors that mean "this replica is not there": the call never reached a handler, so trying the next base URL
// cannot repeat any work.
const CONNECT_ERROR_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EHOSTUNREACH", "UND_ERR_SOCKET"]);

function errorCode(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "code" in error ? String(error.code) : undefined;
}

function isTimeout(error: unknown): boolean {
  const code = errorCode(error);
  return (
    code === "UND_ERR_HEADERS_TIMEOUT" ||
    code === "UND_ERR_BODY_TIMEOUT" ||
    (error instanceof Error && error.name === "TimeoutError")
  );
}

/**
 * A JSON client for one dependency (users or products). It rotates over the given base URLs (replicas, or one
 * gateway URL), moves to the next one only when a connection cannot be made, and passes the trace context and
 * request id on with every call.
 */
export class DownstreamService {
  #next = 0;
  readonly #agent = new Agent({ keepAliveTimeout: 10_000, connections: 64 });

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
        if (!CONNECT_ERROR_CODES.has(errorCode(error) ?? "")) throw this.#toHttpError(error);
        lastError = error;
      }
    }
    throw this.#toHttpError(lastError);
  }

  async close(): Promise<void> {
    await this.#agent.close();
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
      const response = await request(url, {
        method: "GET",
        headers,
        dispatcher: this.#agent,
        signal: AbortSignal.timeout(DOWNSTREAM_TIMEOUT_MS),
      });
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, response.statusCode);
      if (response.statusCode === 404) {
        await response.body.dump();
        return null;
      }
      if (response.statusCode >= 400) {
        await response.body.dump();
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw new HttpError(
          502,
          "upstream_error",
          `${this.name} service answered ${response.statusCode} for ${url.pathname}`,
        );
      }
      return (await response.body.json()) as T;
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : undefined });
      throw error;
    } finally {
      span.end();
    }
  }

  #toHttpError(error: unknown): HttpError {
    if (error instanceof HttpError) return error;
    if (isTimeout(error)) {
      return new HttpError(504, "upstream_timeout", `${this.name} service did not answer within ${DOWNSTREAM_TIMEOUT_MS} ms`);
    }
    const reason = errorCode(error) ?? (error instanceof Error ? error.message : String(error));
    return new HttpError(502, "upstream_unreachable", `${this.name} service could not be reached (${reason})`);
  }
}
