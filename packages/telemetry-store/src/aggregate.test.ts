import { describe, expect, it } from "vitest";
import { LONG_POLL_SPAN_ATTRIBUTE, SpanKind, SpanStatus, type NormalizedSpan } from "@switchyard/contracts";
import { isLongPoll, RollupAccumulator, rollupSpans } from "./aggregate";

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
