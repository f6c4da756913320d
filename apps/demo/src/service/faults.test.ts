import { describe, expect, it } from "vitest";
import { createRng } from "../rng";
import { fieldIssues } from "../validation";
import { decideFault, FaultController, faultPatchSchema, faultReplaceSchema, NO_FAULTS } from "./faults";

describe("decideFault", () => {
  it("never fails or delays with no faults", () => {
    const rng = createRng(1);
    for (let i = 0; i < 1_000; i++)
      expect(decideFault(NO_FAULTS, rng)).toEqual({ delayMs: 0, errorStatus: null });
  });

  it("fails at about the configured rate, with the configured status", () => {
    const rng = createRng(99);
    const settings = { ...NO_FAULTS, errorRate: 0.3, errorStatus: 503 };
    const decisions = Array.from({ length: 10_000 }, () => decideFault(settings, rng));
    const failed = decisions.filter((decision) => decision.errorStatus !== null);
    expect(failed.length / decisions.length).toBeGreaterThan(0.28);
    expect(failed.length / decisions.length).toBeLessThan(0.32);
    expect(new Set(failed.map((decision) => decision.errorStatus))).toEqual(new Set([503]));
  });

  it("always fails at rate 1", () => {
    const rng = createRng(5);
    const settings = { ...NO_FAULTS, errorRate: 1 };
    expect(Array.from({ length: 100 }, () => decideFault(settings, rng).errorStatus)).toEqual(
      Array(100).fill(500),
    );
  });

  it("delays by latency plus a jitter below the jitter bound", () => {
    const rng = createRng(8);
    const settings = { ...NO_FAULTS, latencyMs: 100, latencyJitterMs: 50 };
    const delays = Array.from({ length: 1_000 }, () => decideFault(settings, rng).delayMs);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(100);
    expect(Math.max(...delays)).toBeLessThan(150);
    expect(new Set(delays).size).toBeGreaterThan(10);
  });

  it("keeps the same error sequence whether or not jitter is set", () => {
    const plain = { ...NO_FAULTS, errorRate: 0.5 };
    const jittery = { ...plain, latencyJitterMs: 10 };
    const errorsOf = (settings: typeof plain) => {
      const rng = createRng(42);
      return Array.from({ length: 200 }, () => decideFault(settings, rng).errorStatus);
    };
    expect(errorsOf(jittery)).toEqual(errorsOf(plain));
  });
});

describe("FaultController", () => {
  const errorSequence = (controller: FaultController) =>
    Array.from({ length: 100 }, () => controller.decide().errorStatus !== null);

  it("repeats the same decisions after every reset to the same seed", () => {
    const controller = new FaultController(1234);
    controller.apply({ errorRate: 0.3 }, "merge");
    const first = errorSequence(controller);
    controller.apply({ errorRate: 0.3 }, "merge");
    expect(errorSequence(controller)).toEqual(first);
    controller.apply({ errorRate: 0.3, seed: 1234 }, "merge");
    expect(errorSequence(controller)).toEqual(first);
    controller.apply({ errorRate: 0.3, seed: 77 }, "merge");
    expect(errorSequence(controller)).not.toEqual(first);
  });

  it("merges a patch but replaces on replace, and clears", () => {
    const controller = new FaultController(1);
    controller.apply({ errorRate: 0.3 }, "merge");
    expect(controller.apply({ healthFailing: true }, "merge")).toEqual({
      ...NO_FAULTS,
      errorRate: 0.3,
      healthFailing: true,
    });
    expect(controller.apply({ latencyMs: 20 }, "replace")).toEqual({ ...NO_FAULTS, latencyMs: 20 });
    expect(controller.clear()).toEqual(NO_FAULTS);
  });
});

describe("fault request schemas", () => {
  it("fills defaults for a replace and leaves a patch sparse", () => {
    expect(faultReplaceSchema.parse({ errorRate: 0.3 })).toEqual({ ...NO_FAULTS, errorRate: 0.3 });
    expect(faultPatchSchema.parse({ errorRate: 0.3 })).toEqual({ errorRate: 0.3 });
  });

  it("names each bad field", () => {
    const result = faultPatchSchema.safeParse({
      errorRate: 1.5,
      errorStatus: 200,
      healthFailing: "yes",
      extra: 1,
    });
    expect(result.success).toBe(false);
    const fields = fieldIssues(result.error!).map((issue) => issue.field);
    expect(fields.sort()).toEqual(["errorRate", "errorStatus", "extra", "healthFailing"]);
  });

  it("rejects negative or fractional latency", () => {
    expect(faultPatchSchema.safeParse({ latencyMs: -1 }).success).toBe(false);
    expect(faultPatchSchema.safeParse({ latencyJitterMs: 1.5 }).success).toBe(false);
  });
});
