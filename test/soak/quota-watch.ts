// Reads the simulated cloud's request log as it grows and finds calls a client must never
// make: one that arrives after an answer told it the day's calls were spent (a 429, or a
// counted reply with RateLimit-Remaining 0), before the quota day is over. Calls already on
// the wire when that answer went out are fine; calls sent after it are not.

import type { CloudRequestRecord } from '../../src/sim/cloud-gateway';

const DAY_MS = 86_400_000;

export interface QuotaFigures {
  calls: number;
  counted: number;
  status429: number;
  status401: number;
  status5xx: number;
  /** Most calls counted in one quota day, and that day's limit. */
  busiestDay: number;
  /** Calls that arrived after the client had been told "spent", before the reset. */
  afterSpent: number;
  /** Of those, after a 429 answer (the rest after Remaining: 0). */
  after429: number;
  /** Counted calls beyond the limit in a day (the simulator refuses them, so 0 unless it is wrong). */
  overQuota: number;
  examples: string[];
}

export class QuotaWatch {
  readonly figures: QuotaFigures = { calls: 0, counted: 0, status429: 0, status401: 0, status5xx: 0, busiestDay: 0, afterSpent: 0, after429: 0, overQuota: 0, examples: [] };
  private day = -1;
  private countedToday = 0;
  /** The first answer of the current day that said "spent". */
  private spent: { answeredAt: number; by429: boolean } | undefined;

  constructor(private readonly limit: () => number) {}

  /** Takes the records answered since the last call, in answer order. */
  consume(records: readonly CloudRequestRecord[]): void {
    for (const r of records) this.one(r);
  }

  private one(r: CloudRequestRecord): void {
    const f = this.figures;
    const day = Math.floor(r.simTime / DAY_MS);
    if (day !== this.day) {
      this.day = day;
      this.countedToday = 0;
      this.spent = undefined;
    }
    f.calls++;
    if (r.status === 429) f.status429++;
    if (r.status === 401) f.status401++;
    if (r.status >= 500) f.status5xx++;
    if (this.spent && r.receivedAt > this.spent.answeredAt) {
      f.afterSpent++;
      if (this.spent.by429) f.after429++;
      if (f.examples.length < 5) f.examples.push(`${r.method} ${r.path} → ${r.status}, ${r.receivedAt - this.spent.answeredAt} ms after a ${this.spent.by429 ? '429' : 'Remaining: 0'} answer`);
    }
    if (r.counted) {
      f.counted++;
      this.countedToday++;
      f.busiestDay = Math.max(f.busiestDay, this.countedToday);
      if (this.countedToday > this.limit()) f.overQuota++;
    }
    // Only answers that carry the rate-limit headers can tell a client it is spent.
    if (!this.spent && (r.status === 429 || (r.counted && r.remaining === 0))) this.spent = { answeredAt: r.answeredAt, by429: r.status === 429 };
  }
}
