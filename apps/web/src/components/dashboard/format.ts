import type { HealthStatus } from "@switchyard/contracts";

/**
 * How the dashboard writes numbers. The values are the store's own; only the display rounds, and it never
 * rounds a non-zero value to "0", so "some errors" never reads as "no errors". The precision steps down where
 * the value *rounds* past a boundary (0.999 ms is "1.0 ms", not "1.00 ms"), so neighbours read alike.
 */

export function formatRate(perSecond: number): string {
  if (perSecond === 0) return "0/s";
  if (perSecond < 0.01) return "<0.01/s";
  if (perSecond < 9.995) return `${perSecond.toFixed(2)}/s`;
  if (perSecond < 999.95) return `${perSecond.toFixed(1)}/s`;
  return `${(perSecond / 1000).toFixed(1)}k/s`;
}

export function formatPercent(ratio: number): string {
  if (ratio === 0) return "0%";
  const percent = ratio * 100;
  if (percent < 0.01) return "<0.01%";
  if (percent < 9.995) return `${percent.toFixed(2)}%`;
  return `${percent.toFixed(1)}%`;
}

export function formatMs(ms: number | null): string {
  if (ms === null) return "–";
  if (ms === 0) return "0 ms";
  if (ms < 0.995) return `${ms.toFixed(2)} ms`;
  if (ms < 99.95) return `${ms.toFixed(1)} ms`;
  if (ms < 9_999.5) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * A version as people read it. The gateway labels a request no target answered (none healthy, none
 * routed) "none", and a span without a version is stored as "".
 */
export function versionLabel(version: string): string {
  if (version === "none") return "no target";
  if (version === "") return "no version";
  return version;
}

export function formatCount(count: number): string {
  return count.toLocaleString("en-US");
}

export const healthLabel: Record<HealthStatus, string> = {
  healthy: "Healthy",
  degraded: "Degraded",
  critical: "Critical",
  idle: "No traffic",
};

export const healthTone: Record<HealthStatus, "green" | "amber" | "red" | "gray"> = {
  healthy: "green",
  degraded: "amber",
  critical: "red",
  idle: "gray",
};

/** Same colours as the badges, for chart lines and map nodes. */
export const healthColor: Record<HealthStatus, string> = {
  healthy: "#059669",
  degraded: "#d97706",
  critical: "#dc2626",
  idle: "#94a3b8",
};
