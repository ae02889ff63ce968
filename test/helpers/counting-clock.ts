// The system clock, counting the timers still pending: a close must leave none behind.

import type { Clock } from '../../src/trydan/clock';

export function countingClock(): Clock & { pending(): number } {
  const live = new Set<unknown>();
  return {
    now: () => Date.now(),
    setTimeout: (fn, ms) => {
      const handle = setTimeout(() => {
        live.delete(handle);
        fn();
      }, ms);
      live.add(handle);
      return handle;
    },
    clearTimeout: (handle) => {
      live.delete(handle);
      clearTimeout(handle as NodeJS.Timeout);
    },
    pending: () => live.size,
  };
}
