import { z } from "zod";

/**
 * The dashboard's wire formats: the view state a URL carries (so a shared link opens exactly that view),
 * the telemetry procedures' inputs, and the health thresholds a service is judged by.
 */

export const timeRangePresets = ["15m", "1h", "6h", "24h", "7d"] as const;
export type TimeRangePreset = (typeof timeRangePresets)[number];

const PRESET_SECONDS: Record<TimeRangePreset, number> = {
  "15m": 15 * 60,
  "1h": 60 * 60,
  "6h": 6 * 60 * 60,
  "24h": 24 * 60 * 60,
  "7d": 7 * 24 * 60 * 60,
};

/** The longest range any view may ask for: rollups older than this are deleted by retention anyway. */
export const MAX_RANGE_SECONDS = 31 * 24 * 60 * 60;

export const timeRangeSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("preset"), preset: z.enum(timeRangePresets) }),
  z
    .object({ kind: z.literal("custom"), from: z.coerce.date(), to: z.coerce.date() })
    .refine((r) => r.to.getTime() > r.from.getTime(), { message: "End must be after start", path: ["to"] })
    .refine((r) => r.to.getTime() - r.from.getTime() <= MAX_RANGE_SECONDS * 1000, {
      message: "Choose a range of at most 31 days",
      path: ["from"],
    }),
]);
export type TimeRange = z.infer<typeof timeRangeSchema>;

/** From this span on, windows and steps are whole hours, so the store can read its hourly rollups. */
export const HOURLY_FROM_SECONDS = 24 * 60 * 60;

/**
 * Turns a range into whole minutes (rollups are per minute) and a step that gives about 60 points, so a
 * chart's resolution stays the same whatever the range. Ranges of a day or more are widened to whole hours
 * with whole-hour steps. `now` is passed in so the server decides it once.
 */
export function resolveTimeRange(range: TimeRange, now: Date): { from: Date; to: Date; stepSeconds: number } {
  const seconds =
    range.kind === "preset"
      ? PRESET_SECONDS[range.preset]
      : (range.to.getTime() - range.from.getTime()) / 1000;
  const unit = seconds >= HOURLY_FROM_SECONDS ? 3_600_000 : 60_000;
  let fromMs: number;
  let toMs: number;
  if (range.kind === "preset") {
    toMs = Math.ceil(now.getTime() / unit) * unit;
    fromMs = toMs - PRESET_SECONDS[range.preset] * 1000;
  } else {
    fromMs = Math.floor(range.from.getTime() / unit) * unit;
    toMs = Math.max(fromMs + unit, Math.ceil(range.to.getTime() / unit) * unit);
  }
  const units = (toMs - fromMs) / unit;
  const stepUnits = Math.max(1, Math.ceil(units / 60));
  return { from: new Date(fromMs), to: new Date(toMs), stepSeconds: (stepUnits * unit) / 1000 };
}

export const serviceNameSchema = z.string().trim().min(1, "Required").max(200, "Too long");

export const overviewInput = z.object({ range: timeRangeSchema });
export const serviceMapInput = z.object({ range: timeRangeSchema });
/** What the organization's exporters sent over a range: stored, rejected, ignored and dropped items. */
export const ingestStatsInput = z.object({ range: timeRangeSchema });
export const serviceDetailInput = z.object({
  range: timeRangeSchema,
  service: serviceNameSchema,
  route: z.string().max(500).optional(),
  version: z.string().max(200).optional(),
});
export const traceSearchInput = z.object({
  range: timeRangeSchema,
  service: serviceNameSchema.optional(),
  route: z.string().max(500).optional(),
  status: z.enum(["ok", "error"]).optional(),
  minDurationMs: z.number().nonnegative("Use 0 or more").max(3_600_000).optional(),
  limit: z.number().int().min(1).max(200).default(50),
});
export const traceByIdInput = z.object({
  traceId: z
    .string()
    .trim()
    .regex(/^[0-9a-fA-F]{32}$/, "A trace id is 32 hexadecimal characters"),
});

/** Health thresholds: a service is "critical" past the critical line, "degraded" past the warning line. */
export const healthThresholdsSchema = z
  .object({
    errorRateWarning: z.number().min(0, "Use 0 to 1").max(1, "Use 0 to 1"),
    errorRateCritical: z.number().min(0, "Use 0 to 1").max(1, "Use 0 to 1"),
    p99WarningMs: z.number().positive("Use more than 0").max(600_000),
    p99CriticalMs: z.number().positive("Use more than 0").max(600_000),
  })
  .refine((t) => t.errorRateCritical >= t.errorRateWarning, {
    message: "Critical must be at least the warning level",
    path: ["errorRateCritical"],
  })
  .refine((t) => t.p99CriticalMs >= t.p99WarningMs, {
    message: "Critical must be at least the warning level",
    path: ["p99CriticalMs"],
  });
