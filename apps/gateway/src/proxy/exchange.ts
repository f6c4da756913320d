import { type IncomingMessage, type ServerResponse } from "node:http";
import { type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { millisToHrTime } from "@opentelemetry/core";
import { type GatewayErrorCode } from "@switchyard/contracts";
import { type Dispatcher } from "undici";
import { type Balancer, type PickRequest } from "../balancing/balancer";
import { classifyUpstreamError } from "../health/active-checker";
import { type RouteLimiter } from "../ratelimit/route-limiter";
import { type RateDecision } from "../ratelimit/token-bucket";
import { parseRequestTarget } from "../routing/request-target";
import { methodBit, normaliseHost } from "../routing/route-table";
import { SPLIT_CANARY, SPLIT_FORCED, SPLIT_FROM_COOKIE } from "../routing/traffic-split";
import { type CompiledConfig, type CompiledRoute, type CompiledTarget } from "../runtime/compiled-config";
import { type AccessLog } from "../telemetry/access-log";
import { type SpanRecorder } from "../telemetry/span-recorder";
import { ERROR_STATUS, writeErrorResponse } from "./error-response";
import {
  forwardableResponseHeaders,
  removeFields,
  scanRequestHeaders,
  type RequestHead,
} from "./raw-headers";
import { formatTraceparent, isUsableRequestId, parseTraceparent, type IdSource } from "./trace-context";

/** What every exchange shares: ids, telemetry sinks, settings, and drain bookkeeping. */
export interface ProxyEnvironment {
  readonly ids: IdSource;
  readonly accessLog: AccessLog | null;
  readonly spans: SpanRecorder | null;
  readonly traceSampleRate: number;
  readonly slowRequestMs: number;
  /** While draining, every response carries `Connection: close`. */
  readonly draining: boolean;
  exchangeFinished(): void;
}

/** Bodies up to this size are buffered so an idempotent request can be replayed on another target. */
const MAX_REPLAYABLE_BODY = 1024 * 1024;

const kExchange = Symbol("switchyard.exchange");
type Carrier = { [kExchange]?: ProxyExchange };
const kExchanges = Symbol("switchyard.exchanges");
/** A client connection with the exchanges in flight on it (more than one only when the client pipelines). */
type ClientSocket = Socket & { [kExchanges]?: ProxyExchange[] };

class ExchangeSignal extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}
/** Aborts an upstream response whose status is retried on another target. */
const RETRY_ON_STATUS = new ExchangeSignal("SWITCHYARD_RETRY_ON_STATUS");
const CLIENT_GONE = new ExchangeSignal("SWITCHYARD_CLIENT_GONE");

const enum Phase {
  Routing,
  /** Waiting for Redis to decide a shared rate limit. */
  RateLimiting,
  ReadingBody,
  WaitingToRetry,
  Upstream,
  Done,
}

/**
 * Installed once per client connection by the server. A closed connection reaches every exchange on it,
 * including pipelined ones whose responses Node has not attached to the socket yet (and which would
 * therefore never see a `close` event of their own).
 */
export function trackClientSocket(socket: ClientSocket): void {
  socket[kExchanges] = [];
  socket.on("close", onClientSocketClose);
}
export function hasExchangesInFlight(socket: ClientSocket): boolean {
  const exchanges = socket[kExchanges];
  return exchanges !== undefined && exchanges.length > 0;
}
function onClientSocketClose(this: ClientSocket): void {
  const exchanges = this[kExchanges];
  if (exchanges === undefined || exchanges.length === 0) return;
  for (const exchange of [...exchanges]) exchange.onClientClose();
}
// Listeners are module-level functions that find their exchange on the emitter, so a request costs
// no closure allocations.
function onResponseDrain(this: ServerResponse & Carrier): void {
  this[kExchange]?.onClientDrain();
}
function onRequestData(this: IncomingMessage & Carrier, chunk: Buffer): void {
  this[kExchange]?.onBodyChunk(chunk);
}
function onRequestEnd(this: IncomingMessage & Carrier): void {
  this[kExchange]?.onBodyEnd();
}
function runRetry(exchange: ProxyExchange): void {
  exchange.attempt();
}

