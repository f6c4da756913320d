import { describe, expect, it } from "vitest";
import { buildWaterfall } from "./waterfall";

const span = (spanId: string, parentSpanId: string | null, startMs: number, durationMs: number) => ({
  spanId,
  parentSpanId,
  service: spanId,
  name: "op",
  startUs: startMs * 1000,
  durationUs: durationMs * 1000,
});

describe("trace waterfall", () => {
  // The field notes' example: gateway -> auth (db) and order -> payment with a slow external call.
  const spans = [
    span("payment", "gateway", 120, 1000),
    span("gateway", null, 0, 1130),
    span("auth", "gateway", 1, 15),
    span("db", "auth", 3, 10),
    span("order", "gateway", 17, 100),
    span("external", "payment", 130, 950),
  ];

  it("nests spans under their parents, siblings by start time", () => {
    const { rows, totalMs } = buildWaterfall(spans);
    expect(rows.map((r) => [r.span.spanId, r.depth])).toEqual([
      ["gateway", 0],
      ["auth", 1],
      ["db", 2],
      ["order", 1],
      ["payment", 1],
      ["external", 2],
    ]);
    expect(totalMs).toBe(1130);
    expect(rows.find((r) => r.span.spanId === "payment")!.offsetPct).toBeCloseTo((120 / 1130) * 100);
  });

  it("colours by duration and highlights the slowest path", () => {
    const { rows } = buildWaterfall(spans);
    const by = Object.fromEntries(rows.map((r) => [r.span.spanId, r]));
    expect(by.db!.speed).toBe("fast");
    expect(by.order!.speed).toBe("medium");
    expect(by.payment!.speed).toBe("slow");
    expect(rows.filter((r) => r.critical).map((r) => r.span.spanId)).toEqual([
      "gateway",
      "payment",
      "external",
    ]);
  });

  it("shows a span whose parent is missing as a root instead of dropping it", () => {
    const { rows } = buildWaterfall([span("orphan", "not-sampled", 5, 2), span("root", null, 0, 10)]);
    expect(rows.map((r) => [r.span.spanId, r.depth])).toEqual([
      ["root", 0],
      ["orphan", 0],
    ]);
  });
});
