import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServiceProcess, spawnService, stopProcess } from "../shop/child";
import { httpJson, waitFor } from "../testing/http";
import { decodeTraceExport, type DecodedSpan } from "../testing/otlp-decode";
import { type Recorder, startRecorder } from "../testing/recorder";

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const CALLER_SPAN_ID = "00f067aa0ba902b7";
const TRACEPARENT = `00-${TRACE_ID}-${CALLER_SPAN_ID}-01`;
const SPAN_KIND_SERVER = 2;
const SPAN_KIND_CLIENT = 3;

const started: ServiceProcess[] = [];
const recorders: Recorder[] = [];

async function startService(flags: string[], env: Record<string, string> = {}): Promise<string> {
  const service = await spawnService({ flags, env, readyTimeoutMs: 30_000, onLine: () => undefined });
  started.push(service);
  return `http://127.0.0.1:${service.port}`;
}

function parseTraceparent(value: unknown) {
  const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(String(value));
  if (!match) throw new Error(`not a traceparent: ${String(value)}`);
  return { traceId: match[1]!, parentId: match[2]!, flags: match[3]! };
}

afterAll(async () => {
  await Promise.all(started.map((service) => stopProcess(service.child, service.exited)));
  await Promise.all(recorders.map((recorder) => recorder.close()));
});

describe("context propagation without an exporter", () => {
  let downstream: Recorder;
  let ordersUrl: string;

  beforeAll(async () => {
    // Stands in for users and products so the test can read exactly what orders sent them.
    downstream = await startRecorder((request, res) => {
      const id = Number(request.url.split("/").pop());
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ id, name: `item ${id}`, email: "someone@example.com", priceCents: 100 }));
    });
    recorders.push(downstream);
    ordersUrl = await startService([
      ...["--service", "orders", "--port", "0", "--instance-id", "orders-trace"],
      ...["--users-url", downstream.url, "--products-url", downstream.url],
    ]);
  });

  it("passes the caller's trace id and request id to every downstream call", async () => {
    downstream.requests.length = 0;
    const response = await httpJson("GET", `${ordersUrl}/orders/ord_9001`, {
      headers: { traceparent: TRACEPARENT, "x-request-id": "req-trace-1" },
    });
    expect(response.status).toBe(200);
    expect(response.headers["x-request-id"]).toBe("req-trace-1");

    const paths = downstream.requests.map((request) => request.url);
    expect(paths.some((path) => path.startsWith("/users/"))).toBe(true);
    expect(paths.some((path) => path.startsWith("/products/"))).toBe(true);
    for (const request of downstream.requests) {
      const context = parseTraceparent(request.headers.traceparent);
      expect(context.traceId).toBe(TRACE_ID);
      expect(context.parentId).not.toBe(CALLER_SPAN_ID);
      expect(context.flags).toBe("01");
      expect(request.headers["x-request-id"]).toBe("req-trace-1");
    }
    const parents = new Set(
      downstream.requests.map((request) => parseTraceparent(request.headers.traceparent).parentId),
    );
    expect(parents.size).toBe(downstream.requests.length);
  });

  it("starts a trace and a request id when the caller sends none", async () => {
    downstream.requests.length = 0;
    const response = await httpJson("POST", `${ordersUrl}/orders`, {
      body: { userId: 1001, items: [{ productId: 5001, quantity: 1 }] },
    });
    expect(response.status).toBe(201);
    const requestId = response.headers["x-request-id"];
    const traceIds = new Set(
      downstream.requests.map((request) => parseTraceparent(request.headers.traceparent).traceId),
    );
    expect(traceIds.size).toBe(1);
    expect([...traceIds][0]).not.toBe("0".repeat(32));
    expect(downstream.requests.every((request) => request.headers["x-request-id"] === requestId)).toBe(true);
  });
});

describe("OTLP/HTTP export", () => {
  let collector: Recorder;
  let ordersUrl: string;

  beforeAll(async () => {
    collector = await startRecorder((_request, res) => {
      res.writeHead(200, { "content-type": "application/x-protobuf" });
      res.end();
    });
    recorders.push(collector);
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_EXPORTER_OTLP_HEADERS: "authorization=Bearer agent-token-1,x-tenant=demo",
      OTEL_BSP_SCHEDULE_DELAY: "100",
    };
    const [usersUrl, productsUrl] = await Promise.all([
      startService(["--service", "users", "--port", "0", "--instance-id", "users-otlp"], env),
      startService(["--service", "products", "--port", "0", "--instance-id", "products-otlp"], env),
    ]);
    ordersUrl = await startService(
      [
        ...["--service", "orders", "--version", "v2", "--port", "0", "--instance-id", "orders-otlp"],
        ...["--users-url", usersUrl, "--products-url", productsUrl],
      ],
      env,
    );
  });

  it("exports one trace across orders, users and products, parented correctly", async () => {
    const response = await httpJson("GET", `${ordersUrl}/orders/ord_9001`, {
      headers: { traceparent: TRACEPARENT },
    });
    expect(response.status).toBe(200);

    const spans = await waitFor("spans from all three services", () => {
      const decoded: DecodedSpan[] = collector.requests.flatMap((request) => decodeTraceExport(request.body));
      const inTrace = decoded.filter((span) => span.traceId === TRACE_ID);
      const services = new Set(
        inTrace.filter((span) => span.kind === SPAN_KIND_SERVER).map((span) => span.service),
      );
      return services.size === 3 ? inTrace : undefined;
    });

    for (const request of collector.requests) {
      expect(request.method).toBe("POST");
      expect(request.url).toBe("/v1/traces");
      expect(request.headers["content-type"]).toBe("application/x-protobuf");
      expect(request.headers.authorization).toBe("Bearer agent-token-1");
      expect(request.headers["x-tenant"]).toBe("demo");
    }

    const ordersServer = spans.find((span) => span.service === "orders" && span.kind === SPAN_KIND_SERVER)!;
    expect(ordersServer).toMatchObject({
      name: "GET /orders/:id",
      version: "v2",
      parentSpanId: CALLER_SPAN_ID,
    });
    const ordersClients = spans.filter((span) => span.service === "orders" && span.kind === SPAN_KIND_CLIENT);
    expect(ordersClients.every((span) => span.parentSpanId === ordersServer.spanId)).toBe(true);

    const clientIds = new Set(ordersClients.map((span) => span.spanId));
    for (const service of ["users", "products"]) {
      const servers = spans.filter((span) => span.service === service && span.kind === SPAN_KIND_SERVER);
      expect(servers.length).toBeGreaterThan(0);
      for (const span of servers) {
        expect(span.version).toBe("v1");
        expect(clientIds.has(span.parentSpanId)).toBe(true);
      }
    }
  });
});
