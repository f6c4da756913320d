import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  DEFAULT_ROLLOUT_PLAN,
  rolloutPlanFormSchema,
  rolloutPlanSchema,
  rolloutPlanToForm,
  startRolloutInput,
} from "./rollout";

const fieldErrors = (input: unknown) => {
  const result = startRolloutInput.safeParse(input);
  return result.success ? {} : z.flattenError(result.error).fieldErrors;
};
const base = {
  groupId: "g1",
  serviceId: "orders",
  ...DEFAULT_ROLLOUT_PLAN,
  steps: [...DEFAULT_ROLLOUT_PLAN.steps],
};

describe("rollout plan", () => {
  it("accepts the design brief's default plan", () => {
    expect(rolloutPlanSchema.parse(DEFAULT_ROLLOUT_PLAN)).toEqual(DEFAULT_ROLLOUT_PLAN);
    expect(fieldErrors(base)).toEqual({});
  });

  it("names the steps field for steps that do not increase, leave 1..100 or do not end at 100", () => {
    expect(fieldErrors({ ...base, steps: [5, 25, 25, 100] }).steps).toEqual([
      "Steps must increase: 25% comes after 25%",
    ]);
    expect(fieldErrors({ ...base, steps: [0, 50, 100] }).steps).toEqual(["Each step must be above 0%"]);
    expect(fieldErrors({ ...base, steps: [50, 120] }).steps).toEqual(["Each step must be at most 100%"]);
    expect(fieldErrors({ ...base, steps: [5, 25, 50] }).steps).toEqual([
      "The last step must be 100% (the canary takes all traffic)",
    ]);
    expect(fieldErrors({ ...base, steps: [] }).steps).toEqual(["Add at least one step"]);
  });

  it("refuses a step time that is too short and thresholds out of range, each by its field", () => {
    expect(fieldErrors({ ...base, stepSeconds: 2 })).toEqual({
      stepSeconds: ["A step must last at least 5 seconds"],
    });
    expect(
      fieldErrors({
        ...base,
        minRequests: 0,
        maxErrorRateIncreasePct: 101,
        maxP99Ratio: 0.5,
        p99SlackMs: -1,
      }),
    ).toEqual({
      minRequests: ["At least 1 request"],
      maxErrorRateIncreasePct: ["At most 100 points"],
      maxP99Ratio: ["At least 1x stable's p99"],
      p99SlackMs: ["At least 0 ms"],
    });
  });
});

describe("rollout plan editor", () => {
  const form = rolloutPlanToForm(DEFAULT_ROLLOUT_PLAN);
  const errors = (changes: Partial<typeof form>) => {
    const result = rolloutPlanFormSchema.safeParse({ ...form, ...changes });
    return result.success ? {} : z.flattenError(result.error).fieldErrors;
  };

  it("round-trips the defaults through the text fields and reads steps written with arrows or percent signs", () => {
    expect(form.steps).toBe("5, 25, 50, 100");
    expect(rolloutPlanFormSchema.parse(form)).toEqual(DEFAULT_ROLLOUT_PLAN);
    expect(rolloutPlanFormSchema.parse({ ...form, steps: "10% -> 50% -> 100%" }).steps).toEqual([
      10, 50, 100,
    ]);
  });

  it("judges typed text with the plan's rules, per field", () => {
    expect(errors({ steps: "5, 2, 100" })).toEqual({ steps: ["Steps must increase: 2% comes after 5%"] });
    expect(errors({ steps: "5, x, 100" }).steps).toEqual(["Each step is a percentage"]);
    expect(errors({ stepSeconds: "" })).toEqual({ stepSeconds: ["Required"] });
    expect(errors({ stepSeconds: "soon" })).toEqual({ stepSeconds: ["Enter a number"] });
    expect(errors({ maxP99Ratio: "0.9" })).toEqual({ maxP99Ratio: ["At least 1x stable's p99"] });
  });
});
