import { describe, expect, it } from "vitest";
import { SpanKind, type NormalizedSpan } from "@switchyard/contracts";
import { bucketIndex } from "./histogram";
import { EdgeAccumulator, resolveWithinBatch } from "./service-graph";

const START_US = 1_700_000_030_000_000;

function span(spanId: string, service: string, parentSpanId: string | null, traceId = "a".repeat(32)) {
  return {
    traceId,
    spanId: spanId.repeat(16),
    parentSpanId: parentSpanId?.repeat(16) ?? null,
    service,
    name: "call",
    kind: SpanKind.SERVER,
    startUs: START_US,
    durationUs: 7_000,
    status: 0,
    route: null,
    version: null,
    httpStatusCode: service === "db" ? 500 : null,
    attributes: {},
  } satisfies NormalizedSpan;
}

describe("resolveWithinBatch", () => {
  it("counts calls across services whose parent is in the batch and returns the other children", () => {
    const edges = new EdgeAccumulator();
    const unresolved = resolveWithinBatch(
      "org",
      [
        span("1", "web", null),
        span("2", "api", "1"),
        span("3", "api", "2"), // same service: no call
        span("4", "db", "3"),
        span("5", "db", "3"),
        span("6", "api", "1", "b".repeat(32)), // parent "1" of another trace: not in the batch
      ],
      edges,
    );
    expect(unresolved).toEqual([
      {
        traceId: "b".repeat(32),
        parentSpanId: "1".repeat(16),
        service: "api",
        version: "",
        startUs: START_US,
        durationUs: 7_000,
        error: false,
      },
    ]);
    const buckets = new Array<number>(15).fill(0);
    buckets[bucketIndex(7)] = 2;
    expect(edges.values()).toEqual([
      expect.objectContaining({ client: "web", server: "api", count: 1, errors: 0, durationSumMs: 7 }),
      {
        organizationId: "org",
        minuteMs: 1_699_999_980_000,
        client: "api",
        server: "db",
        serverVersion: "",
        count: 2,
        errors: 2,
        durationSumMs: 14,
        buckets,
      },
    ]);
  });

  it("keeps the server span's version on each call, so one edge splits by the version that answered", () => {
    const edges = new EdgeAccumulator();
    const unresolved = resolveWithinBatch(
      "org",
      [
        span("1", "web", null),
        { ...span("2", "api", "1"), version: "v1" },
        { ...span("3", "api", "1"), version: "v2" },
        { ...span("4", "api", "1"), version: "v2" },
        { ...span("5", "api", "9"), version: "v2" },
      ],
      edges,
    );
    expect(unresolved.map((child) => child.version)).toEqual(["v2"]);
    expect(edges.values().map((row) => [row.client, row.server, row.serverVersion, row.count])).toEqual([
      ["web", "api", "v1", 1],
      ["web", "api", "v2", 2],
    ]);
  });
});
