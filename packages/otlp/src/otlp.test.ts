import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { LATENCY_BUCKET_BOUNDS_MS, SpanKind } from "@switchyard/contracts";
import {
  collector,
  decodeMetricsRequest,
  decodeTraceRequest,
  gunzipBody,
  OtlpBodyTooLargeError,
  OtlpDecodeError,
  otlpFormatOf,
} from "./decode";
import { normalizeMetrics } from "./normalize-metrics";
import { defaultNormalizeOptions, normalizeTraces } from "./normalize-traces";
import { rebucket } from "./rebucket";
import { exportResponse } from "./responses";

const NOW_MS = Date.UTC(2026, 10, 21, 12, 0, 0);
const options = defaultNormalizeOptions(NOW_MS);
const nanos = (ms: number) => `${BigInt(ms) * 1_000_000n}`;

const TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
const SPAN_ID = "b7ad6b7169203331";

function jsonSpan(overrides: Record<string, unknown> = {}) {
  return {
    traceId: TRACE_ID,
    spanId: SPAN_ID,
    name: "GET /orders",
    kind: SpanKind.SERVER,
    startTimeUnixNano: nanos(NOW_MS - 1000),
    endTimeUnixNano: nanos(NOW_MS - 990),
    attributes: [
      { key: "http.route", value: { stringValue: "/orders" } },
      { key: "http.response.status_code", value: { intValue: "503" } },
    ],
    status: { code: 2 },
    ...overrides,
  };
}

function jsonTraces(
  spans: unknown[],
  resource: unknown[] = [{ key: "service.name", value: { stringValue: "orders" } }],
) {
  return Buffer.from(
    JSON.stringify({ resourceSpans: [{ resource: { attributes: resource }, scopeSpans: [{ spans }] }] }),
  );
}

describe("content types and bodies", () => {
  it("accepts only the OTLP media types, ignoring parameters", () => {
    expect(otlpFormatOf("application/x-protobuf")).toBe("protobuf");
    expect(otlpFormatOf("application/json; charset=utf-8")).toBe("json");
    expect(otlpFormatOf("text/plain")).toBeNull();
    expect(otlpFormatOf(null)).toBeNull();
  });

  it("inflates gzip within the cap and refuses a bomb", () => {
    expect(gunzipBody(gzipSync(Buffer.from("hello")), 100).toString()).toBe("hello");
    expect(() => gunzipBody(gzipSync(Buffer.alloc(10_000)), 1_000)).toThrow(OtlpBodyTooLargeError);
    expect(() => gunzipBody(Buffer.from("not gzip"), 1_000)).toThrow(OtlpDecodeError);
  });
});

