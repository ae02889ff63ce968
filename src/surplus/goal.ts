// Goals of one charging session, decided before the surplus (the controller's overrides):
// a session limit (pause once reached, in every mode), a minimum always charged (the first
// kWh of a session at full power, sun or not), and a target of energy by a time (the sun
// first; what it cannot deliver in time at full power in the planned stretches of
// goal-plan.ts; pause once the target is in). Energy is the session's: the coordinator's
// sessionEnergy (summed across pauses, reset when the car is unplugged), else pieced together
// from the charger's ChargeEnergy.

import { type Piece, planGoal, nextTime } from './goal-plan';
import { type PriceSlot, mergePrices } from './prices';
import type { ReasonCode } from './reasons';
import type { Mode, SurplusSettings } from './settings';

export type GoalState = 'none' | 'noEnergy' | 'minimum' | 'planned' | 'charging' | 'late' | 'reached' | 'limit';

/** What the decision report says of the goals. */
export interface GoalView {
  state: GoalState;
  /** The session's energy so far, kWh (null: not known, e.g. no charger linked). */
  energyKwh: number | null;
  targetKwh: number | null;
  /** Energy still to charge for the target (or the minimum while it runs), kWh. */
  leftKwh: number | null;
  limitKwh: number | null;
  minimumKwh: number;
  /** When the target must be in, epoch ms. */
  deadline: number | null;
  /** When it will be in if the plan runs as reserved, epoch ms. */
  expectedFinish: number | null;
  /** The reserved stretches can deliver the energy left by the deadline. */
  feasible: boolean | null;
  /** Full power the plan counts on, W. */
  powerW: number | null;
  /** The stretches reserved for full power from the grid, in time order. */
  slots: Piece[];
  /** Price slots known from now on. */
  pricesKnown: number;
}

export interface GoalDecision {
  /** full: charge at the maximum now; pause: stop for this session; null: the surplus decides. */
  action: 'full' | 'pause' | null;
  reason?: ReasonCode;
  view: GoalView;
}

export class Goal {
  private energyKwh: number | undefined;
  /** The counter's last reading, and what it had counted before it restarted, kWh. */
  private lastReading: number | undefined;
  private offsetKwh = 0;
  private deadline: number | undefined;
  /** The goal the deadline was pinned for: a new goal pins a new one. */
  private pinnedFor: string | undefined;
  /** Once a planned stretch has begun, it runs to its end (no stop-start as the plan shifts). */
  private until: number | undefined;
  /** What the car was seen to draw at full power this session, W. */
  private drawW: number | undefined;
  private prices: PriceSlot[] = [];

  /**
   * The session's energy. 'session': the coordinator's sessionEnergy, already summed across
   * pauses and counter resets (session-energy.ts), taken as it is: piecing it together again
   * would count a segment twice whenever it falls. 'counter': the charger's own ChargeEnergy
   * (readings without sessionEnergy); a fall while the car stays plugged in is the counter
   * restarting (it does at every pause, so the pause at a target would otherwise start the
   * goal over): what was counted before is kept.
   */
  observeEnergy(kwh: number, source: 'session' | 'counter'): void {
    if (!Number.isFinite(kwh) || kwh < 0) return;
    if (source === 'session') {
      this.lastReading = undefined;
      this.offsetKwh = 0;
      this.energyKwh = kwh;
      return;
    }
    if (this.lastReading !== undefined && kwh < this.lastReading) this.offsetKwh += this.lastReading;
    this.lastReading = kwh;
    this.energyKwh = this.offsetKwh + kwh;
  }

  observeDraw(w: number): void {
    if (w > 0) this.drawW = w;
  }

  /** The car was unplugged: the next session starts afresh. */
  unplugged(): void {
    this.energyKwh = this.lastReading = this.deadline = this.pinnedFor = this.until = this.drawW = undefined;
    this.offsetKwh = 0;
  }

  setPrices(slots: readonly PriceSlot[], now: number): void {
    this.prices = mergePrices(this.prices, slots, now);
  }

  /** What is known, without deciding (while the mode, the car or the charger decide). */
  view(now: number, s: Readonly<SurplusSettings>): GoalView {
    const energy = this.energyKwh ?? null;
    return {
      state: 'none',
      energyKwh: energy,
      targetKwh: s.targetEnergy,
      leftKwh: null,
      limitKwh: s.sessionLimit,
      minimumKwh: s.minimumEnergy,
      deadline: this.deadline ?? null,
      expectedFinish: null,
      feasible: null,
      powerW: null,
      slots: [],
      pricesKnown: this.prices.filter((p) => p.end > now).length,
    };
  }

  /**
   * @param fullW the car's full power by the settings, W.
   * @param sunny the sun carries the car (its surplus, averaged over a quarter hour): grid
   *   time is then reserved as late as still safe, whatever the prices, so the sun has every
   *   chance to shrink it first; in the dark, in the cheapest hours.
   */
  decide(now: number, s: Readonly<SurplusSettings>, mode: Mode, fullW: number, sunny = false): GoalDecision {
    this.prices = this.prices.filter((p) => p.end > now);
    const energy = this.energyKwh ?? null;
    const view = this.view(now, s);
    const pinned = s.targetEnergy !== null && s.targetTime !== null ? `${s.targetEnergy}@${s.targetTime}` : undefined;
    if (pinned !== this.pinnedFor) {
      this.pinnedFor = pinned;
      this.deadline = pinned ? nextTime(s.targetTime!, now) : undefined;
      this.until = undefined;
    }
    view.deadline = this.deadline ?? null;
    if (s.targetEnergy === null && s.sessionLimit === null && s.minimumEnergy <= 0) return { action: null, view };
    if (energy === null) return { action: null, view: { ...view, state: 'noEnergy' } };
    if (s.sessionLimit !== null && energy >= s.sessionLimit) return { action: 'pause', reason: 'limitReached', view: { ...view, state: 'limit', leftKwh: 0 } };
    if (mode === 'fast') return { action: null, view };
    if (energy < s.minimumEnergy) return { action: 'full', reason: 'goalMinimum', view: { ...view, state: 'minimum', leftKwh: s.minimumEnergy - energy } };
    if (s.targetEnergy === null || this.deadline === undefined) return { action: null, view };
    const leftKwh = Math.max(0, s.targetEnergy - energy);
    if (leftKwh === 0) {
      this.until = undefined;
      return { action: 'pause', reason: 'goalReached', view: { ...view, state: 'reached', leftKwh: 0, expectedFinish: now } };
    }
    const powerW = Math.min(fullW, this.drawW ?? fullW);
    const plan = planGoal({ now, deadline: this.deadline, leftWh: leftKwh * 1000, powerW, marginPct: s.goalMargin, prices: sunny ? [] : this.prices });
    const planned: GoalView = { ...view, leftKwh, expectedFinish: plan.expectedFinish, feasible: plan.feasible, powerW, slots: plan.pieces };
    if (now >= this.deadline) return { action: 'full', reason: 'goalLate', view: { ...planned, state: 'late' } };
    if (this.until !== undefined && now >= this.until) this.until = undefined;
    if (this.until === undefined && plan.chargeNow) this.until = plan.nowUntil ?? this.deadline;
    if (this.until === undefined) return { action: null, view: { ...planned, state: 'planned' } };
    const priced = !sunny && this.prices.some((p) => p.start <= now && now < p.end);
    return { action: 'full', reason: priced ? 'goalCheap' : 'goalLatest', view: { ...planned, state: 'charging' } };
  }
}
