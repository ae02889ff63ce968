// A sinon fake clock as the Clock the coordinator and budget take (its `now` is a field).

import FakeTimers from '@sinonjs/fake-timers';
import type { Clock } from '../../src/trydan/clock';

export type TestClock = FakeTimers.NakedClock;

export function fakeClock(start = 0): { fake: TestClock; clock: Clock } {
  const fake = FakeTimers.createClock(start) as TestClock;
  const clock: Clock = {
    now: () => fake.now,
    setTimeout: (fn, ms) => fake.setTimeout(fn, ms),
    clearTimeout: (h) => fake.clearTimeout(h as FakeTimers.TimerId),
  };
  return { fake, clock };
}
