// The writes waiting for the charger, one entry per message, and the rule that coalesces
// them. Pure: no I/O, no clock.
//
// The rule: a message's keywords are sent in the order the message gives them (its producer
// knows the order it needs: Intensity before Paused=0, so a car never resumes at the old
// current), and messages go in the order they came. A queued message is dropped only when
// the message queued after it rewrites every one of its keywords, with nothing kept in
// between (a run of superseded messages in a row); its callers then learn the later values.
// A message only partly rewritten, or one a kept message follows, is sent whole, with its own
// values. So the charger only passes through states some message asked for, in their order:
// merging across a kept message could resume a car at a stale current (32 A, pause, then 6 A
// + resume must not become 32 A + resume, 6 A), or send 32 A before the pause it was meant
// to follow (pause, 32 A, pause must not become 32 A, pause).

export interface QueuedWrite<W> {
  keyword: string;
  value: number;
  /** Callers waiting for this keyword: the message's own, plus those of dropped messages it rewrote. */
  waiters: W[];
}

export class WriteQueue<W> {
  private messages: QueuedWrite<W>[][] = [];

  get size(): number {
    return this.messages.length;
  }

  /** Queues one message: its writes in send order, each with its caller. */
  add(message: ReadonlyArray<{ keyword: string; value: number; waiter: W }>): void {
    if (message.length === 0) return;
    const newest = message.map(({ keyword, value, waiter }) => ({ keyword, value, waiters: [waiter] }));
    const rewrites = new Map(newest.map((w) => [w.keyword, w]));
    // Back from the newest: stop at the first message it does not wholly rewrite (kept).
    while (this.messages.length > 0 && this.messages.at(-1)!.every((w) => rewrites.has(w.keyword))) {
      for (const w of this.messages.pop()!) rewrites.get(w.keyword)!.waiters.unshift(...w.waiters);
    }
    this.messages.push(newest);
  }

  /** Everything queued, in send order, leaving the queue empty. */
  take(): QueuedWrite<W>[] {
    const all = this.messages.flat();
    this.messages = [];
    return all;
  }
}
