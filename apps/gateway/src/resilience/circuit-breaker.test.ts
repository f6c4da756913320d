import { circuitBreakerSchema } from "@switchyard/contracts";
import { describe, expect, it } from "vitest";
import { CircuitBreaker } from "./circuit-breaker";

const policy = circuitBreakerSchema.parse({ openMs: 1_000 });

function failTimes(breaker: CircuitBreaker, count: number, now: number): void {
  for (let i = 0; i < count; i++) breaker.onFailure(now, "status_500", breaker.onAttempt(now));
}

describe("CircuitBreaker", () => {
  it("opens after the consecutive-failure threshold and refuses until the cool-down", () => {
    const breaker = new CircuitBreaker(policy);
    failTimes(breaker, 4, 0);
    expect(breaker.state).toBe("closed");
    failTimes(breaker, 1, 0);
    expect(breaker.state).toBe("open");
    expect(breaker.canAttempt(999)).toBe(false);
    expect(breaker.canAttempt(1_000)).toBe(true);
    expect(breaker.status()).toMatchObject({ state: "open", failures: 5, lastFailureReason: "status_500" });
  });

  it("a success resets the consecutive count", () => {
    const breaker = new CircuitBreaker(policy);
    failTimes(breaker, 4, 0);
    breaker.onSuccess(0, breaker.onAttempt(0));
    failTimes(breaker, 4, 0);
    expect(breaker.state).toBe("closed");
  });

  it("opens on the error ratio over the window with enough requests", () => {
    const breaker = new CircuitBreaker(circuitBreakerSchema.parse({ consecutiveFailures: 100 }));
    for (let i = 0; i < 30; i++) {
      const probe = breaker.onAttempt(i);
      if (i % 3 === 0) breaker.onFailure(i, "reset", probe);
      else breaker.onSuccess(i, probe);
    }
    // 10 failures in 30 requests is 0.33 > 0.3.
    expect(breaker.state).toBe("open");
  });

  it("does not trip on the ratio below the minimum request count", () => {
    const breaker = new CircuitBreaker(circuitBreakerSchema.parse({ consecutiveFailures: 100 }));
    for (let i = 0; i < 10; i++) breaker.onFailure(i, "reset", breaker.onAttempt(i));
    expect(breaker.state).toBe("closed");
  });

  it("lets a limited number of probes through when half-open and closes after enough successes", () => {
    const breaker = new CircuitBreaker(policy);
    failTimes(breaker, 5, 0);
    const probes = [breaker.onAttempt(1_000), breaker.onAttempt(1_000), breaker.onAttempt(1_000)];
    expect(probes).toEqual([true, true, true]);
    expect(breaker.state).toBe("half_open");
    expect(breaker.canAttempt(1_000)).toBe(false);
    breaker.onSuccess(1_001, true);
    expect(breaker.state).toBe("half_open");
    breaker.onSuccess(1_002, true);
    expect(breaker.state).toBe("closed");
    expect(breaker.canAttempt(1_002)).toBe(true);
  });

  it("reopens on a failed probe", () => {
    const breaker = new CircuitBreaker(policy);
    failTimes(breaker, 5, 0);
    const probe = breaker.onAttempt(1_500);
    breaker.onFailure(1_600, "timeout", probe);
    expect(breaker.state).toBe("open");
    expect(breaker.canAttempt(2_599)).toBe(false);
    expect(breaker.canAttempt(2_600)).toBe(true);
  });

  it("frees the slot of an abandoned probe", () => {
    const breaker = new CircuitBreaker(
      circuitBreakerSchema.parse({ openMs: 100, halfOpenProbes: 1, successesToClose: 1 }),
    );
    failTimes(breaker, 5, 0);
    const probe = breaker.onAttempt(100);
    expect(breaker.canAttempt(100)).toBe(false);
    breaker.onAbandoned(probe);
    expect(breaker.canAttempt(100)).toBe(true);
  });

  it("never opens when disabled", () => {
    const breaker = new CircuitBreaker(circuitBreakerSchema.parse({ enabled: false }));
    failTimes(breaker, 50, 0);
    expect(breaker.state).toBe("closed");
  });
});
