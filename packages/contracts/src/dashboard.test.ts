import { describe, expect, it } from "vitest";
import {
  classifyHealth,
  DEFAULT_HEALTH_THRESHOLDS,
  healthThresholdsSchema,
  parseViewState,
  resolveTimeRange,
  serializeViewState,
  spanSpeed,
  timeRangeSchema,
  viewStateRange,
} from "./dashboard";

describe("view state in the URL", () => {
  it("round-trips every field through the query string", () => {
    const params = new URLSearchParams(
      "range=custom&from=2026-11-20T10:00:00.000Z&to=2026-11-20T12:00:00.000Z&refresh=off&sort=p99&dir=desc&q=ord&route=%2Forders&version=v2",
    );
    const state = parseViewState(params);
    expect(state).toEqual({
      range: "custom",
      from: "2026-11-20T10:00:00.000Z",
      to: "2026-11-20T12:00:00.000Z",
      refresh: false,
      sort: "p99",
      dir: "desc",
      q: "ord",
      route: "/orders",
      version: "v2",
    });
    expect(parseViewState(serializeViewState(state))).toEqual(state);
  });

  it("writes nothing for the defaults, so plain links stay plain", () => {
    const state = parseViewState(new URLSearchParams());
    expect(state).toMatchObject({ range: "1h", refresh: true, sort: "name", dir: "asc", q: "" });
    expect(serializeViewState(state).toString()).toBe("");
  });

  it("falls back to defaults for unknown or malformed values instead of failing", () => {
    const state = parseViewState(
      new URLSearchParams("range=3y&sort=bogus&dir=up&refresh=maybe&from=yesterday"),
    );
    expect(state).toMatchObject({ range: "1h", sort: "name", dir: "asc", refresh: true, from: undefined });
  });

  it("treats a custom range without both ends, or reversed, as the default window", () => {
    expect(parseViewState(new URLSearchParams("range=custom&from=2026-11-20T10:00:00Z")).range).toBe("1h");
    const reversed = "range=custom&from=2026-11-20T12:00:00Z&to=2026-11-20T10:00:00Z";
    expect(parseViewState(new URLSearchParams(reversed)).range).toBe("1h");
  });

  it("gives the procedures the range the URL names", () => {
    expect(viewStateRange(parseViewState(new URLSearchParams("range=7d")))).toEqual({
      kind: "preset",
      preset: "7d",
    });
    const custom = parseViewState(
      new URLSearchParams("range=custom&from=2026-11-20T10:00:00Z&to=2026-11-20T11:00:00Z"),
    );
    expect(viewStateRange(custom)).toEqual({
      kind: "custom",
      from: new Date("2026-11-20T10:00:00Z"),
      to: new Date("2026-11-20T11:00:00Z"),
    });
  });
});

describe("time ranges", () => {
  const now = new Date("2026-11-21T12:34:56Z");

  it("ends a preset at the end of the current minute and steps to about 60 points", () => {
    expect(resolveTimeRange({ kind: "preset", preset: "1h" }, now)).toEqual({
      from: new Date("2026-11-21T11:35:00Z"),
      to: new Date("2026-11-21T12:35:00Z"),
      stepSeconds: 60,
    });
    expect(resolveTimeRange({ kind: "preset", preset: "6h" }, now).stepSeconds).toBe(6 * 60);
    expect(resolveTimeRange({ kind: "preset", preset: "15m" }, now).stepSeconds).toBe(60);
  });

  it("widens a day or more to whole hours with whole-hour steps, so hourly rollups answer it", () => {
    expect(resolveTimeRange({ kind: "preset", preset: "7d" }, now)).toEqual({
      from: new Date("2026-11-14T13:00:00Z"),
      to: new Date("2026-11-21T13:00:00Z"),
      stepSeconds: 3 * 3600,
    });
    expect(resolveTimeRange({ kind: "preset", preset: "24h" }, now).stepSeconds).toBe(3600);
  });

  it("widens a custom range to whole minutes", () => {
    const range = timeRangeSchema.parse({
      kind: "custom",
      from: "2026-11-21T10:00:30Z",
      to: "2026-11-21T10:10:10Z",
    });
    expect(resolveTimeRange(range, now)).toEqual({
      from: new Date("2026-11-21T10:00:00Z"),
      to: new Date("2026-11-21T10:11:00Z"),
      stepSeconds: 60,
    });
  });

  it("refuses a reversed or over-long custom range, naming the field", () => {
    const reversed = timeRangeSchema.safeParse({ kind: "custom", from: "2026-11-21", to: "2026-11-20" });
    expect(reversed.success).toBe(false);
    expect(reversed.error?.issues[0]?.path).toEqual(["to"]);
    const long = timeRangeSchema.safeParse({ kind: "custom", from: "2026-01-01", to: "2026-11-20" });
    expect(long.error?.issues[0]?.path).toEqual(["from"]);
  });
});

describe("health and trace colours", () => {
  it("classifies by error rate and p99 against the thresholds", () => {
    const t = DEFAULT_HEALTH_THRESHOLDS;
    expect(classifyHealth({ count: 0, errorRate: 0, p99Ms: null }, t)).toBe("idle");
    expect(classifyHealth({ count: 10, errorRate: 0, p99Ms: 40 }, t)).toBe("healthy");
    expect(classifyHealth({ count: 10, errorRate: 0.02, p99Ms: 40 }, t)).toBe("degraded");
    expect(classifyHealth({ count: 10, errorRate: 0, p99Ms: 700 }, t)).toBe("degraded");
    expect(classifyHealth({ count: 10, errorRate: 0.06, p99Ms: 40 }, t)).toBe("critical");
    expect(classifyHealth({ count: 10, errorRate: 0, p99Ms: 1500 }, t)).toBe("critical");
    expect(classifyHealth({ count: 10, errorRate: 0.05, p99Ms: 1000 }, t)).toBe("degraded");
  });

  it("refuses thresholds whose critical level is below the warning level", () => {
    const bad = healthThresholdsSchema.safeParse({ ...DEFAULT_HEALTH_THRESHOLDS, errorRateCritical: 0.001 });
    expect(bad.error?.issues[0]?.path).toEqual(["errorRateCritical"]);
  });

  it("colours spans green below 100 ms, yellow to 500 ms, red above", () => {
    expect(spanSpeed(99.9)).toBe("fast");
    expect(spanSpeed(100)).toBe("medium");
    expect(spanSpeed(500)).toBe("medium");
    expect(spanSpeed(500.1)).toBe("slow");
  });
});
