// A counting semaphore: at most `size` holders at once, the rest wait in call order, each
// for at most its own deadline, so a queued call fails in bounded time. Closing it turns
// every waiter away at once: they never got to send anything.

import { type Clock, systemClock } from './clock';

interface Waiter {
  grant(): void;
  refuse(err: Error): void;
}

export class Slots {
  private free: number;
  private readonly waiting: Waiter[] = [];
  private closedWith: Error | undefined;

  constructor(
    size: number,
    private readonly clock: Clock = systemClock,
  ) {
    this.free = size;
  }

  /**
   * Resolves when a slot is free, with the function that gives it back (once). Rejects with
   * `late()` when none is free within `deadlineMs`, or with the reason the slots were closed.
   */
  async take(deadlineMs: number, late: () => Error): Promise<() => void> {
    if (this.closedWith) throw this.closedWith;
    if (this.free > 0) this.free--;
    else await this.wait(deadlineMs, late);
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter, so nobody can jump the queue.
      if (next) next.grant();
      else this.free++;
    };
  }

  /** Every waiter, and every later take, is refused with `reason`; holders keep their slots. */
  close(reason: Error): void {
    this.closedWith = reason;
    for (const waiter of this.waiting.splice(0)) waiter.refuse(reason);
  }

  private wait(deadlineMs: number, late: () => Error): Promise<void> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          this.clock.clearTimeout(timer);
          resolve();
        },
        refuse: (err) => {
          this.clock.clearTimeout(timer);
          reject(err);
        },
      };
      // Out of the queue at the deadline, so the slot is never granted to a caller that left.
      const timer = this.clock.setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        reject(late());
      }, deadlineMs);
      this.waiting.push(waiter);
    });
  }
}
