import { passiveHealthCheckSchema } from "@switchyard/contracts";
import { describe, expect, it } from "vitest";
import { OutlierDetector } from "./outlier-detector";

describe("OutlierDetector", () => {
  it("ejects after max failures within the window and readmits after the ejection time", () => {
    const detector = new OutlierDetector(passiveHealthCheckSchema.parse({}));
    detector.onFailure(0);
    detector.onFailure(1_000);
    expect(detector.isEjected(1_000)).toBe(false);
    detector.onFailure(2_000);
    expect(detector.isEjected(2_000)).toBe(true);
    expect(detector.isEjected(11_999)).toBe(true);
    expect(detector.isEjected(12_000)).toBe(false);
    expect(detector.ejections).toBe(1);
  });

  it("forgets failures older than the window", () => {
    const detector = new OutlierDetector(passiveHealthCheckSchema.parse({}));
    detector.onFailure(0);
    detector.onFailure(5_000);
    detector.onFailure(10_001);
    expect(detector.isEjected(10_001)).toBe(false);
  });

  it("can be readmitted early and switched off", () => {
    const detector = new OutlierDetector(passiveHealthCheckSchema.parse({ maxFailures: 1 }));
    detector.onFailure(0);
    expect(detector.isEjected(1)).toBe(true);
    detector.readmit();
    expect(detector.isEjected(1)).toBe(false);
    detector.configure(passiveHealthCheckSchema.parse({ enabled: false }));
    detector.onFailure(2);
    expect(detector.isEjected(3)).toBe(false);
  });
});
