import { describe, expect, it } from "vitest";
import { formatTraceparent, IdSource, isUsableRequestId, parseTraceparent } from "./trace-context";

describe("trace context", () => {
  it("parses a valid traceparent", () => {
    expect(parseTraceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")).toEqual({
      traceId: "0af7651916cd43dd8448eb211c80319c",
      parentSpanId: "b7ad6b7169203331",
      sampled: true,
    });
    expect(parseTraceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00")?.sampled).toBe(false);
  });

  it("accepts future versions with extra fields but rejects malformed ones", () => {
    expect(parseTraceparent("01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra")).not.toBeNull();
    for (const bad of [
      undefined,
      "",
      "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      "00-00000000000000000000000000000000-b7ad6b7169203331-01",
      "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01",
      "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01",
      "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra",
      "00_0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    ]) {
      expect(parseTraceparent(bad)).toBeNull();
    }
  });

  it("formats and generates ids", () => {
    const ids = new IdSource();
    const traceId = ids.traceId();
    const spanId = ids.spanId();
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(parseTraceparent(formatTraceparent(traceId, spanId, true))).toEqual({
      traceId,
      parentSpanId: spanId,
      sampled: true,
    });
    const many = new Set(Array.from({ length: 2_000 }, () => ids.spanId()));
    expect(many.size).toBe(2_000);
  });

  it("passes plain request ids on and refuses odd ones", () => {
    expect(isUsableRequestId("3f1c2a9e-0c5e-4a39-9d6f-1f0e2c3b4a5d")).toBe(true);
    expect(isUsableRequestId("")).toBe(false);
    expect(isUsableRequestId("a b")).toBe(false);
    expect(isUsableRequestId("x".repeat(129))).toBe(false);
    expect(isUsableRequestId('a"b')).toBe(false);
  });
});
