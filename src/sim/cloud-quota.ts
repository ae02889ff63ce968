// The account's daily call quota, counted the way Kong's rate-limiting plugin does: a fixed
// window of one UTC day, here on the SIMULATED clock, so a time-scaled demo reaches the
// reset quickly and tests reach it by moving an injected clock.

import type { SimClock } from './clock';

const DAY_MS = 86_400_000;

export interface QuotaSnapshot {
  limit: number;
  used: number;
  remaining: number;
  /** Simulated epoch ms of the next reset (UTC midnight). */
  resetAt: number;
  /** Real seconds until the reset: what RateLimit-Reset says. */
  resetInSeconds: number;
}

export class CloudQuota {
  private readonly clock: SimClock;
  private limitCalls: number;
  private usedCalls = 0;
  private day: number;

  constructor(clock: SimClock, limit: number) {
    this.clock = clock;
    this.limitCalls = checkCount('quota', limit);
    this.day = Math.floor(clock.simNow() / DAY_MS);
  }

  /** Starts a new window when the simulated clock has passed UTC midnight. */
  private roll(): void {
    const day = Math.floor(this.clock.simNow() / DAY_MS);
    if (day !== this.day) {
      this.day = day;
      this.usedCalls = 0;
    }
  }

  get limit(): number {
    return this.limitCalls;
  }

  get used(): number {
    this.roll();
    return this.usedCalls;
  }

  get remaining(): number {
    this.roll();
    return Math.max(0, this.limitCalls - this.usedCalls);
  }

  /** Counts one call; false (and nothing counted) when the day's calls are spent. */
  take(): boolean {
    this.roll();
    if (this.usedCalls >= this.limitCalls) return false;
    this.usedCalls++;
    return true;
  }

  /**
   * Real seconds until the reset. A client lives on the real clock, so under a time scale
   * it must see the reset when the simulated midnight actually arrives.
   */
  resetInSeconds(): number {
    this.roll();
    const simMs = (this.day + 1) * DAY_MS - this.clock.simNow();
    return Math.max(1, Math.ceil(simMs / this.clock.timeScale / 1000));
  }

  setLimit(limit: number): void {
    this.limitCalls = checkCount('limit', limit);
  }

  setUsed(used: number): void {
    this.roll();
    this.usedCalls = checkCount('used', used);
  }

  reset(): void {
    this.roll();
    this.usedCalls = 0;
  }

  snapshot(): QuotaSnapshot {
    this.roll();
    return {
      limit: this.limitCalls,
      used: this.usedCalls,
      remaining: this.remaining,
      resetAt: (this.day + 1) * DAY_MS,
      resetInSeconds: this.resetInSeconds(),
    };
  }
}

function checkCount(name: string, n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${name} must be a whole number >= 0, got ${n}`);
  return n;
}
