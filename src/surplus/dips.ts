// Dips: spells when the surplus is below what the car needs at its minimum current (a
// cloud, the kettle). Riding one out at the minimum current costs its deficit from the grid
// for as long as it lasts; pausing costs a stop and a restart. Which is cheaper depends on
// how long the dip will last, so the controller keeps the lengths of the day's recent dips:
// on a day of small fast clouds it rides them out, on a day of long clouds it pauses at once.

/** Dips that ended longer ago than this say little about the weather now. */
const WINDOW_MS = 2 * 3600_000;
const MAX_DIPS = 12;
/** A dip longer than this counts as this long (the difference changes no decision). */
const LONGEST_S = 3600;
/** Low for longer than this is the night or a grey day, not a dip between sunny spells. */
const DARK_MS = WINDOW_MS;
/** Sun for less than this inside a dip does not end it. */
export const MERGE_MS = 30_000;
/** Fewer recent dips than this: too little to judge, the dip's own cost so far decides. */
export const MIN_DIPS = 3;
/**
 * Riding a dip out also brings what sun there is into the car, which a pause would export;
 * the sun in the car comes first, so that share offsets the grid it costs, at this weight.
 */
export const SUN_WEIGHT = 0.5;

/** What riding a dip out costs, W: its deficit from the grid less the weighted sun the car still gets. */
export function rideCostW(deficitW: number, sunW: number): number {
  return Math.max(0, deficitW - SUN_WEIGHT * Math.max(0, sunW));
}

/**
 * Seconds until acting on a dip (pausing, or switching down from three phases). With enough
 * recent dips, now or never by pauseBeatsBridging. Without, the deterministic ski rental:
 * ride until the dip has cost what a restart is worth (2-competitive whatever the dip's
 * length), and never past the stop delay.
 */
export function actOnDipIn(o: { recent: readonly number[]; elapsed: number; costW: number; costWh: number; restartWh: number; stopDelayLeft: number }): number {
  if (o.restartWh <= 0) return o.stopDelayLeft;
  if (o.recent.length >= MIN_DIPS) return pauseBeatsBridging(o.recent, o.elapsed, o.costW, o.restartWh) ? 0 : Infinity;
  const costLeft = o.costW > 0 ? ((o.restartWh - o.costWh) * 3600) / o.costW : Infinity;
  return Math.min(o.stopDelayLeft, Math.max(0, costLeft));
}

/** The cost a dip has run up so far, Wh. */
export class DipCost {
  private wh = 0;
  private at: number | undefined;

  add(costW: number, now: number): number {
    if (this.at !== undefined) this.wh += (costW * (now - this.at)) / 3_600_000;
    this.at = now;
    return this.wh;
  }

  reset(): void {
    this.wh = 0;
    this.at = undefined;
  }
}

interface Dip {
  start: number;
  end: number;
  seconds: number;
}

/**
 * Whether pausing now is cheaper than riding on, `elapsed` s into a dip that takes
 * `deficitW` from the grid, if it lasts like the recent dips that lasted longer than it has.
 * Riding on up to a horizon costs the deficit of the dips that end before it and, for those
 * that do not, the deficit up to it plus a restart anyway; pausing now costs one restart,
 * worth `restartWh`. Pause when no horizon is cheaper, or when this dip has already outlasted
 * every recent one.
 */
export function pauseBeatsBridging(recent: readonly number[], elapsed: number, deficitW: number, restartWh: number): boolean {
  // deficitW may be a ride cost (rideCostW): the grid it takes less the weighted sun it brings.
  const left = recent
    .filter((s) => s > elapsed)
    .map((s) => s - elapsed)
    .sort((a, b) => a - b);
  if (left.length === 0) return true;
  if (deficitW <= 0) return false;
  const n = left.length;
  let endedWh = 0;
  for (let i = 0; i < n; i++) {
    const horizonWh = (deficitW * left[i]!) / 3600;
    const stillLow = n - 1 - i;
    const cost = (endedWh + horizonWh + stillLow * (horizonWh + restartWh)) / n;
    if (cost < restartWh) return false;
    endedWh += horizonWh;
  }
  return true;
}

/** The day's recent dips, fed with "is the surplus low now" at every decision. */
export class DipHistory {
  private readonly dips: Dip[] = [];
  private since: number | undefined;
  private seenHigh = false;
  /** Low since before any sun (the night, the morning): not a dip between sunny spells. */
  private sinceDark = false;

  observe(low: boolean, now: number): void {
    if (low) {
      if (this.since !== undefined) return;
      const last = this.dips.at(-1);
      if (last && now - last.end <= MERGE_MS) {
        this.dips.pop();
        this.since = last.start;
      } else {
        this.since = now;
        this.sinceDark = !this.seenHigh;
      }
      return;
    }
    this.seenHigh = true;
    if (this.since === undefined) return;
    if (!this.sinceDark && now - this.since <= DARK_MS) {
      this.dips.push({ start: this.since, end: now, seconds: Math.min(LONGEST_S, (now - this.since) / 1000) });
      if (this.dips.length > MAX_DIPS) this.dips.shift();
    }
    this.since = undefined;
  }

  /** The readings stopped: the dip under way, if any, is not measured. */
  interrupt(): void {
    this.since = undefined;
  }

  /** Seconds into the dip under way, or null outside one. */
  elapsed(now: number): number | null {
    return this.since === undefined ? null : (now - this.since) / 1000;
  }

  /** Lengths of the dips that ended within the last two hours, s. */
  recent(now: number): number[] {
    return this.dips.filter((d) => now - d.end <= WINDOW_MS).map((d) => d.seconds);
  }
}
