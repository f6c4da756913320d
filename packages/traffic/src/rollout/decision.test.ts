import { describe, expect, it } from "vitest";
import { DEFAULT_ROLLOUT_PLAN, type RolloutPlan, type StepNumbers } from "@switchyard/contracts";
import { decideStep, nextCheckDelayMs } from "./decision";

const plan: RolloutPlan = {
  ...DEFAULT_ROLLOUT_PLAN,
  steps: [5, 25, 50, 100],
  stepSeconds: 60,
  minRequests: 100,
};

function numbers(
  canary: { requests: number; errors?: number; p99Ms?: number | null },
  stable: { requests: number; errors?: number; p99Ms?: number | null },
  elapsedSeconds: number,
): StepNumbers {
  const side = (version: string, s: typeof canary) => ({
    version,
    requests: s.requests,
    errors: s.errors ?? 0,
    errorRate: s.requests === 0 ? 0 : (s.errors ?? 0) / s.requests,
    p99Ms: s.p99Ms === undefined ? 20 : s.p99Ms,
  });
  return { canary: side("v2", canary), stable: side("v1", stable), elapsedSeconds };
}

describe("decideStep", () => {
  it("advances when the step's time is up, both sides saw enough requests and the canary is within thresholds", () => {
    const decision = decideStep(
      plan,
      numbers({ requests: 120, errors: 1 }, { requests: 2000, errors: 4 }, 61),
    );
    expect(decision.action).toBe("advance");
    expect(decision.reason).toContain("canary v2: 1 errors in 120 requests (0.8%)");
    expect(decision.reason).toContain("stable v1: 4 errors in 2000 requests (0.2%)");
  });

  it("holds while the step's time is not up, even with enough requests", () => {
    expect(decideStep(plan, numbers({ requests: 500 }, { requests: 5000 }, 30)).action).toBe("hold");
  });

  it("waits instead of deciding when a side has too few requests at the end of the step", () => {
    const canaryShort = decideStep(plan, numbers({ requests: 99, errors: 99 }, { requests: 5000 }, 300));
    expect(canaryShort).toEqual({
      action: "wait",
      reason: "Waiting for enough requests to decide on (100 per side): canary 99, stable 5000.",
    });
    expect(decideStep(plan, numbers({ requests: 500 }, { requests: 10 }, 300)).action).toBe("wait");
    expect(decideStep(plan, numbers({ requests: 0 }, { requests: 0 }, 300)).action).toBe("wait");
  });

  it("rolls back on an error rate above stable's by more than the allowed points, without waiting for the step's end", () => {
    const decision = decideStep(
      plan,
      numbers({ requests: 200, errors: 24 }, { requests: 4000, errors: 20 }, 5),
    );
    expect(decision).toEqual({
      action: "rollback",
      reason:
        "Canary error rate 12.0% (24 of 200) is 11.5 points above stable's 0.5% (20 of 4000); the plan allows 1 point.",
    });
  });

  it("compares with stable rather than with zero: a shared upstream failure is not the canary's fault", () => {
    const bothFailing = numbers({ requests: 200, errors: 20 }, { requests: 4000, errors: 380 }, 61);
    expect(decideStep(plan, bothFailing).action).toBe("advance");
    // Exactly at the limit is within it.
    const atLimit = numbers({ requests: 100, errors: 2 }, { requests: 100, errors: 1 }, 61);
    expect(decideStep(plan, atLimit).action).toBe("advance");
  });

  it("rolls back when the canary's p99 exceeds both stable's p99 times the ratio and stable's p99 plus the slack", () => {
    const slow = numbers({ requests: 200, p99Ms: 400 }, { requests: 4000, p99Ms: 100 }, 10);
    expect(decideStep(plan, slow)).toEqual({
      action: "rollback",
      reason:
        "Canary p99 400 ms is above the limit of 150 ms (stable's p99 100 ms x 1.5, and at least 50 ms more).",
    });
    // Three times slower but only 6 ms apart: within the slack, so noise between two fast versions is ignored.
    const fastNoise = numbers({ requests: 200, p99Ms: 9 }, { requests: 4000, p99Ms: 3 }, 61);
    expect(decideStep(plan, fastNoise).action).toBe("advance");
    // No latency on one side (no requests in a bucket) does not breach.
    expect(decideStep(plan, numbers({ requests: 200, p99Ms: null }, { requests: 400 }, 61)).action).toBe(
      "advance",
    );
  });

  it("does not roll back on a breach seen on fewer requests than the minimum", () => {
    const fewFailures = numbers({ requests: 5, errors: 5 }, { requests: 4000 }, 10);
    expect(decideStep(plan, fewFailures).action).toBe("hold");
  });
});

describe("nextCheckDelayMs", () => {
  it("checks five times a step, at least every 30 s and at most every second, and right at the step's end", () => {
    expect(nextCheckDelayMs(plan, 0)).toBe(12_000);
    expect(nextCheckDelayMs(plan, 55)).toBe(5_000);
    expect(nextCheckDelayMs(plan, 70)).toBe(12_000);
    expect(nextCheckDelayMs({ ...plan, stepSeconds: 3600 }, 0)).toBe(30_000);
    expect(nextCheckDelayMs({ ...plan, stepSeconds: 5 }, 0)).toBe(1_000);
  });
});