/**
 * One proxied request, from routing to the last byte, doubling as undici's dispatch handler. The
 * revision it started on is held for its whole life, which is what makes a config swap atomic for
 * in-flight requests.
 *
 * It implements undici 7's original handler interface (`onConnect`, `onHeaders`, `onData`, ...), which
 * the types mark deprecated: it is what undici's HTTP/1 client calls natively, with raw header buffers,
 * whereas the newer `onRequestStart`/`onResponseStart` interface is adapted per request through a
 * wrapper object and a parsed header object.
 */
export class ProxyExchange implements PickRequest, Dispatcher.DispatchHandler {
  now = 0;
  readonly clientKey: string;
  tried: CompiledTarget[] | null = null;

  private readonly startedAt = performance.now();
  private phase = Phase.Routing;
  private route: CompiledRoute | null = null;
  private balancer: Balancer<CompiledTarget> | null = null;
  private fallbackBalancer: Balancer<CompiledTarget> | null = null;
  private target: CompiledTarget | null = null;
  private requestId = "";
  private traceId = "";
  private spanId = "";
  private parentSpanId: string | null = null;
  private sampled = false;
  private path = "";
  private query = "";
  private upstreamPath = "";
  private upstreamHeaders: string[] = [];
  private body: Buffer | IncomingMessage | null = null;
  private bodyChunks: Buffer[] | null = null;
  private replayable = true;
  private attempts = 0;
  private wasProbe = false;
  private attemptStartedAt = 0;
  private upstreamMs: number | null = null;
  private abortUpstream: ((err?: Error) => void) | null = null;
  private resumeUpstream: (() => void) | null = null;
  private awaitingDrain = false;
  /** Upstream `content-length`, or -1; set while the response headers are converted. */
  contentLength = -1;
  private wholeBody: Buffer | null = null;
  private retryStatus = 0;
  private splitBits = 0;
  private setCookie: string | null = null;
  private rateRemaining = -1;
  private rateResetSeconds = 0;
  private deadline = 0;
  private status = 0;
  private bytesSent = 0;
  private errorCode: GatewayErrorCode | null = null;
  private failureReason: string | null = null;
  private clientGone = false;

  constructor(
    private readonly env: ProxyEnvironment,
    private readonly config: CompiledConfig,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
  ) {
    this.clientKey = clientAddress(req);
  }

  start(): void {
    (this.req.socket as ClientSocket)[kExchanges]?.push(this);
    const req = this.req;
    const head = scanRequestHeaders(req.rawHeaders);
    this.startTrace(head.traceparent);
    // Without a usable id from the client, the gateway's span id doubles as the request id: unique per
    // request, and it leads straight to the span.
    this.requestId =
      head.requestId !== undefined && isUsableRequestId(head.requestId) ? head.requestId : this.spanId;

    const target = parseRequestTarget(req.url ?? "/");
    if (!target.ok) return this.fail("bad_request", target.reason);
    this.path = target.path;
    this.query = target.query;

    const table = this.config.table;
    const method = req.method ?? "GET";
    const route = table.match(
      method,
      table.usesHost ? normaliseHost(head.host) : "",
      this.path,
      req.rawHeaders,
    );
    if (route === undefined) return this.fail("no_route");
    this.route = route;
    this.now = Date.now();

    const limiter = route.limiter;
    if (limiter !== null) {
      const key = limiter.keyOf(req.rawHeaders, this.clientKey);
      if (limiter.asksRedis) return this.askRedis(limiter, key, head);
      if (!this.admit(limiter.takeLocal(key, this.now))) return;
    }
    this.forward(head);
  }

  /** Kept out of `start` so that the closure's context is only allocated for shared limits. */
  private askRedis(limiter: RouteLimiter, key: string, head: RequestHead): void {
    this.phase = Phase.RateLimiting;
    void limiter.takeShared(key).then((decision) => this.afterSharedDecision(decision, head));
  }