describe("traces", () => {
  it("normalises a JSON span with hex ids, string nanos and the http attributes", () => {
    const { spans, rejected } = normalizeTraces(
      decodeTraceRequest(jsonTraces([jsonSpan()]), "json"),
      options,
    );
    expect(rejected).toBe(0);
    expect(spans).toEqual([
      {
        traceId: TRACE_ID,
        spanId: SPAN_ID,
        parentSpanId: null,
        service: "orders",
        name: "GET /orders",
        kind: SpanKind.SERVER,
        startUs: (NOW_MS - 1000) * 1000,
        durationUs: 10_000,
        status: 2,
        route: "/orders",
        version: null,
        httpStatusCode: 503,
        attributes: { "http.route": "/orders", "http.response.status_code": 503 },
      },
    ]);
  });

  it("keeps the resource's service.instance.id with each span", () => {
    const resource = [
      { key: "service.name", value: { stringValue: "switchyard-gateway" } },
      { key: "service.instance.id", value: { stringValue: "gateway-a" } },
    ];
    const { spans } = normalizeTraces(
      decodeTraceRequest(jsonTraces([jsonSpan()], resource), "json"),
      options,
    );
    expect(spans[0]!.attributes).toMatchObject({ "service.instance.id": "gateway-a" });
  });

  it("keeps spans whose texts hold NUL characters, which Postgres cannot store, by replacing them", () => {
    const { spans, rejected } = normalizeTraces(
      decodeTraceRequest(
        jsonTraces([
          jsonSpan({
            name: "EVAL\u0000script",
            attributes: [
              { key: "db.statement\u0000", value: { stringValue: "evalsha \u0000\u0001 binary" } },
            ],
          }),
        ]),
        "json",
      ),
      options,
    );
    expect(rejected).toBe(0);
    expect(spans[0]?.name).toBe("EVAL\uFFFDscript");
    expect(spans[0]?.attributes).toEqual({ "db.statement\uFFFD": "evalsha \uFFFD\u0001 binary" });
    expect(JSON.stringify(spans)).not.toContain("\\u0000");
  });

  it("decodes protobuf made by the official definitions", () => {
    const body = collector.trace.v1.ExportTraceServiceRequest.encode({
      resourceSpans: [
        {
          resource: { attributes: [] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: Buffer.from(TRACE_ID, "hex"),
                  spanId: Buffer.from(SPAN_ID, "hex"),
                  parentSpanId: Buffer.from("00f067aa0ba902b7", "hex"),
                  name: "call",
                  kind: SpanKind.CLIENT,
                  startTimeUnixNano: nanos(NOW_MS),
                  endTimeUnixNano: nanos(NOW_MS + 2),
                },
              ],
            },
          ],
        },
      ],
    }).finish();
    const { spans } = normalizeTraces(decodeTraceRequest(body, "protobuf"), options);
    expect(spans[0]).toMatchObject({
      service: "unknown_service",
      parentSpanId: "00f067aa0ba902b7",
      kind: SpanKind.CLIENT,
      startUs: NOW_MS * 1000,
      durationUs: 2000,
    });
  });

  it("answers truncated protobuf and broken JSON with a message that says what is wrong", () => {
    const body = collector.trace.v1.ExportTraceServiceRequest.encode({
      resourceSpans: [{ scopeSpans: [{ spans: [{ name: "x".repeat(100) }] }] }],
    }).finish();
    expect(() => decodeTraceRequest(body.subarray(0, body.length - 10), "protobuf")).toThrow(
      /not a valid ExportTraceServiceRequest protobuf message/,
    );
    expect(() => decodeTraceRequest(Buffer.from("{"), "json")).toThrow(/not valid JSON/);
    expect(() => decodeTraceRequest(Buffer.from("[]"), "json")).toThrow(/must be a JSON object/);
    expect(() => decodeTraceRequest(Buffer.from('{"resourceSpans":"x"}'), "json")).toThrow(
      /"resourceSpans" must be an array/,
    );
  });

  it("rejects bad ids, NaN and negative durations and timestamps far in the future, counting each reason", () => {
    const request = jsonTraces([
      jsonSpan({ traceId: "zz" }),
      jsonSpan({ spanId: "0000000000000000" }),
      jsonSpan({ endTimeUnixNano: "NaN" }),
      jsonSpan({ endTimeUnixNano: nanos(NOW_MS - 2000) }),
      jsonSpan({ startTimeUnixNano: nanos(NOW_MS + 3_600_000), endTimeUnixNano: nanos(NOW_MS + 3_600_001) }),
      jsonSpan({ startTimeUnixNano: nanos(NOW_MS - 30 * 86_400_000) }),
      jsonSpan({ parentSpanId: "abc" }),
      "not a span",
      jsonSpan(),
    ]);
    const result = normalizeTraces(decodeTraceRequest(request, "json"), options);
    expect(result.spans).toHaveLength(1);
    expect(result.rejected).toBe(8);
    expect(result.rejectionMessage).toContain("2 spans with an invalid trace or span id");
    expect(result.rejectionMessage).toContain("2 spans with a NaN or negative duration");
    expect(result.rejectionMessage).toContain("1 spans with a timestamp in the future");
    expect(result.rejectionMessage).toContain("1 spans older than the retention");
  });

  it("survives wrong types anywhere in JSON and cuts huge attribute values", () => {
    const wrong = Buffer.from(
      JSON.stringify({
        resourceSpans: [null, { resource: 5, scopeSpans: [{ spans: "no" }] }, { scopeSpans: {} }],
      }),
    );
    expect(normalizeTraces(decodeTraceRequest(wrong, "json"), options)).toEqual({
      spans: [],
      rejected: 0,
      rejectionMessage: "",
    });
    const huge = jsonTraces([
      jsonSpan({
        name: 7,
        kind: "SERVER",
        attributes: [
          { key: "big", value: { stringValue: "x".repeat(1_000_000) } },
          { key: "list", value: { arrayValue: { values: [{ intValue: "1" }, { boolValue: true }] } } },
          { key: "nothing", value: {} },
          { value: { stringValue: "no key" } },
        ],
      }),
    ]);
    const [span] = normalizeTraces(decodeTraceRequest(huge, "json"), options).spans;
    expect(span!.name).toBe("");
    expect(span!.kind).toBe(SpanKind.UNSPECIFIED);
    expect((span!.attributes.big as string).length).toBe(4096);
    expect(span!.attributes.list).toBe("[1,true]");
    expect(Object.keys(span!.attributes)).toEqual(["big", "list"]);
  });
});

