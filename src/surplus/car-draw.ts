// What the car draws, as far as a grid reading can be read against it. Surplus is the car's
// power minus the grid's, so it is only as right as the car's power at the meter's moment.
// After a start or a change of current the car takes a while to follow (some cars start
// drawing 30 s after a resume, then ramp over 10 s) and the charger's telemetry shows it
// a poll later still. Meanwhile the car's power lies somewhere between what telemetry last
// showed and what it was told: a write whose effect has not shown yet is neither assumed
// drawn (that read a car still at 0 W as drawing, and raised the current into import) nor
// ignored (a car that has started drawing would then look like a cloud).

/** A change not shown in telemetry after this long is taken as what the car does (a full or limited car). */
export const PENDING_MAX_MS = 60_000;
/** Telemetry within this much of what was commanded shows the change, A per phase. */
const SHOWN_AMPS = 0.6;

export interface DrawRange {
  /** Lowest power the car may draw now, W. */
  lo: number;
  /** Highest, W. */
  hi: number;
  /** A change is under way and not yet shown. */
  pending: boolean;
}

export class CarDraw {
  private measured: { w: number; at: number } | undefined;
  private change: { at: number; commandedW: number } | undefined;
  private tolerance = SHOWN_AMPS * 230;

  /** Whether telemetry of the car's power has come at all. */
  get known(): boolean {
    return this.measured !== undefined;
  }

  get measuredW(): number | undefined {
    return this.measured?.w;
  }

  observe(w: number, at: number): void {
    this.measured = { w, at };
    const c = this.change;
    if (c && at > c.at && Math.abs(w - c.commandedW) <= this.tolerance) this.change = undefined;
  }

  /** The car was told to draw `commandedW` from `at` on (`perPhaseW`: one amp on its phases). */
  commanded(commandedW: number, at: number, perPhaseW: number): void {
    this.tolerance = SHOWN_AMPS * perPhaseW;
    const fromW = this.measured?.w ?? 0;
    this.change = Math.abs(fromW - commandedW) <= this.tolerance ? undefined : { at, commandedW };
  }

  /** The car's power now, as a range that is exact once the last change has shown. */
  range(now: number): DrawRange {
    const w = this.measured?.w ?? 0;
    const c = this.change;
    if (!c || now >= c.at + PENDING_MAX_MS) return { lo: w, hi: w, pending: false };
    return { lo: Math.min(w, c.commandedW), hi: Math.max(w, c.commandedW), pending: true };
  }

  /** Seconds the last change has been waiting to show, or null. */
  pendingSeconds(now: number): number | null {
    const c = this.change;
    return c && now < c.at + PENDING_MAX_MS ? (now - c.at) / 1000 : null;
  }
}