  private afterSharedDecision(decision: RateDecision, head: RequestHead): void {
    if (this.clientGone) return this.finish();
    this.phase = Phase.Routing;
    if (this.admit(decision)) this.forward(head);
  }

  /** Records the rate-limit headers of a decision; a refusal is answered with 429 here. */
  private admit(decision: RateDecision): boolean {
    this.rateResetSeconds = decision.resetSeconds;
    if (decision.allowed) {
      this.rateRemaining = decision.remaining;
      return true;
    }
    this.rateRemaining = 0;
    const headers = ["retry-after", String(decision.retryAfterSeconds)];
    this.pushRateLimitHeaders(headers);
    this.fail("rate_limited", undefined, headers);
    return false;
  }

  /** Everything after routing and the rate limit: choose a side, build the upstream request, send it. */
  private forward(head: RequestHead): void {
    const req = this.req;
    const route = this.route!;
    this.chooseSide(head);
    this.upstreamHeaders = this.buildUpstreamHeaders(head);
    const strip = route.stripPrefix;
    const upstreamPath = strip === null ? this.path : this.path.slice(strip.length) || "/";
    this.upstreamPath =
      upstreamPath.charCodeAt(0) === 47 ? upstreamPath + this.query : `/${upstreamPath}${this.query}`;
    this.deadline = this.startedAt + route.timeoutMs;

    const hasBody = head.chunked || (head.contentLength !== undefined && head.contentLength !== "0");
    if (!hasBody) {
      this.attempt();
    } else if (
      this.retryAllowedFor(req.method ?? "GET") &&
      !head.chunked &&
      Number(head.contentLength) <= MAX_REPLAYABLE_BODY
    ) {
      this.readBody();
    } else {
      this.body = req;
      this.replayable = false;
      this.attempt();
    }
  }

  /** Picks a target (never one already tried) and sends the request to it. */
  attempt(): void {
    if (this.clientGone) return this.finish();
    this.now = Date.now();
    let target = this.balancer!.pick(this);
    if (target === undefined && this.fallbackBalancer !== null && this.attempts === 0) {
      // The chosen side of a split has nothing available: serve from the other side, unsticky.
      this.balancer = this.fallbackBalancer;
      this.setCookie = null;
      target = this.balancer.pick(this);
    }
    if (target === undefined) {
      return this.attempts === 0 ? this.fail(this.unavailableCode()) : this.failAfterAttempts();
    }
    const startedAt = performance.now();
    const remaining = this.deadline - startedAt;
    if (remaining <= 1) return this.fail("upstream_timeout");

    this.target = target;
    this.attempts++;
    this.phase = Phase.Upstream;
    this.abortUpstream = null;
    this.wasProbe = target.state.beginAttempt(this.now);
    this.attemptStartedAt = startedAt;
    const body = this.body;
    // undici keeps one parser timer per connection and only refreshes it when the timeout value is the
    // same as last time; a first attempt without a buffered body starts with the whole budget anyway.
    const timeout = this.attempts === 1 && body === null ? this.route!.timeoutMs : Math.ceil(remaining);
    target.state.pool.dispatch(
      {
        path: this.upstreamPath,
        method: this.req.method as Dispatcher.HttpMethod,
        headers: this.upstreamHeaders,
        body,
        headersTimeout: timeout,
        bodyTimeout: timeout,
      },
      this,
    );
  }

  // --- undici dispatch handler ------------------------------------------------------------------

  onConnect(abort: (err?: Error) => void): void {
    this.abortUpstream = abort;
    if (this.clientGone) abort(CLIENT_GONE);
  }