describe("metrics", () => {
  const bounds = [...LATENCY_BUCKET_BOUNDS_MS];
  function gatewayHistogram(point: Record<string, unknown>, temporality = 2) {
    return {
      name: "switchyard.gateway.request.duration",
      unit: "ms",
      histogram: { aggregationTemporality: temporality, dataPoints: [point] },
    };
  }
  function metricsBody(metrics: unknown[]) {
    return Buffer.from(
      JSON.stringify({
        resourceMetrics: [
          {
            resource: { attributes: [{ key: "service.name", value: { stringValue: "switchyard-gateway" } }] },
            scopeMetrics: [{ metrics }],
          },
        ],
      }),
    );
  }
  const gatewayPoint = {
    attributes: [
      { key: "route", value: { stringValue: "orders" } },
      { key: "service", value: { stringValue: "orders-svc" } },
      { key: "target.version", value: { stringValue: "v2" } },
      { key: "http.status_class", value: { stringValue: "5xx" } },
    ],
    startTimeUnixNano: nanos(NOW_MS - 60_000),
    timeUnixNano: nanos(NOW_MS),
    count: "3",
    sum: 30.5,
    bucketCounts: ["0", "1", "0", "2", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0"],
    explicitBounds: bounds,
  };

  it("keeps the gateway histogram by upstream service, route, version and status class", () => {
    const result = normalizeMetrics(
      decodeMetricsRequest(
        metricsBody([
          gatewayHistogram(gatewayPoint),
          { name: "switchyard.gateway.requests", sum: { dataPoints: [{}, {}] } },
        ]),
        "json",
      ),
      options,
    );
    expect(result.ignored).toBe(2);
    expect(result.rejected).toBe(0);
    expect(result.points).toEqual([
      expect.objectContaining({
        temporality: "cumulative",
        service: "orders-svc",
        route: "orders",
        version: "v2",
        statusClass: "5xx",
        count: 3,
        sumMs: 30.5,
        buckets: [0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        startUs: (NOW_MS - 60_000) * 1000,
        timeUs: NOW_MS * 1000,
      }),
    ]);
  });

  it("maps the semantic-convention histogram from seconds and the status code", () => {
    const point = {
      attributes: [
        { key: "http.route", value: { stringValue: "/users/:id" } },
        { key: "http.response.status_code", value: { intValue: 404 } },
      ],
      startTimeUnixNano: nanos(NOW_MS - 1000),
      timeUnixNano: nanos(NOW_MS),
      count: 2,
      sum: 0.03,
      bucketCounts: [0, 1, 1],
      explicitBounds: [0.005, 0.01],
    };
    const body = metricsBody([
      {
        name: "http.server.request.duration",
        unit: "s",
        histogram: { aggregationTemporality: 1, dataPoints: [point] },
      },
    ]);
    const [normalized] = normalizeMetrics(decodeMetricsRequest(body, "json"), options).points;
    expect(normalized).toMatchObject({
      temporality: "delta",
      service: "switchyard-gateway",
      route: "/users/:id",
      statusClass: "4xx",
      count: 2,
      sumMs: 30,
    });
    expect(normalized!.buckets[3]).toBe(1);
    expect(normalized!.buckets[14]).toBe(1);
  });

  it("rejects NaN, negative and inconsistent counts", () => {
    const body = metricsBody([
      gatewayHistogram({ ...gatewayPoint, count: "NaN" }),
      gatewayHistogram({ ...gatewayPoint, count: "-1" }),
      gatewayHistogram({ ...gatewayPoint, count: "4" }),
      gatewayHistogram({ ...gatewayPoint, sum: -1 }),
      gatewayHistogram({ ...gatewayPoint, timeUnixNano: nanos(NOW_MS + 86_400_000) }),
    ]);
    const result = normalizeMetrics(decodeMetricsRequest(body, "json"), options);
    expect(result.points).toEqual([]);
    expect(result.rejected).toBe(5);
  });

  it("keeps one series key per resource, metric and attributes", () => {
    const body = metricsBody([
      gatewayHistogram(gatewayPoint),
      gatewayHistogram({ ...gatewayPoint, attributes: [] }),
    ]);
    const [a, b] = normalizeMetrics(decodeMetricsRequest(body, "json"), options).points;
    expect(a!.seriesKey).not.toBe(b!.seriesKey);
    const again = normalizeMetrics(
      decodeMetricsRequest(metricsBody([gatewayHistogram(gatewayPoint)]), "json"),
      options,
    );
    expect(again.points[0]!.seriesKey).toBe(a!.seriesKey);
  });
});

describe("rebucket", () => {
  it("maps identical bounds one to one and coarser ones upward", () => {
    const identity = Array.from({ length: 15 }, (_, i) => i + 1);
    expect(rebucket([...LATENCY_BUCKET_BOUNDS_MS], identity)).toEqual(identity);
    expect(rebucket([3, 40_000], [1, 2, 3])).toEqual([0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5]);
  });
});

describe("responses", () => {
  it("carries partial success only when something was rejected", () => {
    expect(exportResponse("traces", "json", { rejected: 0, errorMessage: "" }).body).toBe("{}");
    const json = exportResponse("metrics", "json", { rejected: 2, errorMessage: "2 bad" });
    expect(JSON.parse(json.body as string)).toEqual({
      partialSuccess: { rejectedDataPoints: "2", errorMessage: "2 bad" },
    });
    const proto = exportResponse("traces", "protobuf", { rejected: 3, errorMessage: "3 bad" });
    const decoded = collector.trace.v1.ExportTraceServiceResponse.decode(proto.body as Uint8Array) as {
      partialSuccess: { rejectedSpans: { toNumber(): number }; errorMessage: string };
    };
    expect(decoded.partialSuccess.rejectedSpans.toNumber()).toBe(3);
    expect(decoded.partialSuccess.errorMessage).toBe("3 bad");
  });
});
