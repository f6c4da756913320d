import { describe, expect, it } from "vitest";
import { LONG_POLL_SPAN_ATTRIBUTE, SpanKind, SpanStatus, type NormalizedSpan } from "@switchyard/contracts";
import { isLongPoll, RollupAccumulator, rollupSpans, spanIsError } from "./aggregate";

const serverSpan: NormalizedSpan = {
  traceId: "a".repeat(32),
  spanId: "b".repeat(16),
  parentSpanId: null,
  service: "switchyard-web",
  name: "GET /api/trpc/[trpc]",
  kind: SpanKind.SERVER,
  startUs: 60_000_000,
  durationUs: 4_000,
  status: SpanStatus.UNSET,
  route: "/api/trpc/[trpc]",
  version: null,
  httpStatusCode: 200,
  attributes: {},
};

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

describe("long polls in the rollups", () => {
  const watch: NormalizedSpan = {
    ...serverSpan,
    name: "GET /api/agent/v1/[...path]",
    route: "/api/agent/v1/[...path]",
    durationUs: 30_000_000,
    httpStatusCode: 204,
    attributes: { [LONG_POLL_SPAN_ATTRIBUTE]: true },
  };

  it("recognises the mark only as the boolean true", () => {
    expect(isLongPoll(watch)).toBe(true);
    expect(isLongPoll(serverSpan)).toBe(false);
    expect(isLongPoll({ attributes: { [LONG_POLL_SPAN_ATTRIBUTE]: "true" } })).toBe(false);
  });

  it("leaves a 30 s watch out of the service's rate and latency, and keeps the requests beside it", () => {
    const accumulator = new RollupAccumulator();
    rollupSpans([serverSpan, watch, { ...watch, durationUs: 2_000_000 }], accumulator);
    const rows = accumulator.values();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ route: "/api/trpc/[trpc]", count: 1, errors: 0, durationSumMs: 4 });
  });
});
