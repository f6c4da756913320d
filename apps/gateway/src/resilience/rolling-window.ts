/**
 * Request and failure counts over the last `windowMs`, kept in ten slots so that recording is two
 * array writes and old data ages out a slot at a time.
 */
export class RollingWindow {
  private static readonly SLOTS = 10;
  private readonly totals = new Uint32Array(RollingWindow.SLOTS);
  private readonly failures = new Uint32Array(RollingWindow.SLOTS);
  private readonly slotMs: number;
  private currentSlot = 0;
  private currentEpoch = 0;

  constructor(windowMs: number) {
    this.slotMs = Math.max(1, Math.ceil(windowMs / RollingWindow.SLOTS));
  }

  record(now: number, failed: boolean): void {
    this.advance(now);
    this.totals[this.currentSlot]!++;
    if (failed) this.failures[this.currentSlot]!++;
  }

  /** Totals over the window as of `now`. */
  counts(now: number): { total: number; failures: number } {
    this.advance(now);
    let total = 0;
    let failures = 0;
    for (let i = 0; i < RollingWindow.SLOTS; i++) {
      total += this.totals[i]!;
      failures += this.failures[i]!;
    }
    return { total, failures };
  }

  reset(): void {
    this.totals.fill(0);
    this.failures.fill(0);
  }

  private advance(now: number): void {
    const epoch = Math.floor(now / this.slotMs);
    if (epoch === this.currentEpoch) return;
    const steps = Math.min(epoch - this.currentEpoch, RollingWindow.SLOTS);
    for (let step = 1; step <= steps; step++) {
      const slot = (this.currentSlot + step) % RollingWindow.SLOTS;
      this.totals[slot] = 0;
      this.failures[slot] = 0;
    }
    this.currentSlot = (this.currentSlot + steps) % RollingWindow.SLOTS;
    this.currentEpoch = epoch;
  }
}
