// The charging plan for a goal ("20 kWh by 07:00"): which stretches of time before the
// deadline to charge at full power from the grid. Pure and stateless: the controller plans
// afresh at every decision with the energy the session has received so far, so the sun that
// arrives meanwhile shrinks the plan, and the grid only fills what is left.
//
// No PV forecast: the sun is used as it comes, and the plan reserves full-power time for the
// whole energy left, as if no more sun came (conservative: the target is met on a dark day).
// With prices, the cheapest stretches are reserved; without, the latest ones ("as late as
// still safe"), which leaves the sun the most time to shrink the plan first. Time without a
// known price counts as dearer than any priced slot, and is taken latest first too. While the
// sun is about, the controller plans without prices (goal.ts): bench/goals showed cheap midday
// hours at full power take from the grid what the afternoon's sun would have given.

import type { PriceSlot } from './prices';

export interface PlanInput {
  now: number;
  /** When the energy must be in, epoch ms. */
  deadline: number;
  /** Energy still to charge, Wh. */
  leftWh: number;
  /** What the car draws at full power, W. */
  powerW: number;
  /** Extra charging time reserved beyond what the energy left takes at full power, %. */
  marginPct: number;
  prices: readonly PriceSlot[];
}

/** A stretch of the plan: [start, end) epoch ms, at its price (null: no price known). */
export interface Piece {
  start: number;
  end: number;
  price: number | null;
}

export interface Plan {
  /** The stretches reserved, in time order, adjacent ones of one price merged. */
  pieces: Piece[];
  /** Now is inside a reserved stretch. */
  chargeNow: boolean;
  /** The end of the stretch charging now, or null. */
  nowUntil: number | null;
  /** The reserved time covers the energy left with its margin before the deadline. */
  feasible: boolean;
  /** When the energy left is in if the plan runs as reserved, epoch ms. */
  expectedFinish: number;
  /** Full-power time the energy left takes, with the margin, ms. */
  needMs: number;
}

/** The window [now, deadline] as priced slots and unpriced gaps. */
function segments(now: number, deadline: number, prices: readonly PriceSlot[]): Piece[] {
  const out: Piece[] = [];
  let t = now;
  for (const s of prices) {
    if (s.end <= t || s.start >= deadline) continue;
    if (s.start > t) out.push({ start: t, end: s.start, price: null });
    const start = Math.max(t, s.start);
    const end = Math.min(deadline, s.end);
    out.push({ start, end, price: s.price });
    t = end;
  }
  if (t < deadline) out.push({ start: t, end: deadline, price: null });
  return out;
}

export function planGoal(input: PlanInput): Plan {
  const { now, deadline, leftWh, powerW, marginPct, prices } = input;
  if (leftWh <= 0) return { pieces: [], chargeNow: false, nowUntil: null, feasible: true, expectedFinish: now, needMs: 0 };
  const bareMs = (leftWh / Math.max(powerW, 1)) * 3_600_000;
  const needMs = bareMs * (1 + marginPct / 100);
  // Past the deadline: what is left is charged now, straight through.
  if (deadline <= now) return { pieces: [{ start: now, end: now + bareMs, price: null }], chargeNow: true, nowUntil: null, feasible: false, expectedFinish: now + bareMs, needMs };

  // Cheapest first; unpriced time after every price; ties latest first (more time for the sun).
  const order = segments(now, deadline, prices).sort((a, b) => (a.price ?? Infinity) - (b.price ?? Infinity) || b.start - a.start);
  const taken: Piece[] = [];
  let still = needMs;
  for (const seg of order) {
    if (still <= 0) break;
    const take = Math.min(seg.end - seg.start, still);
    // Of a stretch needed only in part, its latest part.
    taken.push({ start: seg.end - take, end: seg.end, price: seg.price });
    still -= take;
  }
  taken.sort((a, b) => a.start - b.start);
  const pieces: Piece[] = [];
  for (const p of taken) {
    const last = pieces[pieces.length - 1];
    if (last && last.end === p.start && last.price === p.price) last.end = p.end;
    else pieces.push({ ...p });
  }
  const current = pieces.find((p) => p.start <= now && now < p.end);
  const feasible = still <= 0;
  // The finish: walking the reserved stretches in time order until the bare energy is in;
  // when they cannot hold it, charging straight through from now.
  let expectedFinish = now + bareMs;
  if (feasible) {
    let rest = bareMs;
    for (const p of pieces) {
      const d = p.end - p.start;
      if (d >= rest) {
        expectedFinish = p.start + rest;
        break;
      }
      rest -= d;
    }
  }
  return { pieces, chargeNow: current !== undefined, nowUntil: current ? current.end : null, feasible, expectedFinish, needMs };
}

/**
 * The next time "HH:MM" (local time) comes after `after`, epoch ms. `offsetMinutes(ms)` gives
 * the local offset east of UTC at a moment (the host's time zone unless told).
 */
export function nextTime(hhmm: string, after: number, offsetMinutes: (ms: number) => number = (ms) => -new Date(ms).getTimezoneOffset()): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  const local = after + offsetMinutes(after) * 60_000;
  const day = Math.floor(local / 86_400_000) * 86_400_000;
  for (let d = 0; d <= 2; d++) {
    const candidateLocal = day + d * 86_400_000 + (h * 60 + m) * 60_000;
    // Back to UTC with the offset at that moment (a DST change in between moves it by an hour).
    const guess = candidateLocal - offsetMinutes(candidateLocal) * 60_000;
    const t = candidateLocal - offsetMinutes(guess) * 60_000;
    if (t > after) return t;
  }
  return after + 86_400_000;
}
