import type { RolloutPlan, StepNumbers, VersionWindow } from "@switchyard/contracts";

/**
 * What a rollout does after measuring the canary against stable over the current step's window:
 * - `rollback`: the canary breached a threshold on enough requests; the canary goes back to 0%.
 * - `advance`: the step's time is up, both sides saw enough requests and the canary stayed within thresholds.
 * - `wait`: the step's time is up but a side has too few requests to decide on; check again later.
 * - `hold`: the step's time is not up yet and nothing is wrong so far.
 * A breach rolls back as soon as it is seen, without waiting for the step's time.
 */
export type StepDecision =
  | { action: "rollback"; reason: string }
  | { action: "advance"; reason: string }
  | { action: "wait"; reason: string }
  | { action: "hold"; reason: string };

const percent = (rate: number) => `${(rate * 100).toFixed(rate > 0 && rate < 0.001 ? 3 : 1)}%`;
/** "1 point", "2.5 points". */
export const points = (value: number) => `${value} ${value === 1 ? "point" : "points"}`;
const ms = (value: number) => `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;

function describe(side: VersionWindow): string {
  const p99 = side.p99Ms === null ? "no p99" : `p99 ${ms(side.p99Ms)}`;
  return `${side.version}: ${side.errors} errors in ${side.requests} requests (${percent(side.errorRate)}), ${p99}`;
}

/** "canary v2: 3 errors in 120 requests (2.5%), p99 40 ms; stable v1: ..." */
export function describeNumbers(numbers: StepNumbers): string {
  return `canary ${describe(numbers.canary)}; stable ${describe(numbers.stable)}`;
}

/** The threshold the canary breached, in words with the numbers, or null when it is within all of them. */
export function findBreach(plan: RolloutPlan, numbers: StepNumbers): string | null {
  const { canary, stable } = numbers;
  const increasePoints = (canary.errorRate - stable.errorRate) * 100;
  if (increasePoints > plan.maxErrorRateIncreasePct) {
    return (
      `Canary error rate ${percent(canary.errorRate)} (${canary.errors} of ${canary.requests}) is ` +
      `${increasePoints.toFixed(1)} points above stable's ${percent(stable.errorRate)} ` +
      `(${stable.errors} of ${stable.requests}); the plan allows ${points(plan.maxErrorRateIncreasePct)}.`
    );
  }
  if (canary.p99Ms !== null && stable.p99Ms !== null) {
    const limit = Math.max(stable.p99Ms * plan.maxP99Ratio, stable.p99Ms + plan.p99SlackMs);
    if (canary.p99Ms > limit) {
      return (
        `Canary p99 ${ms(canary.p99Ms)} is above the limit of ${ms(limit)} ` +
        `(stable's p99 ${ms(stable.p99Ms)} x ${plan.maxP99Ratio}, and at least ${plan.p99SlackMs} ms more).`
      );
    }
  }
  return null;
}

export function decideStep(plan: RolloutPlan, numbers: StepNumbers): StepDecision {
  const { canary, stable } = numbers;
  const enough = canary.requests >= plan.minRequests && stable.requests >= plan.minRequests;
  if (enough) {
    const breach = findBreach(plan, numbers);
    if (breach) return { action: "rollback", reason: breach };
  }
  if (numbers.elapsedSeconds < plan.stepSeconds) {
    return {
      action: "hold",
      reason: `${Math.floor(numbers.elapsedSeconds)} of ${plan.stepSeconds} s; ${describeNumbers(numbers)}.`,
    };
  }
  if (!enough) {
    return {
      action: "wait",
      reason:
        `Waiting for enough requests to decide on (${plan.minRequests} per side): ` +
        `canary ${canary.requests}, stable ${stable.requests}.`,
    };
  }
  return {
    action: "advance",
    reason: `Within thresholds after ${Math.floor(numbers.elapsedSeconds)} s: ${describeNumbers(numbers)}.`,
  };
}

/**
 * How long until the next check: a few checks per step so a breach is caught early (every fifth of the
 * step, between 1 and 30 seconds), and one right when the step's time is up.
 */
export function nextCheckDelayMs(plan: RolloutPlan, elapsedSeconds: number): number {
  const interval = Math.min(30_000, Math.max(1_000, (plan.stepSeconds * 1000) / 5));
  const untilStepEnd = plan.stepSeconds * 1000 - elapsedSeconds * 1000;
  return untilStepEnd > 0 ? Math.max(100, Math.min(interval, Math.ceil(untilStepEnd))) : interval;
}