  onHeaders(status: number, rawHeaders: Buffer[], resume: () => void): boolean {
    // Informational responses are not relayed; Node answers `Expect: 100-continue` itself.
    if (status < 200) return true;
    this.upstreamMs = performance.now() - this.attemptStartedAt;
    this.target!.state.recordLatency(this.upstreamMs);
    const route = this.route!;
    if (status >= 500 && route.retry.onStatus[status - 500] === 1 && this.canRetry()) {
      this.retryStatus = status;
      this.abortUpstream!(RETRY_ON_STATUS);
      return false;
    }
    this.status = status;
    this.resumeUpstream = resume;
    let headers = forwardableResponseHeaders(rawHeaders, [], this);
    const changes = route.responseHeaders;
    if (changes !== null) {
      if (changes.remove.length > 0) headers = removeFields(headers, changes.remove);
      for (const field of changes.set) headers.push(field);
    }
    headers.push("x-request-id", this.requestId);
    if (this.rateRemaining >= 0) this.pushRateLimitHeaders(headers);
    if (this.setCookie !== null) headers.push("set-cookie", this.setCookie);
    if (this.env.draining) headers.push("connection", "close");
    this.res.writeHead(status, headers);
    return true;
  }

  onData(chunk: Buffer): boolean {
    // A body that arrives whole is held for `end()`, so headers and body leave in one write; any other
    // body (streamed, chunked, unknown length) is passed on chunk by chunk as it arrives.
    if (this.bytesSent === 0 && chunk.length === this.contentLength) {
      this.bytesSent = chunk.length;
      this.wholeBody = chunk;
      return true;
    }
    this.bytesSent += chunk.length;
    if (this.res.write(chunk)) return true;
    if (!this.awaitingDrain) {
      this.awaitingDrain = true;
      (this.res as ServerResponse & Carrier)[kExchange] = this;
      this.res.on("drain", onResponseDrain);
    }
    return false;
  }

  onComplete(): void {
    if (this.wholeBody !== null) this.res.end(this.wholeBody);
    else this.res.end();
    this.wholeBody = null;
    const state = this.target!.state;
    const now = Date.now();
    if (this.status >= 500) {
      this.failureReason = `status_${this.status}`;
      state.endWithFailure(now, this.failureReason, this.wasProbe);
    } else {
      state.endWithSuccess(now, this.wasProbe);
    }
    this.finish();
  }

  onError(error: Error): void {
    const state = this.target!.state;
    if (error === RETRY_ON_STATUS) {
      this.failureReason = `status_${this.retryStatus}`;
      state.endWithFailure(Date.now(), this.failureReason, this.wasProbe);
      return this.scheduleRetry();
    }
    if (error === CLIENT_GONE || this.clientGone) {
      state.endAbandoned(this.wasProbe);
      return this.finish();
    }
    const reason = classifyUpstreamError(error);
    this.failureReason = reason;
    // A pool closed by a config swap says nothing about the target's health.
    if (reason === "pool_closed") state.endAbandoned(this.wasProbe);
    else state.endWithFailure(Date.now(), reason, this.wasProbe);
    if (this.res.headersSent) {
      // Part of the body is already with the client: all that is left is to cut the connection.
      this.res.destroy();
      return this.finish();
    }
    if (this.canRetry()) return this.scheduleRetry();
    this.failAfterAttempts();
  }

  // --- client side --------------------------------------------------------------------------------

  onClientClose(): void {
    if (this.phase === Phase.Done) return;
    this.clientGone = true;
    if (this.phase === Phase.Upstream) this.abortUpstream?.(CLIENT_GONE);
    else if (this.phase === Phase.ReadingBody) this.finish();
  }

  onClientDrain(): void {
    this.awaitingDrain = false;
    this.res.off("drain", onResponseDrain);
    this.resumeUpstream?.();
  }

  onBodyChunk(chunk: Buffer): void {
    this.bodyChunks?.push(chunk);
  }

  onBodyEnd(): void {
    if (this.phase !== Phase.ReadingBody) return;
    this.body = Buffer.concat(this.bodyChunks ?? []);
    this.bodyChunks = null;
    this.attempt();
  }

  // --- internals ----------------------------------------------------------------------------------

  private startTrace(traceparent: string | undefined): void {
    const incoming = parseTraceparent(traceparent);
    this.spanId = this.env.ids.spanId();
    if (incoming !== null) {
      this.traceId = incoming.traceId;
      this.parentSpanId = incoming.parentSpanId;
      this.sampled = incoming.sampled;
    } else {
      this.traceId = this.env.ids.traceId();
      this.sampled = Math.random() < this.env.traceSampleRate;
    }
  }

