import { trafficSplitSchema } from "@switchyard/contracts";
import { describe, expect, it } from "vitest";
import { readCookie, SPLIT_CANARY, SPLIT_FORCED, SPLIT_FROM_COOKIE, TrafficSplitter } from "./traffic-split";

function splitter(canaryPercent: number, sticky: boolean, random: () => number = Math.random) {
  return new TrafficSplitter(
    trafficSplitSchema.parse({
      stableVersion: "v1",
      canaryVersion: "v2",
      canaryPercent,
      ...(sticky ? { stickyCookie: { name: "sy_canary" } } : {}),
    }),
    random,
  );
}

describe("TrafficSplitter", () => {
  it("sends the configured share to the canary", () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const split = splitter(25, false, random);
    let canary = 0;
    for (let i = 0; i < 10_000; i++) if (split.decide([], undefined) & SPLIT_CANARY) canary++;
    expect(canary / 10_000).toBeGreaterThan(0.23);
    expect(canary / 10_000).toBeLessThan(0.27);
  });

  it("always honours the override header", () => {
    const split = splitter(0, true, () => 0.99);
    expect(split.decide(["X-Canary", "true"], undefined)).toBe(SPLIT_CANARY | SPLIT_FORCED);
    expect(split.decide(["X-Canary", "TRUE "], undefined)).toBe(SPLIT_CANARY | SPLIT_FORCED);
    expect(split.decide(["X-Canary", "false"], undefined)).toBe(0);
  });

  it("keeps a client on its cookie's side while that side gets traffic", () => {
    const split = splitter(25, true, () => 0.99);
    expect(split.decide([], "a=1; sy_canary=v2")).toBe(SPLIT_CANARY | SPLIT_FROM_COOKIE);
    expect(split.decide([], "sy_canary=v1")).toBe(SPLIT_FROM_COOKIE);
    expect(split.decide([], "sy_canary=v9")).toBe(0);
    expect(splitter(0, true, () => 0).decide([], "sy_canary=v2")).toBe(0);
    expect(splitter(100, true, () => 0.5).decide([], "sy_canary=v1")).toBe(SPLIT_CANARY);
  });

  it("builds the Set-Cookie values once", () => {
    expect(splitter(10, true).setCookie).toEqual([
      "sy_canary=v1; Path=/; Max-Age=86400; HttpOnly; SameSite=Lax",
      "sy_canary=v2; Path=/; Max-Age=86400; HttpOnly; SameSite=Lax",
    ]);
    expect(splitter(10, false).setCookie).toBeNull();
  });

  it("reads cookies only at a cookie boundary", () => {
    expect(readCookie("xsy_canary=v2; sy_canary=v1", "sy_canary=")).toBe("v1");
    expect(readCookie("xsy_canary=v2", "sy_canary=")).toBeUndefined();
    expect(readCookie("sy_canary=v2", "sy_canary=")).toBe("v2");
  });
});
