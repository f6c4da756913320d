import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import {
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
} from "@opentelemetry/api";
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_PATH,
} from "@opentelemetry/semantic-conventions";
import { DownstreamService } from "./downstream";
import { FaultController, faultPatchSchema, faultReplaceSchema } from "./faults";
import { HttpError, readJsonBody, sendJson, validateInput } from "./http";
import { OrderStore } from "./order-store";
import { createRouter, type Route, type RouteContext, type RouteResult } from "./router";
import { orderRoutes } from "./routes/orders";
import { productRoutes } from "./routes/products";
import { userRoutes } from "./routes/users";

export type ServiceName = "users" | "products" | "orders";
export type ServiceVersion = "v1" | "v2";

export interface ServiceConfig {
  service: ServiceName;
  version: ServiceVersion;
  instanceId: string;
  /** Base URLs orders uses to reach users and products (replicas or a gateway); empty for the others. */
  usersUrls: readonly string[];
  productsUrls: readonly string[];
  faultSeed: number;
}

export interface ServiceApp {
  server: Server;
  faults: FaultController;
}

type Logger = (level: "info" | "error", message: string, fields?: Record<string, unknown>) => void;

const REQUEST_ID_PATTERN = /^[\x21-\x7e]{1,128}$/;

function serviceRoutes(config: ServiceConfig, tracer: Tracer): readonly Route[] {
  switch (config.service) {
    case "users":
      return userRoutes;
    case "products":
      return productRoutes;
    case "orders":
      return orderRoutes({
        version: config.version,
        store: new OrderStore(config.instanceId),
        users: new DownstreamService("users", config.usersUrls, tracer),
        products: new DownstreamService("products", config.productsUrls, tracer),
      });
  }
}

export function createServiceApp(config: ServiceConfig, tracer: Tracer, log: Logger): ServiceApp {
  const faults = new FaultController(config.faultSeed);
  const route = createRouter(serviceRoutes(config, tracer));

  function handleHealth(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== "GET" && req.method !== "HEAD") {
      return sendJson(res, 405, { error: "method_not_allowed", message: "use GET" }, { allow: "GET, HEAD" });
    }
    const healthy = !faults.settings.healthFailing;
    sendJson(res, healthy ? 200 : 503, { status: healthy ? "healthy" : "unhealthy" });
  }

  async function handleFaults(req: IncomingMessage, res: ServerResponse): Promise<void> {
    switch (req.method) {
      case "GET":
        break;
      case "PUT":
        faults.apply(validateInput(faultReplaceSchema, await readJsonBody(req), "body"), "replace");
        break;
      case "POST":
        faults.apply(validateInput(faultPatchSchema, await readJsonBody(req), "body"), "merge");
        break;
      case "DELETE":
        faults.clear();
        break;
      default:
        throw new HttpError(405, "method_not_allowed", "use GET, PUT, POST or DELETE");
    }
    if (req.method !== "GET") log("info", "faults changed", { faults: faults.settings });
    sendJson(res, 200, { instanceId: config.instanceId, service: config.service, faults: faults.settings });
  }

  async function runRoute(span: Span, found: Route, context: RouteContext): Promise<RouteResult> {
    const decision = faults.decide();
    if (decision.delayMs > 0) await sleep(decision.delayMs);
    if (decision.errorStatus === null) return found.handler(context);
    span.setAttribute("switchyard.fault.injected", true);
    const error = new HttpError(
      decision.errorStatus,
      "injected_fault",
      `fault injected by ${config.instanceId}`,
    );
    return { status: error.status, body: error.toBody() };
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const lookup = route(req.method ?? "GET", url.pathname);
    if (lookup.kind === "not_found") {
      return sendJson(res, 404, { error: "not_found", message: `no route for ${url.pathname}` });
    }
    if (lookup.kind === "method_not_allowed") {
      const allow = lookup.allow.join(", ");
      return sendJson(res, 405, { error: "method_not_allowed", message: `use ${allow}` }, { allow });
    }
    const context: RouteContext = {
      req,
      params: lookup.params,
      query: url.searchParams,
      requestId: requestIdOf(req),
    };
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const attributes = {
      [ATTR_HTTP_REQUEST_METHOD]: lookup.route.method,
      [ATTR_HTTP_ROUTE]: lookup.route.pattern,
      [ATTR_URL_PATH]: url.pathname,
    };
    const spanName = `${lookup.route.method} ${lookup.route.pattern}`;
    await tracer.startActiveSpan(spanName, { kind: SpanKind.SERVER, attributes }, parent, async (span) => {
      let result: RouteResult;
      try {
        result = await runRoute(span, lookup.route, context);
      } catch (error) {
        result = errorResult(error, log);
      }
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, result.status);
      if (result.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      sendJson(res, result.status, result.body, { ...result.headers, "x-request-id": context.requestId });
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader("x-served-by", config.instanceId);
    res.setHeader("x-service-version", config.version);
    const url = new URL(req.url ?? "/", "http://service.local");
    try {
      if (url.pathname === "/health") return handleHealth(req, res);
      if (url.pathname === "/admin/faults") return await handleFaults(req, res);
      await handleApi(req, res, url);
    } catch (error) {
      const { status, body } = errorResult(error, log);
      if (!res.headersSent) sendJson(res, status, body);
    }
  }

  return { server: createServer((req, res) => void handle(req, res)), faults };
}

/** Keeps the caller's request id so logs correlate across services; makes one when it is missing or unusable. */
function requestIdOf(req: IncomingMessage): string {
  const value = req.headers["x-request-id"];
  const first = Array.isArray(value) ? value[0] : value;
  return first && REQUEST_ID_PATTERN.test(first) ? first : randomUUID();
}

function errorResult(error: unknown, log: Logger): RouteResult {
  if (error instanceof HttpError) return { status: error.status, body: error.toBody() };
  log("error", "request failed", {
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  return {
    status: 500,
    body: { error: "internal_error", message: "the service failed to answer this request" },
  };
}
