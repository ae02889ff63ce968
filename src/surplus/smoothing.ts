// Exponential smoothing with separate time constants for rising and falling input: slow
// to believe more sun (a gap in the clouds), quick to believe less (import costs money).
// Time-aware, so meters reporting every second or every ten seconds smooth alike.

export class AsymmetricSmoother {
  private current: number | undefined;
  private at = 0;

  constructor(
    private readonly riseMs: number,
    private readonly fallMs: number,
  ) {}

  /** Adds a sample taken at `time` (ms) and returns the smoothed value. */
  push(value: number, time: number): number {
    if (this.current === undefined) {
      this.current = value;
    } else {
      const dt = Math.max(0, time - this.at);
      const tau = value > this.current ? this.riseMs : this.fallMs;
      const alpha = tau <= 0 ? 1 : 1 - Math.exp(-dt / tau);
      this.current += alpha * (value - this.current);
    }
    this.at = time;
    return this.current;
  }

  get value(): number | undefined {
    return this.current;
  }

  /** Forgets the past: the next sample is taken as it is (after stale data, for instance). */
  reset(): void {
    this.current = undefined;
  }
}
