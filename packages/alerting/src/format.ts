import type { AlertSignal } from "@switchyard/contracts";

/** Values as people read them, in each signal's unit (see alertThresholdRanges). */
export function formatSignalValue(signal: AlertSignal, value: number): string {
  switch (signal) {
    case "ERROR_RATE":
      return `${round(value * 100)} %`;
    case "P95_LATENCY":
    case "P99_LATENCY":
      return value >= 1000 ? `${round(value / 1000)} s` : `${round(value)} ms`;
    case "REQUEST_RATE":
      return `${round(value)} req/s`;
    case "NO_HEALTHY_TARGET":
      return `${value} healthy target${value === 1 ? "" : "s"}`;
    case "AGENT_SILENT":
      return `${Math.round(value)} s silent`;
    case "CANARY_ROLLED_BACK":
      return `${value} rollback${value === 1 ? "" : "s"}`;
  }
}

export const signalLabels: Record<AlertSignal, string> = {
  ERROR_RATE: "Error rate",
  P95_LATENCY: "p95 latency",
  P99_LATENCY: "p99 latency",
  REQUEST_RATE: "Request rate",
  NO_HEALTHY_TARGET: "Healthy targets",
  AGENT_SILENT: "Agent silence",
  CANARY_ROLLED_BACK: "Canary rollbacks",
};

function round(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return String(Number(value.toFixed(digits)));
}

export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 === 0 ? `${minutes} min` : `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}
