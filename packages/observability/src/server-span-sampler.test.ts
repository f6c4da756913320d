import { ROOT_CONTEXT, SpanKind, trace, TraceFlags, type Attributes } from "@opentelemetry/api";
import { tracing } from "@opentelemetry/sdk-node";
import { LONG_POLL_SPAN_ATTRIBUTE } from "@switchyard/contracts";
import { describe, expect, it } from "vitest";
import { isOtlpIngestPath, requestTargetOf } from "./request-targets";
import { serverSpanSampler } from "./server-span-sampler";

const traceId = "0af7651916cd43dd8448eb211c80319c";
const isLongPoll = (target: string) => target.startsWith("/api/agent/v1/config");

function decide(kind: SpanKind, attributes: Attributes, context = ROOT_CONTEXT) {
  return serverSpanSampler({ isLongPoll }).shouldSample(context, traceId, "GET", kind, attributes, []);
}

describe("isOtlpIngestPath", () => {
  it("matches only the OTLP ingest paths, which are never traced", () => {
    expect(isOtlpIngestPath("/v1/traces")).toBe(true);
    expect(isOtlpIngestPath("/v1/metrics?x=1")).toBe(true);
    expect(isOtlpIngestPath("/v1/tracesx")).toBe(false);
    expect(isOtlpIngestPath("/api/agent/v1/watch")).toBe(false);
    expect(isOtlpIngestPath(undefined)).toBe(false);
  });
});

describe("requestTargetOf", () => {
  it("reads http.target, or url.path with url.query", () => {
    expect(requestTargetOf({ "http.target": "/a?b=1" })).toBe("/a?b=1");
    expect(requestTargetOf({ "url.path": "/a", "url.query": "b=1" })).toBe("/a?b=1");
    expect(requestTargetOf({ "url.path": "/a" })).toBe("/a");
    expect(requestTargetOf({})).toBeUndefined();
  });
});

describe("serverSpanSampler", () => {
  it("records an ordinary request's SERVER span without adding anything", () => {
    const result = decide(SpanKind.SERVER, { "http.target": "/api/trpc/viewer.me" });
    expect(result.decision).toBe(tracing.SamplingDecision.RECORD_AND_SAMPLED);
    expect(result.attributes?.[LONG_POLL_SPAN_ATTRIBUTE]).toBeUndefined();
  });

  it("does not record a request to the OTLP ingest, in either convention", () => {
    expect(decide(SpanKind.SERVER, { "http.target": "/v1/traces" }).decision).toBe(
      tracing.SamplingDecision.NOT_RECORD,
    );
    expect(decide(SpanKind.SERVER, { "url.path": "/v1/metrics" }).decision).toBe(
      tracing.SamplingDecision.NOT_RECORD,
    );
  });

  it("marks a long poll's SERVER span and records it", () => {
    const result = decide(SpanKind.SERVER, { "http.target": "/api/agent/v1/config?after=3&waitSeconds=30" });
    expect(result.decision).toBe(tracing.SamplingDecision.RECORD_AND_SAMPLED);
    expect(result.attributes).toEqual({ [LONG_POLL_SPAN_ATTRIBUTE]: true });
  });

  it("leaves other kinds alone, whatever their attributes", () => {
    const result = decide(SpanKind.CLIENT, { "http.target": "/v1/traces" });
    expect(result.decision).toBe(tracing.SamplingDecision.RECORD_AND_SAMPLED);
  });

  it("follows an unsampled parent", () => {
    const parent = trace.setSpanContext(ROOT_CONTEXT, {
      traceId,
      spanId: "b7ad6b7169203331",
      traceFlags: TraceFlags.NONE,
      isRemote: true,
    });
    expect(decide(SpanKind.SERVER, { "http.target": "/api/healthz" }, parent).decision).toBe(
      tracing.SamplingDecision.NOT_RECORD,
    );
  });
});