  private chooseSide(head: RequestHead): void {
    const service = this.route!.service;
    const splitter = service.splitter;
    if (splitter === null) {
      this.balancer = service.primary;
      return;
    }
    const bits = splitter.decide(this.req.rawHeaders, head.cookie);
    this.splitBits = bits;
    const canary = (bits & SPLIT_CANARY) !== 0;
    this.balancer = canary ? service.canary : service.primary;
    if ((bits & SPLIT_FORCED) === 0) this.fallbackBalancer = canary ? service.primary : service.canary;
    if (splitter.setCookie !== null && (bits & (SPLIT_FORCED | SPLIT_FROM_COOKIE)) === 0) {
      this.setCookie = splitter.setCookie[canary ? 1 : 0];
    }
  }

  private buildUpstreamHeaders(head: RequestHead): string[] {
    const changes = this.route!.requestHeaders;
    let headers = head.forward;
    if (changes !== null) {
      if (changes.remove.length > 0) headers = removeFields(headers, changes.remove);
      for (const field of changes.set) headers.push(field);
    }
    headers.push(
      "x-forwarded-for",
      head.forwardedFor === undefined ? this.clientKey : `${head.forwardedFor}, ${this.clientKey}`,
      "x-forwarded-proto",
      "http",
      "x-request-id",
      this.requestId,
      "traceparent",
      formatTraceparent(this.traceId, this.spanId, this.sampled),
    );
    if (head.host !== undefined) headers.push("x-forwarded-host", head.host);
    return headers;
  }

  private readBody(): void {
    this.phase = Phase.ReadingBody;
    this.bodyChunks = [];
    const req = this.req as IncomingMessage & Carrier;
    req[kExchange] = this;
    req.on("data", onRequestData);
    req.on("end", onRequestEnd);
  }

  private retryAllowedFor(method: string): boolean {
    return (this.route!.retry.methodMask & methodBit(method)) !== 0 && this.route!.retry.attempts > 1;
  }

  /** Another attempt is allowed and there is another target that could take it right now. */
  private canRetry(): boolean {
    const route = this.route!;
    if (this.clientGone || !this.replayable || this.attempts >= route.retry.attempts) return false;
    if (!this.retryAllowedFor(this.req.method ?? "GET") || performance.now() >= this.deadline - 1)
      return false;
    const now = Date.now();
    for (const member of this.balancer!.members) {
      if (member !== this.target && !this.tried?.includes(member) && member.state.isSelectable(now))
        return true;
    }
    return false;
  }

  /** Exponential backoff with jitter (between half and all of the step), never past the deadline. */
  private scheduleRetry(): void {
    (this.tried ??= []).push(this.target!);
    this.phase = Phase.WaitingToRetry;
    const retry = this.route!.retry;
    const step = Math.min(retry.maxIntervalMs, retry.initialIntervalMs * 2 ** (this.attempts - 1));
    const delay = Math.min(
      step / 2 + (Math.random() * step) / 2,
      Math.max(0, this.deadline - performance.now() - 1),
    );
    setTimeout(runRetry, delay, this);
  }

  private failAfterAttempts(): void {
    const reason = this.failureReason ?? "upstream_error";
    const code = reason === "timeout" || reason === "connect_timeout" ? "upstream_timeout" : "upstream_error";
    this.fail(code, this.attempts > 1 ? `${reason} after ${this.attempts} attempts` : reason);
  }

  /** Nothing to pick: name open breakers when they are the reason, so on-call looks in the right place. */
  private unavailableCode(): GatewayErrorCode {
    const now = Date.now();
    for (const member of this.balancer!.members) {
      const state = member.state;
      if (state.activeHealthy && !state.outlier.isEjected(now) && !state.breaker.canAttempt(now))
        return "circuit_open";
    }
    return "no_healthy_target";
  }

