// The writes waiting for the charger, one entry per message, and the rule that coalesces
// them. Pure: no I/O, no clock.
//
// The rule: a message's keywords are sent in the order the message gives them (its producer
// knows the order it needs: Intensity before Paused=0, so a car never resumes at the old
// current), and messages go in the order they came. A queued message is dropped only when
// later queued messages rewrite every one of its keywords; its callers then learn the later
// values. A message only partly rewritten later is sent whole, with its own values. So every
// state the charger passes through is one some message asked for in its own order: merging
// values across messages could resume a car at a stale current (32 A, pause, then 6 A +
// resume must not become 32 A + resume, 6 A).

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
    this.messages.push(message.map(({ keyword, value, waiter }) => ({ keyword, value, waiters: [waiter] })));
    // From the newest back: `latest` holds each keyword's last write after the message looked at.
    const latest = new Map<string, QueuedWrite<W>>();
    for (let i = this.messages.length - 1; i >= 0; i--) {
      const writes = this.messages[i]!;
      if (latest.size > 0 && writes.every((w) => latest.has(w.keyword))) {
        for (const w of writes) latest.get(w.keyword)!.waiters.push(...w.waiters);
        this.messages.splice(i, 1);
        continue;
      }
      for (const w of writes) if (!latest.has(w.keyword)) latest.set(w.keyword, w);
    }
  }

  /** Everything queued, in send order, leaving the queue empty. */
  take(): QueuedWrite<W>[] {
    const all = this.messages.flat();
    this.messages = [];
    return all;
  }
}
