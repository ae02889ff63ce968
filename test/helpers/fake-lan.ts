// A ChargerApi stand-in for coordinator unit tests: a tiny charger in memory whose answers
// take `latencyMs` on the injected clock, and which records every call.

import type { InstalledClock } from '@sinonjs/fake-timers';
import type { ChargerApi } from '../../src/coordinator/coordinator';
import { DeviceUnreachable, WriteRejected } from '../../src/trydan/errors';
import type { Reading } from '../../src/trydan/telemetry';

type FakeClock = Pick<InstalledClock, 'setTimeout'>;

export class FakeLan implements ChargerApi {
  state: Reading = { ID: 'FAKE01', ChargeState: 2, Paused: 0, ChargePower: 7360, Intensity: 16, Dynamic: 0, PauseDynamic: 0 };
  calls: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  offline = false;
  /** Keywords the charger says OK to but ignores (to test verification). */
  ignoreWrites = new Set<string>();
  closed = false;
  /** Runs as each answer is about to go out (e.g. to drop the Wi-Fi at a chosen moment). */
  beforeAnswer: ((call: string) => void) | undefined;

  constructor(private readonly clock: FakeClock, private readonly latencyMs = 50) {}

  realtime(): Promise<Reading> {
    return this.answer('RealTimeData', () => ({ ...this.state }));
  }

  read(keyword: string): Promise<number | undefined> {
    return this.answer(`read/${keyword}`, () => {
      const v = this.state[keyword];
      return typeof v === 'number' ? v : undefined;
    });
  }

  write(keyword: string, value: number): Promise<void> {
    return this.answer(`write/${keyword}=${value}`, () => {
      if (keyword === 'Reject') throw new WriteRejected(keyword, value, 'ERROR');
      if (!this.ignoreWrites.has(keyword)) this.state[keyword] = value;
    });
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  count(prefix: string): number {
    return this.calls.filter((c) => c.startsWith(prefix)).length;
  }

  private answer<T>(call: string, produce: () => T): Promise<T> {
    this.calls.push(call);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    return new Promise<T>((resolve, reject) => {
      this.clock.setTimeout(() => {
        this.inFlight--;
        this.beforeAnswer?.(call);
        if (this.offline) return reject(new DeviceUnreachable('charger at fake unreachable (no answer in time)'));
        try {
          resolve(produce());
        } catch (err) {
          reject(err as Error);
        }
      }, this.latencyMs);
    });
  }
}