  private pushRateLimitHeaders(headers: string[]): void {
    const limiter = this.route!.limiter!;
    headers.push(
      "ratelimit-limit",
      limiter.limitHeader,
      "ratelimit-remaining",
      String(this.rateRemaining),
      "ratelimit-reset",
      String(this.rateResetSeconds),
      "ratelimit-policy",
      limiter.policyHeader,
    );
  }

  private fail(code: GatewayErrorCode, detail?: string, extraHeaders: string[] | null = null): void {
    this.errorCode = code;
    this.status = ERROR_STATUS[code];
    if (!this.clientGone && !this.res.headersSent) {
      this.bytesSent = writeErrorResponse(
        this.res,
        code,
        this.requestId,
        extraHeaders,
        this.env.draining,
        detail,
      );
    }
    this.finish();
  }

  private finish(): void {
    if (this.phase === Phase.Done) return;
    this.phase = Phase.Done;
    // Node detaches the socket from a request whose connection is gone by now (null, not undefined): a
    // throw here would reach undici as an upstream error after the answer was sent.
    const onSocket = (this.req.socket as ClientSocket | null)?.[kExchanges];
    if (onSocket !== undefined) {
      const index = onSocket.indexOf(this);
      if (index >= 0) onSocket.splice(index, 1);
    }
    const endedAt = performance.now();
    const durationMs = endedAt - this.startedAt;
    // 499 (nginx's "client closed request") when the client left before any response.
    const status = this.status === 0 ? 499 : this.status;
    const route = this.route;
    const target = this.target;
    const series =
      route === null
        ? this.config.metricsWithoutRoute
        : target === null
          ? route.metricsWithoutTarget
          : route.metricsByVersion[target.versionIndex]!;
    series.record(status, durationMs);

    const spans = this.env.spans;
    const failed = status >= 500 || this.failureReason !== null;
    if (spans !== null && (this.sampled || failed || durationMs >= this.env.slowRequestMs)) {
      spans.record({
        name: `${this.req.method} ${route?.id ?? "unrouted"}`,
        traceId: this.traceId,
        spanId: this.spanId,
        parentSpanId: this.parentSpanId,
        startTime: millisToHrTime(performance.timeOrigin + this.startedAt),
        endTime: millisToHrTime(performance.timeOrigin + endedAt),
        isError: status >= 500,
        attributes: this.spanAttributes(status),
      });
    }
    this.env.accessLog?.write({
      ts: new Date(performance.timeOrigin + this.startedAt).toISOString(),
      requestId: this.requestId,
      traceId: this.traceId,
      clientIp: this.clientKey,
      method: this.req.method ?? "",
      path: this.path,
      query: this.query,
      status,
      durationMs: Math.round(durationMs * 1000) / 1000,
      bytesSent: this.bytesSent,
      route: route?.id ?? null,
      service: route?.service.id ?? null,
      target: target?.id ?? null,
      version: target?.version ?? null,
      attempts: this.attempts,
      upstreamMs: this.upstreamMs === null ? null : Math.round(this.upstreamMs * 1000) / 1000,
      error: this.errorCode ?? this.failureReason,
      rateLimitRemaining: this.rateRemaining >= 0 ? this.rateRemaining : null,
    });
    this.env.exchangeFinished();
  }

  private spanAttributes(status: number): Record<string, string | number> {
    const attributes: Record<string, string | number> = {
      "http.request.method": this.req.method ?? "",
      "url.path": this.path,
      "http.response.status_code": status,
      "client.address": this.clientKey,
      "switchyard.request_id": this.requestId,
      "switchyard.attempts": this.attempts,
    };
    if (this.route !== null) {
      attributes["http.route"] = this.route.id;
      attributes["switchyard.service"] = this.route.service.id;
    }
    if (this.target !== null) {
      attributes["switchyard.target"] = this.target.id;
      attributes["switchyard.target.version"] = this.target.version;
      attributes["server.address"] = this.target.state.origin;
    }
    const errorType = this.errorCode ?? this.failureReason;
    if (errorType !== null) attributes["error.type"] = errorType;
    if ((this.splitBits & SPLIT_CANARY) !== 0) attributes["switchyard.canary"] = 1;
    return attributes;
  }
}

function clientAddress(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? "";
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}
