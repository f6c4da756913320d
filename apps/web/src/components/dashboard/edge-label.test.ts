import { describe, expect, it } from "vitest";
import { edgeDetails, edgeSummary, formatShare, labelSize, type EdgeNumbers } from "./edge-label";

const totals = (count: number, errorRate: number, p99Ms: number | null) => ({
  count,
  rate: count / 60,
  errorRate,
  p99Ms,
});

const plain: EdgeNumbers = { ...totals(30, 0, 9.9), versions: [] };
// A gateway's calls to a 25% canary: 45 answered by v1, 12 by v2, 3 by a span without a version.
const canary: EdgeNumbers = {
  ...totals(60, 0.05, 240),
  versions: [
    { version: "", totals: totals(3, 0, 12) },
    { version: "v1", totals: totals(45, 0.02, 238) },
    { version: "v2", totals: totals(12, 0.1667, 241) },
  ],
};

describe("edge labels", () => {
  it("write only the rate on an edge without errors, and the error rate when there are some", () => {
    expect(edgeSummary(plain)).toEqual(["0.50/s"]);
    expect(edgeSummary(canary)[0]).toBe("1.00/s · 5.00% err");
  });

  it("write each version's share of this edge's calls on a split edge, in words for no version", () => {
    expect(edgeSummary(canary)[1]).toBe("no version 5% · v1 75% · v2 20%");
  });

  it("keep every number for the tooltip and the Calls list", () => {
    expect(edgeDetails(plain)).toEqual(["0.50/s · 0% err · p99 9.9 ms"]);
    expect(edgeDetails(canary)).toEqual([
      "1.00/s · 5.00% err · p99 240 ms",
      "no version (5%): 0.05/s · 0% err · p99 12.0 ms",
      "v1 (75%): 0.75/s · 2.00% err · p99 238 ms",
      "v2 (20%): 0.20/s · 16.7% err · p99 241 ms",
    ]);
  });

  it("never round a share that is not zero to 0% or one that is not whole to 100%", () => {
    expect(formatShare(1, 1000)).toBe("<1%");
    expect(formatShare(999, 1000)).toBe(">99%");
    expect(formatShare(5, 5)).toBe("100%");
    expect(formatShare(0, 5)).toBe("0%");
  });

  it("size a label by its longest line and its number of lines", () => {
    const one = labelSize(["0.50/s"]);
    const two = labelSize(["0.50/s", "v1 75% · v2 25%"]);
    expect(two.width).toBeGreaterThan(one.width);
    expect(two.height).toBeGreaterThan(one.height);
  });
});
