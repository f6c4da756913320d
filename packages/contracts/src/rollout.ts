import { z } from "zod";

/**
 * Automated canary rollouts: the plan a service's canary follows (steps, time per step, thresholds that
 * compare the canary with stable over each step's window, the requests a step needs before it decides) and
 * the inputs of the rollout procedures. The same schemas validate the plan editor as people type.
 */

/** The design brief's plan: 5% -> 25% -> 50% -> 100%, promoted while the canary stays within thresholds. */
export const DEFAULT_ROLLOUT_PLAN: RolloutPlan = {
  steps: [5, 25, 50, 100],
  stepSeconds: 300,
  minRequests: 100,
  maxErrorRateIncreasePct: 1,
  maxP99Ratio: 1.5,
  p99SlackMs: 50,
};

/**
 * Gateways export their metrics every few seconds (10 s by default); a shorter step would decide on data
 * that has not arrived yet.
 */
export const MIN_STEP_SECONDS = 5;
export const MAX_STEP_SECONDS = 86_400;

const stepsSchema = z
  .array(
    z
      .number({ error: "Each step is a percentage" })
      .int("Use whole percentages")
      .min(1, "Each step must be above 0%")
      .max(100, "Each step must be at most 100%"),
  )
  .min(1, "Add at least one step")
  .max(20, "Use at most 20 steps")
  .superRefine((steps, ctx) => {
    // Out-of-range steps and an empty list already have their own message; order is judged on valid ones.
    if (steps.length === 0 || steps.some((step) => !Number.isInteger(step) || step < 1 || step > 100)) return;
    for (let i = 1; i < steps.length; i++) {
      if (steps[i]! <= steps[i - 1]!) {
        ctx.addIssue({
          code: "custom",
          message: `Steps must increase: ${steps[i]}% comes after ${steps[i - 1]}%`,
        });
        return;
      }
    }
    if (steps.at(-1) !== 100) {
      ctx.addIssue({ code: "custom", message: "The last step must be 100% (the canary takes all traffic)" });
    }
  });

/** The plan's fields, flat, so an input error names the field itself (`steps`, `stepSeconds`, ...). */
export const rolloutPlanShape = {
  steps: stepsSchema,
  stepSeconds: z
    .number()
    .int("Use whole seconds")
    .min(MIN_STEP_SECONDS, `A step must last at least ${MIN_STEP_SECONDS} seconds`)
    .max(MAX_STEP_SECONDS, "A step may last at most a day"),
  minRequests: z
    .number()
    .int("Use a whole number")
    .min(1, "At least 1 request")
    .max(10_000_000, "At most 10 000 000 requests"),
  /** Percentage points the canary's error rate may exceed stable's by. */
  maxErrorRateIncreasePct: z.number().min(0, "At least 0 points").max(100, "At most 100 points"),
  /** How many times stable's p99 the canary's p99 may reach. */
  maxP99Ratio: z.number().min(1, "At least 1x stable's p99").max(100, "At most 100x"),
  /** p99 differences smaller than this never count, so two fast versions are not told apart by noise. */
  p99SlackMs: z
    .number()
    .int("Use whole milliseconds")
    .min(0, "At least 0 ms")
    .max(60_000, "At most 60 000 ms"),
};

export const rolloutPlanSchema = z.object(rolloutPlanShape);
export type RolloutPlan = z.infer<typeof rolloutPlanSchema>;

/** A text field holding a number, judged by the plan's own rule for that field once it is one. */
const numberText = (schema: z.ZodNumber) =>
  z
    .string()
    .trim()
    .min(1, "Required")
    .pipe(z.coerce.number<string>({ error: "Enter a number" }).pipe(schema));

/**
 * The plan editor's fields as people type them (text), validated with the same rules as the plan:
 * steps are written "5, 25, 50, 100" (commas, spaces, arrows and % signs all separate).
 */
export const rolloutPlanFormSchema = z.object({
  steps: z
    .string()
    .transform((text) =>
      text
        .split(/[\s,;>%-]+/)
        .filter(Boolean)
        .map(Number),
    )
    .pipe(stepsSchema),
  stepSeconds: numberText(rolloutPlanShape.stepSeconds),
  minRequests: numberText(rolloutPlanShape.minRequests),
  maxErrorRateIncreasePct: numberText(rolloutPlanShape.maxErrorRateIncreasePct),
  maxP99Ratio: numberText(rolloutPlanShape.maxP99Ratio),
  p99SlackMs: numberText(rolloutPlanShape.p99SlackMs),
});

/** A plan as the editor's text fields. */
export function rolloutPlanToForm(plan: RolloutPlan): Record<keyof RolloutPlan, string> {
  return {
    steps: plan.steps.join(", "),
    stepSeconds: String(plan.stepSeconds),
    minRequests: String(plan.minRequests),
    maxErrorRateIncreasePct: String(plan.maxErrorRateIncreasePct),
    maxP99Ratio: String(plan.maxP99Ratio),
    p99SlackMs: String(plan.p99SlackMs),
  };
}

const idSchema = z.string().trim().min(1, "Required").max(64, "Too long");

export const rolloutServiceInput = z.object({ groupId: idSchema, serviceId: idSchema });

/** Saves the service's plan and starts it from the first step. */
export const startRolloutInput = z.object({ groupId: idSchema, serviceId: idSchema, ...rolloutPlanShape });

export const savePlanInput = startRolloutInput;

export const rolloutRunInput = z.object({ runId: idSchema });

/** Lifecycle of one run of a plan. */
export const rolloutStatuses = ["running", "paused", "completed", "rolled_back", "aborted"] as const;
export type RolloutStatus = (typeof rolloutStatuses)[number];

/**
 * What a run's timeline records. `rolled_back` is the automatic rollback on a breach (its reason says which
 * threshold and the numbers); `aborted` is a person stopping the run, which also returns the canary to 0%.
 */
export const rolloutEventKinds = [
  "started",
  "advanced",
  "waiting",
  "paused",
  "resumed",
  "promoted",
  "rolled_back",
  "aborted",
  "completed",
] as const;
export type RolloutEventKind = (typeof rolloutEventKinds)[number];

/** One version's numbers over a step's window. */
export const versionWindowSchema = z.object({
  version: z.string(),
  requests: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  errorRate: z.number().min(0).max(1),
  p99Ms: z.number().nonnegative().nullable(),
});
export type VersionWindow = z.infer<typeof versionWindowSchema>;

/** The numbers behind a decision, stored with each timeline event. */
export const stepNumbersSchema = z.object({
  canary: versionWindowSchema,
  stable: versionWindowSchema,
  /** Seconds since the step started. */
  elapsedSeconds: z.number().nonnegative(),
});
export type StepNumbers = z.infer<typeof stepNumbersSchema>;
