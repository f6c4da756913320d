import { describe, expect, it } from "vitest";
import { formatMs, formatPercent, formatRate, versionLabel } from "./format";

describe("dashboard number formatting", () => {
  it("never shows a non-zero value as zero", () => {
    expect(formatRate(0)).toBe("0/s");
    expect(formatRate(0.004)).toBe("<0.01/s");
    expect(formatPercent(0)).toBe("0%");
    expect(formatMs(0)).toBe("0 ms");
    expect(formatPercent(0.00001)).toBe("<0.01%");
    expect(formatMs(0.2)).toBe("0.20 ms");
  });

  it("keeps enough digits to match the store's numbers at a glance", () => {
    expect(formatRate(1 / 3)).toBe("0.33/s");
    expect(formatRate(12.345)).toBe("12.3/s");
    expect(formatRate(2500)).toBe("2.5k/s");
    expect(formatPercent(0.2)).toBe("20.0%");
    expect(formatPercent(0.0123)).toBe("1.23%");
    expect(formatMs(12.34)).toBe("12.3 ms");
    expect(formatMs(499.6)).toBe("500 ms");
    expect(formatMs(12_500)).toBe("12.5 s");
    expect(formatMs(null)).toBe("–");
  });

  it("drops a digit where a value rounds up into the next range", () => {
    expect(formatMs(0.999)).toBe("1.0 ms");
    expect(formatMs(0.994)).toBe("0.99 ms");
    expect(formatMs(99.97)).toBe("100 ms");
    expect(formatMs(9_999.7)).toBe("10.0 s");
    expect(formatRate(9.998)).toBe("10.0/s");
    expect(formatRate(999.97)).toBe("1.0k/s");
    expect(formatPercent(0.09999)).toBe("10.0%");
  });

  it("names the versions that are not versions in words", () => {
    expect(versionLabel("none")).toBe("no target");
    expect(versionLabel("")).toBe("no version");
    expect(versionLabel("v2")).toBe("v2");
  });
});
