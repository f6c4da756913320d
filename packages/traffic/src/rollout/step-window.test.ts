import { describe, expect, it } from "vitest";
import { LATENCY_BUCKET_COUNT } from "@switchyard/contracts";
import { stepNumbers } from "./step-window";

const buckets = (entries: Record<number, number>) =>
  Array.from({ length: LATENCY_BUCKET_COUNT }, (_, i) => entries[i] ?? 0);

describe("stepNumbers", () => {
  it("subtracts the step's baseline, so only what arrived since the step started counts", () => {
    const baseline = {
      since: "2026-11-21T18:00:00.000Z",
      totals: {
        v1: { count: 1000, errors: 10, buckets: buckets({ 2: 1000 }) },
        v2: { count: 50, errors: 0, buckets: buckets({ 2: 50 }) },
      },
    };
    const current = {
      v1: { count: 1900, errors: 10, buckets: buckets({ 2: 1900 }) },
      v2: { count: 150, errors: 30, buckets: buckets({ 2: 50, 6: 100 }) },
    };
    const numbers = stepNumbers({ stable: "v1", canary: "v2" }, baseline, current, 12.34);
    expect(numbers).toEqual({
      canary: { version: "v2", requests: 100, errors: 30, errorRate: 0.3, p99Ms: 99.5 },
      stable: { version: "v1", requests: 900, errors: 0, errorRate: 0, p99Ms: 4.97 },
      elapsedSeconds: 12.3,
    });
  });

  it("reports a version nobody called as zero requests with no p99", () => {
    const numbers = stepNumbers({ stable: "v1", canary: "v2" }, { since: "", totals: {} }, {}, 0);
    expect(numbers.canary).toEqual({ version: "v2", requests: 0, errors: 0, errorRate: 0, p99Ms: null });
  });
});
