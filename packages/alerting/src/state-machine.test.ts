import { describe, expect, it } from "vitest";
import {
  clearSecondsOf,
  isClear,
  step,
  worse,
  type OpenIncidentState,
  type RuleCondition,
} from "./state-machine";

const rule: RuleCondition = { signal: "ERROR_RATE", comparison: "ABOVE", threshold: 0.05, forSeconds: 30 };
const t = (seconds: number) => new Date(Date.UTC(2026, 10, 21, 18, 0, seconds));

/** Feeds values every 10 s and returns the events per evaluation. */
function run(condition: RuleCondition, values: Array<number | null>) {
  let open: OpenIncidentState | null = null;
  return values.map((value, i) => {
    const result = step(condition, open, value, t(i * 10));
    open = result.next;
    return result.events.join("+");
  });
}

describe("incident state machine", () => {
  it("goes pending, fires after the for-duration, and resolves once clear for the clear-duration", () => {
    expect(run(rule, [0.2, 0.2, 0.2, 0.2, 0.01, 0.01, 0.01])).toEqual([
      "pending",
      "",
      "",
      "firing",
      "",
      // clear since 40 s; the clear-duration is the for-duration (30 s)
      "",
      "",
    ]);
    expect(run(rule, [0.2, 0.2, 0.2, 0.2, 0.01, 0.01, 0.01, 0.01]).at(-1)).toBe("resolved");
  });

  it("resolves a pending incident without it ever firing", () => {
    const result = step(rule, { state: "PENDING", startedAt: t(0), clearSince: null }, 0.01, t(10));
    expect(result).toEqual({ next: null, events: ["resolved"], resolvedWhilePending: true });
  });

  it("fires at once with a for-duration of 0", () => {
    expect(run({ ...rule, forSeconds: 0 }, [0.2])).toEqual(["pending+firing"]);
  });

  it("does not flap while the value hovers around the threshold", () => {
    const hovering = [0.2, 0.049, 0.051, 0.048, 0.052, 0.047, 0.05, 0.049, 0.051];
    expect(run({ ...rule, forSeconds: 0 }, hovering)).toEqual([
      "pending+firing",
      "",
      "",
      "",
      "",
      "",
      "",
      "",
      "",
    ]);
  });

  it("restarts the clear-duration when the value breaches again", () => {
    const open: OpenIncidentState = { state: "FIRING", startedAt: t(0), clearSince: t(10) };
    expect(step(rule, open, 0.2, t(20)).next?.clearSince).toBeNull();
    expect(step(rule, open, 0.01, t(20)).next?.clearSince).toEqual(t(10));
  });

  it("treats no data as not breaching and as clear", () => {
    expect(run(rule, [null, null])).toEqual(["", ""]);
    expect(isClear(rule, null)).toBe(true);
  });

  it("handles BELOW rules and counts without a relative margin", () => {
    const targets: RuleCondition = {
      signal: "NO_HEALTHY_TARGET",
      comparison: "BELOW",
      threshold: 1,
      forSeconds: 0,
    };
    expect(run(targets, [0, 0, 1, 1])).toEqual(["pending+firing", "", "", "resolved"]);
    const rate: RuleCondition = {
      signal: "REQUEST_RATE",
      comparison: "BELOW",
      threshold: 100,
      forSeconds: 0,
    };
    // 105 is not past the 10 % margin (110), so it stays firing.
    expect(run(rate, [50, 105, 105, 120, 120])).toEqual(["pending+firing", "", "", "", "resolved"]);
  });

  it("bounds the clear-duration and tracks the worst value per direction", () => {
    expect(clearSecondsOf({ ...rule, forSeconds: 0 })).toBe(10);
    expect(clearSecondsOf({ ...rule, forSeconds: 3600 })).toBe(300);
    expect(worse({ comparison: "ABOVE" }, 1, 2)).toBe(2);
    expect(worse({ comparison: "BELOW" }, 1, 2)).toBe(1);
  });
});
