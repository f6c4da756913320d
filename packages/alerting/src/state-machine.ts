import { alertEvaluationPeriodSeconds, type AlertSignal } from "@switchyard/contracts";

/**
 * The incident state machine, pure so every edge is unit-tested:
 *
 *   (none) --breaching--> PENDING --breaching for forSeconds--> FIRING --clear for clearSeconds--> RESOLVED
 *                          |                                        ^ back past threshold, not past the margin:
 *                          +--not breaching--> RESOLVED (silent)    | stays FIRING (no flapping)
 *
 * "Clear" is stricter than "not breaching": the value must be back past the threshold by a hysteresis
 * margin, and stay there for clearSeconds, so a value hovering at the threshold does not resolve and fire
 * again on every evaluation.
 */

export interface RuleCondition {
  signal: AlertSignal;
  comparison: "ABOVE" | "BELOW";
  threshold: number;
  forSeconds: number;
}

export interface OpenIncidentState {
  state: "PENDING" | "FIRING";
  startedAt: Date;
  /** Since when the value has been clear while firing; null while it is not. */
  clearSince: Date | null;
}

export type TransitionEvent = "pending" | "firing" | "resolved";

export interface Step {
  /** The incident after this evaluation; null when none is open (or it just resolved). */
  next: OpenIncidentState | null;
  /** Transitions in order; "firing" and "resolved" after "firing" are the ones that notify. */
  events: TransitionEvent[];
  /** A "resolved" that ends a pending incident, which was never notified. */
  resolvedWhilePending: boolean;
}

/** Counts (targets, rollbacks) have no room for a relative margin: they clear when not breaching. */
const COUNT_SIGNALS: ReadonlySet<AlertSignal> = new Set(["NO_HEALTHY_TARGET", "CANARY_ROLLED_BACK"]);
export const HYSTERESIS_RATIO = 0.1;

export function isBreaching(rule: RuleCondition, value: number | null): boolean {
  if (value === null) return false;
  return rule.comparison === "ABOVE" ? value > rule.threshold : value < rule.threshold;
}

/** Back past the threshold by the hysteresis margin. No data counts as clear: nothing is failing. */
export function isClear(rule: RuleCondition, value: number | null): boolean {
  if (value === null) return true;
  const margin = COUNT_SIGNALS.has(rule.signal) ? 0 : Math.abs(rule.threshold) * HYSTERESIS_RATIO;
  return rule.comparison === "ABOVE" ? value <= rule.threshold - margin : value >= rule.threshold + margin;
}

/** How long a firing incident must stay clear: its for-duration, at least one evaluation, at most 5 min. */
export function clearSecondsOf(rule: RuleCondition): number {
  return Math.min(300, Math.max(alertEvaluationPeriodSeconds, rule.forSeconds));
}

const heldFor = (since: Date, now: Date, seconds: number) =>
  now.getTime() - since.getTime() >= seconds * 1000;

export function step(
  rule: RuleCondition,
  open: OpenIncidentState | null,
  value: number | null,
  now: Date,
): Step {
  const breaching = isBreaching(rule, value);
  if (!open) {
    if (!breaching) return { next: null, events: [], resolvedWhilePending: false };
    const pending: OpenIncidentState = { state: "PENDING", startedAt: now, clearSince: null };
    if (rule.forSeconds === 0) {
      return {
        next: { ...pending, state: "FIRING" },
        events: ["pending", "firing"],
        resolvedWhilePending: false,
      };
    }
    return { next: pending, events: ["pending"], resolvedWhilePending: false };
  }
  if (open.state === "PENDING") {
    if (!breaching) return { next: null, events: ["resolved"], resolvedWhilePending: true };
    if (heldFor(open.startedAt, now, rule.forSeconds)) {
      return { next: { ...open, state: "FIRING" }, events: ["firing"], resolvedWhilePending: false };
    }
    return { next: open, events: [], resolvedWhilePending: false };
  }
  if (!isClear(rule, value))
    return { next: { ...open, clearSince: null }, events: [], resolvedWhilePending: false };
  const clearSince = open.clearSince ?? now;
  if (heldFor(clearSince, now, clearSecondsOf(rule))) {
    return { next: null, events: ["resolved"], resolvedWhilePending: false };
  }
  return { next: { ...open, clearSince }, events: [], resolvedWhilePending: false };
}

/** The worse of two values for the rule's direction (Incident.peakValue). */
export function worse(rule: Pick<RuleCondition, "comparison">, a: number, b: number): number {
  return rule.comparison === "ABOVE" ? Math.max(a, b) : Math.min(a, b);
}
