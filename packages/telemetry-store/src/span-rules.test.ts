import { describe, expect, it } from "vitest";
import { SpanKind, SpanStatus, UNMATCHED_ROUTE } from "@switchyard/contracts";
import { rollupRouteOf, spanFailsTrace, spanIsError } from "./span-rules";

describe("spanIsError", () => {
  it("counts 5xx answers and ERROR status as errors", () => {
    for (const code of [500, 502, 503, 504])
      expect(spanIsError({ status: SpanStatus.UNSET, httpStatusCode: code })).toBe(true);
    expect(spanIsError({ status: SpanStatus.ERROR, httpStatusCode: null })).toBe(true);
  });

  it("does not count a 4xx as the server's error: unauthorised, forbidden, not found, conflict, throttled", () => {
    for (const code of [400, 401, 403, 404, 409, 413, 429])
      expect(spanIsError({ status: SpanStatus.UNSET, httpStatusCode: code })).toBe(false);
  });

  it("does not count success, redirects, or a request that ended without an answer", () => {
    for (const code of [200, 204, 304, 307, null])
      expect(spanIsError({ status: SpanStatus.UNSET, httpStatusCode: code })).toBe(false);
    expect(spanIsError({ status: SpanStatus.OK, httpStatusCode: 200 })).toBe(false);
  });
});

describe("spanFailsTrace", () => {
  const child = { parentSpanId: "b".repeat(16), httpStatusCode: null };

  it("counts an error on the span answering a request or message, nested or not", () => {
    for (const kind of [SpanKind.SERVER, SpanKind.CONSUMER]) {
      expect(spanFailsTrace({ ...child, kind, status: SpanStatus.ERROR })).toBe(true);
      expect(spanFailsTrace({ ...child, kind, status: SpanStatus.UNSET, httpStatusCode: 503 })).toBe(true);
    }
  });

  it("does not count a SERVER span that answered with a 4xx", () => {
    expect(
      spanFailsTrace({ ...child, kind: SpanKind.SERVER, status: SpanStatus.UNSET, httpStatusCode: 401 }),
    ).toBe(false);
  });

  it("leaves an INTERNAL or CLIENT step's ERROR to the span answering the request (a wrong password's 401)", () => {
    for (const kind of [SpanKind.INTERNAL, SpanKind.CLIENT, SpanKind.PRODUCER, SpanKind.UNSPECIFIED]) {
      expect(spanFailsTrace({ ...child, kind, status: SpanStatus.ERROR })).toBe(false);
      expect(spanFailsTrace({ ...child, kind, status: SpanStatus.UNSET, httpStatusCode: 502 })).toBe(false);
    }
  });

  it("counts an error on the root of a trace of any kind: a job or a script has no SERVER span", () => {
    for (const kind of [SpanKind.INTERNAL, SpanKind.CLIENT])
      expect(
        spanFailsTrace({ kind, parentSpanId: null, status: SpanStatus.ERROR, httpStatusCode: null }),
      ).toBe(true);
    expect(
      spanFailsTrace({
        kind: SpanKind.INTERNAL,
        parentSpanId: null,
        status: SpanStatus.OK,
        httpStatusCode: null,
      }),
    ).toBe(false);
  });
});

describe("rollupRouteOf", () => {
  it("keeps the route a span carries", () => {
    expect(rollupRouteOf({ route: "/orders/:id", name: "GET /orders/:id", attributes: {} })).toBe(
      "/orders/:id",
    );
  });

  it("names an HTTP request no route matched UNMATCHED_ROUTE rather than its bare method", () => {
    expect(rollupRouteOf({ route: null, name: "GET", attributes: { "http.request.method": "GET" } })).toBe(
      UNMATCHED_ROUTE,
    );
    expect(rollupRouteOf({ route: null, name: "HTTP POST", attributes: { "http.method": "POST" } })).toBe(
      UNMATCHED_ROUTE,
    );
  });

  it("keeps the name of a request that is not HTTP: the operation, such as a gRPC method", () => {
    expect(
      rollupRouteOf({ route: null, name: "orders.Orders/Get", attributes: { "rpc.system": "grpc" } }),
    ).toBe("orders.Orders/Get");
  });
});
