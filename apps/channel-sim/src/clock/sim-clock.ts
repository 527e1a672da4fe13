/**
 * The simulators' notion of "now". Every time rule (token expiry, rate windows, duplicate windows,
 * outage windows) reads this clock, so a test can jump two hours ahead to make a WeChat token expire
 * instead of waiting. Real delays (async publication, callbacks) still use real timers.
 */
export class SimClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Moves the simulated clock forward (or back, with a negative value). */
  advance(ms: number): number {
    if (!Number.isFinite(ms)) throw new Error('advance(ms) needs a finite number');
    this.offsetMs += ms;
    return this.now();
  }

  /** Sets the simulated clock to an absolute epoch time in ms. */
  set(epochMs: number): number {
    if (!Number.isFinite(epochMs)) throw new Error('set(epochMs) needs a finite number');
    this.offsetMs = epochMs - Date.now();
    return this.now();
  }

  offset(): number {
    return this.offsetMs;
  }

  reset(): void {
    this.offsetMs = 0;
  }
}
