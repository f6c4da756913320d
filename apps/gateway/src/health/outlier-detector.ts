import { type PassiveHealthCheck } from "@switchyard/contracts";

/**
 * Passive health: `maxFailures` failed requests within `windowMs` eject the target for `ejectionMs`
 * (nginx's max_fails/fail_timeout). When the time is up the target is tried again; an active check,
 * if configured, has the final word on whether it is healthy.
 */
export class OutlierDetector {
  private recentFailures: number[] = [];
  ejectedUntil = 0;
  ejections = 0;

  constructor(private policy: PassiveHealthCheck) {}

  configure(policy: PassiveHealthCheck): void {
    this.policy = policy;
    if (!policy.enabled) {
      this.ejectedUntil = 0;
      this.recentFailures = [];
    }
  }

  isEjected(now: number): boolean {
    return now < this.ejectedUntil;
  }

  onFailure(now: number): void {
    if (!this.policy.enabled || this.isEjected(now)) return;
    const failures = this.recentFailures;
    const oldestAllowed = now - this.policy.windowMs;
    while (failures.length > 0 && failures[0]! <= oldestAllowed) failures.shift();
    failures.push(now);
    if (failures.length >= this.policy.maxFailures) {
      this.ejectedUntil = now + this.policy.ejectionMs;
      this.ejections++;
      failures.length = 0;
    }
  }

  /** Active checks saw the target recover: end an ejection early. */
  readmit(): void {
    this.ejectedUntil = 0;
    this.recentFailures = [];
  }
}