export type HealthThresholds = z.infer<typeof healthThresholdsSchema>;

/** The design brief's alert examples: error rate > 5% and p99 > 1 s are critical; half of each warns. */
export const DEFAULT_HEALTH_THRESHOLDS: HealthThresholds = {
  errorRateWarning: 0.01,
  errorRateCritical: 0.05,
  p99WarningMs: 500,
  p99CriticalMs: 1000,
};

export type HealthStatus = "healthy" | "degraded" | "critical" | "idle";

export function classifyHealth(
  signals: { count: number; errorRate: number; p99Ms: number | null },
  thresholds: HealthThresholds,
): HealthStatus {
  if (signals.count === 0) return "idle";
  const p99 = signals.p99Ms ?? 0;
  if (signals.errorRate > thresholds.errorRateCritical || p99 > thresholds.p99CriticalMs) return "critical";
  if (signals.errorRate > thresholds.errorRateWarning || p99 > thresholds.p99WarningMs) return "degraded";
  return "healthy";
}

/** Trace colouring from the design brief: green < 100 ms, yellow 100-500 ms, red > 500 ms. */
export function spanSpeed(durationMs: number): "fast" | "medium" | "slow" {
  if (durationMs < 100) return "fast";
  if (durationMs <= 500) return "medium";
  return "slow";
}

export const overviewSortKeys = ["name", "rate", "errorRate", "p50", "p95", "p99", "health"] as const;

/**
 * Everything a dashboard URL holds. Query parameters are strings, so the schema is lenient on the way in
 * (an unknown or malformed value falls back to its default instead of breaking a shared link) and
 * `serializeViewState` writes only what differs from the defaults, which keeps links short.
 */
export const viewStateSchema = z.object({
  range: z.enum([...timeRangePresets, "custom"]).catch("1h"),
  from: z.iso.datetime({ offset: true }).optional().catch(undefined),
  to: z.iso.datetime({ offset: true }).optional().catch(undefined),
  refresh: z
    .enum(["on", "off"])
    .catch("on")
    .transform((v) => v === "on"),
  sort: z.enum(overviewSortKeys).catch("name"),
  dir: z.enum(["asc", "desc"]).catch("asc"),
  q: z.string().max(200).catch(""),
  route: z.string().max(500).optional().catch(undefined),
  version: z.string().max(200).optional().catch(undefined),
});
export type ViewState = z.output<typeof viewStateSchema>;

export function parseViewState(params: URLSearchParams): ViewState {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(viewStateSchema.shape)) {
    const value = params.get(key);
    if (value !== null) raw[key] = value;
  }
  const state = viewStateSchema.parse(raw);
  // A custom range without both valid ends cannot be shown; fall back to the default window.
  if (state.range === "custom" && (!state.from || !state.to || state.from >= state.to)) {
    return { ...state, range: "1h", from: undefined, to: undefined };
  }
  return state;
}

const DEFAULT_VIEW_STATE = viewStateSchema.parse({});

export function serializeViewState(state: ViewState): URLSearchParams {
  const params = new URLSearchParams();
  if (state.range !== DEFAULT_VIEW_STATE.range) params.set("range", state.range);
  if (state.range === "custom" && state.from && state.to) {
    params.set("from", state.from);
    params.set("to", state.to);
  }
  if (!state.refresh) params.set("refresh", "off");
  if (state.sort !== DEFAULT_VIEW_STATE.sort) params.set("sort", state.sort);
  if (state.dir !== DEFAULT_VIEW_STATE.dir) params.set("dir", state.dir);
  if (state.q) params.set("q", state.q);
  if (state.route) params.set("route", state.route);
  if (state.version) params.set("version", state.version);
  return params;
}

/** The procedures' time range for a view state. */
export function viewStateRange(state: ViewState): TimeRange {
  if (state.range === "custom" && state.from && state.to) {
    return { kind: "custom", from: new Date(state.from), to: new Date(state.to) };
  }
  return { kind: "preset", preset: state.range === "custom" ? "1h" : state.range };
}
