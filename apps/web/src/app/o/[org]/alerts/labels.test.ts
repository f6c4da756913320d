import { describe, expect, it } from "vitest";
import { conditionLabel, scopeLabel, valueAgainstThreshold } from "./labels";

describe("alert labels", () => {
  it("puts the value against the condition in the signal's unit", () => {
    expect(valueAgainstThreshold("ERROR_RATE", "ABOVE", 0.42, 0.05)).toBe("42 % vs > 5 %");
    expect(valueAgainstThreshold("P99_LATENCY", "ABOVE", 1500, 1000)).toBe("1.5 s vs > 1 s");
    expect(valueAgainstThreshold("NO_HEALTHY_TARGET", "BELOW", 0, 1)).toBe(
      "0 healthy targets vs < 1 healthy target",
    );
  });

  it("says a rule's condition with its window and for-duration", () => {
    const rule = { signal: "ERROR_RATE" as const, comparison: "ABOVE" as const, threshold: 0.2 };
    expect(conditionLabel({ ...rule, windowSeconds: 30, forSeconds: 0 })).toBe("Error rate > 20 % over 30 s");
    expect(conditionLabel({ ...rule, windowSeconds: 300, forSeconds: 60 })).toBe(
      "Error rate > 20 % over 5 min for 1 min",
    );
  });

  it("names the scope, or all services when it has none", () => {
    expect(scopeLabel({ service: null, route: null, version: null })).toBe("all services");
    expect(scopeLabel({ service: "orders", route: "/api/orders", version: "v2" })).toBe(
      "orders · /api/orders · version v2",
    );
  });
});
