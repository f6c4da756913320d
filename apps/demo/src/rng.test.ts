import { describe, expect, it } from "vitest";
import { createRng, pickSkewed, randomInt, seedFromString } from "./rng";

describe("createRng", () => {
  it("repeats the same sequence for the same seed", () => {
    const a = createRng(123);
    const b = createRng(123);
    expect(Array.from({ length: 50 }, a)).toEqual(Array.from({ length: 50 }, b));
  });

  it("gives different sequences for different seeds", () => {
    expect(Array.from({ length: 5 }, createRng(1))).not.toEqual(Array.from({ length: 5 }, createRng(2)));
  });

  it("stays in [0, 1) with a roughly uniform mean", () => {
    const rng = createRng(7);
    const draws = Array.from({ length: 10_000 }, rng);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    const mean = draws.reduce((sum, value) => sum + value, 0) / draws.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
  });
});

describe("helpers", () => {
  it("seedFromString is stable and distinguishes replicas", () => {
    expect(seedFromString("users-1")).toBe(seedFromString("users-1"));
    expect(seedFromString("users-1")).not.toBe(seedFromString("users-2"));
  });

  it("randomInt covers both bounds", () => {
    const rng = createRng(3);
    const seen = new Set(Array.from({ length: 500 }, () => randomInt(rng, 1, 3)));
    expect([...seen].sort()).toEqual([1, 2, 3]);
  });

  it("pickSkewed favours the front of the list", () => {
    const rng = createRng(11);
    const items = Array.from({ length: 10 }, (_, index) => index);
    const picks = Array.from({ length: 10_000 }, () => pickSkewed(rng, items));
    const first = picks.filter((value) => value === 0).length;
    const last = picks.filter((value) => value === 9).length;
    expect(first).toBeGreaterThan(last * 3);
  });
});
