// Simulated time. The simulator runs faster than real time for demos and tests
// (timeScale), and tests inject `now` so nothing in them waits for a real clock.

export interface SimClockOptions {
  /** Simulated epoch ms at the moment the clock is created. */
  startTime: number;
  /** Simulated ms per real ms; 1 = real time. */
  timeScale: number;
  /** Real clock in ms; injected by tests. */
  now?: () => number;
}

export class SimClock {
  private readonly now: () => number;
  private baseReal: number;
  private baseSim: number;
  private scale: number;

  constructor(options: SimClockOptions) {
    if (!(options.timeScale > 0) || !Number.isFinite(options.timeScale)) {
      throw new RangeError(`timeScale must be a positive number, got ${options.timeScale}`);
    }
    this.now = options.now ?? Date.now;
    this.baseReal = this.now();
    this.baseSim = options.startTime;
    this.scale = options.timeScale;
  }

  /** Current simulated epoch ms: startTime + real elapsed × timeScale. */
  simNow(): number {
    return this.baseSim + (this.now() - this.baseReal) * this.scale;
  }

  get timeScale(): number {
    return this.scale;
  }

  /** Changes the speed from now on without making simulated time jump. */
  setTimeScale(timeScale: number): void {
    if (!(timeScale > 0) || !Number.isFinite(timeScale)) {
      throw new RangeError(`timeScale must be a positive number, got ${timeScale}`);
    }
    this.baseSim = this.simNow();
    this.baseReal = this.now();
    this.scale = timeScale;
  }
}

/** Today at 10:00 local time: morning sun, so the demo has surplus to work with. */
export function defaultStartTime(realNow: number = Date.now()): number {
  const d = new Date(realNow);
  d.setHours(10, 0, 0, 0);
  return d.getTime();
}
