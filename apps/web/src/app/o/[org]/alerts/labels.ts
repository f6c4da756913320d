import { formatDuration, formatSignalValue, signalLabels } from "@switchyard/alerting/format";
import type { AlertSignal } from "@switchyard/contracts";

/**
 * "42 % vs > 5 %": the value against the rule's condition in the signal's unit; reads right also once the
 * value is back under the threshold.
 */
export function valueAgainstThreshold(
  signal: AlertSignal,
  comparison: "ABOVE" | "BELOW",
  value: number,
  threshold: number,
) {
  const sign = comparison === "ABOVE" ? ">" : "<";
  return `${formatSignalValue(signal, value)} vs ${sign} ${formatSignalValue(signal, threshold)}`;
}

export function conditionLabel(rule: {
  signal: AlertSignal;
  comparison: "ABOVE" | "BELOW";
  threshold: number;
  windowSeconds: number;
  forSeconds: number;
}) {
  const sign = rule.comparison === "ABOVE" ? ">" : "<";
  const held = rule.forSeconds > 0 ? ` for ${formatDuration(rule.forSeconds * 1000)}` : "";
  return `${signalLabels[rule.signal]} ${sign} ${formatSignalValue(rule.signal, rule.threshold)} over ${formatDuration(rule.windowSeconds * 1000)}${held}`;
}

/** service / route / version, or "all services" when the rule or silence covers everything. */
export function scopeLabel(scope: { service: string | null; route: string | null; version: string | null }) {
  const parts = [scope.service, scope.route, scope.version && `version ${scope.version}`].filter(Boolean);
  return parts.length ? parts.join(" · ") : "all services";
}
