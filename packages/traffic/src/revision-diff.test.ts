import { describe, expect, it } from "vitest";
import { diffConfigs } from "./revision-diff";

describe("diffConfigs", () => {
  it("shows exactly the changed lines, whatever the key order", () => {
    const before = { services: { orders: { split: { canaryPercent: 0, stableVersion: "v1" } } } };
    const after = { services: { orders: { split: { stableVersion: "v1", canaryPercent: 30 } } } };
    const changed = diffConfigs(before, after).filter((line) => line.kind !== "same");
    expect(changed).toEqual([
      { kind: "removed", text: '        "canaryPercent": 0,' },
      { kind: "added", text: '        "canaryPercent": 30,' },
    ]);
  });

  it("is all 'same' for equal documents", () => {
    expect(diffConfigs({ a: [1, 2] }, { a: [1, 2] }).every((line) => line.kind === "same")).toBe(true);
  });
});
