// The PV surplus controller: a pure state machine. Readings and a clock go in (every call
// takes `now`, so tests and replayed days need no real waiting, and the node can run it on
// simulated time); a decision comes out, with the command to write when something must change.
//
// Surplus here is the power the car could draw: the car's power minus the grid's (import
// positive), with the home battery's share by priority (available.ts). It is smoothed with
// separate rise and fall times, turned into whole amps by the rounding policy, and wrapped in
// evcc's start/stop rules (timers that reset when their condition breaks), plus a minimum
// charge time, a minimum pause, phase switching and a stale-meter watchdog. Two rules of our
// own save restarts: a sunny spell must offer some energy before the car starts (a gap in the
// clouds is let go), and a dip is ridden out or paused for by what the day's dips have cost
// (dips.ts); the stop delay decides until there are enough of them.

import { availablePower } from './available';
import { CarDraw } from './car-draw';
import { DipCost, DipHistory, MERGE_MS, actOnDipIn, rideCostW } from './dips';
import { type ChargerView, type Command, CommandTracker } from './commands';
import { type ReasonCode, type ReasonParams, type State, reasonText } from './reasons';
import { roundAmps } from './rounding';
import { Goal, type GoalView } from './goal';
import type { PriceSlot } from './prices';
import { DEFAULT_SETTINGS, type Mode, type SurplusSettings } from './settings';
import { AsymmetricSmoother } from './smoothing';

/** Readings, any subset; each is taken as measured at the `now` it arrives with. */
export interface Sample {
  /** Grid power, W, import positive. */
  gridW?: number;
  pvW?: number;
  /** Home battery, W, discharging positive. */
  batteryW?: number;
  /** Home battery state of charge, %. */
  soc?: number;
  /** The car's charging power, W. With gridW in the same sample, both are taken as one measurement. */
  carW?: number;
  carConnected?: boolean;
  charger?: ChargerView;
  /** The session's energy so far, kWh: summed across pauses, reset when the car is unplugged (the coordinator's sessionEnergy). */
  sessionEnergyKwh?: number;
  /** The charger's own ChargeEnergy, kWh, when sessionEnergy is not known: it restarts at every pause. */
  chargeEnergyKwh?: number;
}

export interface Timers {
  /** Seconds until the car starts if the surplus holds. */
  startIn: number | null;
  /** Seconds until the car pauses if the surplus stays low. */
  stopIn: number | null;
  minChargeLeft: number | null;
  minPauseLeft: number | null;
  phaseSwitchIn: number | null;
  /** Seconds left of the pause around a phase switch. */
  settleLeft: number | null;
  /** Seconds until a current change may be written. */
  nextWriteIn: number | null;
}

/** What the restart-saving rules see. */
export interface Spells {
  /** Surplus energy the current sunny spell has offered while the car waits, Wh. */
  offeredWh: number | null;
  /** What it must offer before the car starts, Wh. */
  startWh: number;
  /** Seconds into the dip under way, or null. */
  dipSeconds: number | null;
  /** Lengths of the dips of the last two hours, s. */
  recentDips: number[];
  /** Grid energy a pause and restart is worth, Wh (0: the stop delay alone). */
  restartWh: number;
}

export interface Decision {
  /** The controller's clock, epoch ms. */
  time: number;
  mode: Mode;
  state: State;
  reason: ReasonCode;
  reasonText: string;
  /** The car is meant to charge now. */
  charging: boolean;
  /** Current per phase, A; 0 while paused. */
  setpoint: number;
  phases: 1 | 3;
  surplus: {
    /** Power the car could draw from the latest readings, W. */
    rawW: number | null;
    smoothedW: number | null;
    gridW: number | null;
    pvW: number | null;
    batteryW: number | null;
    soc: number | null;
    carW: number | null;
    /** Seconds the last change of current has been waiting to show in the car's power, or null. */
    carPendingSeconds: number | null;
    /** The home battery charges below its priority state of charge and keeps its power. */
    batteryPriority: boolean;
    /** The home battery is above its buffer charge and may feed the car. */
    batteryFeeds: boolean;
  };
  timers: Timers;
  spells: Spells;
  /** Seconds since the last grid reading (since start if none yet). */
  dataAge: number;
  /** The goals: energy so far and left, the plan, the expected finish (goal.ts). */
  goal: GoalView;
  /** The car wants its maximum whatever the sun (fast mode, a goal's full-power stretch): what a site gives it room by. */
  full: boolean;
  /** What to write to the charger now, or null. */
  command: Command | null;
}

/** After a change of current the car needs a few seconds to follow; readings taken meanwhile mislead. */
export const SETTLE_MS = 10_000;

interface Reading {
  value: number;
  at: number;
}

/** Empty startEnergy: what 15 minutes at the minimum current take, h. */
const AUTO_START_H = 15 / 60;
/** Empty bridgeEnergy: what 6 minutes at the minimum current take, h. */
const AUTO_BRIDGE_H = 2 / 60;

/**
 * The car counts as charging from the sun when the sun covers this share of its minimum
 * power: it starts at it, and a dip begins below it (the default thresholds). A surplus that
 * hovers at the minimum then charges the car rather than being exported for want of 20 W;
 * the rest, 1.5 % of the minimum (21 W on one phase), is all it takes from the grid meanwhile.
 */
const SUN_COVER = 0.985;

/** A rise must clear the next amp by this much before the current goes up. */
const HYSTERESIS_A = 0.25;

/** The goal plans as late as still safe while the surplus averaged over this carries one phase's minimum... */
const SUN_AVG_MS = 15 * 60_000;
/** ...or did so this recently: between clouds the sun may still deliver before the deadline. */
const SUN_MEMORY_MS = 2 * 3_600_000;

const NO_TIMERS: Timers = { startIn: null, stopIn: null, minChargeLeft: null, minPauseLeft: null, phaseSwitchIn: null, settleLeft: null, nextWriteIn: null };

/** What one step of a decision concluded. */
interface Step {
  state: State;
  reason: ReasonCode;
}

/** What a decision works with, and what its steps fill in. */
interface Ctx {
  now: number;
  lim: { min: number; max: number };
  /** The smoothed surplus (defined from the surplus steps on). */
  smoothed: number;
  timers: Timers;
  p: ReasonParams;
  wantPhases: 1 | 3;
  /** Safety acts at once, whatever the write interval. */
  urgent: boolean;
  /** Without knowing whether the charger charges, a stale meter still caps the current. */
  capOnly: boolean;
  /** Nothing may be written (a locked charger). */
  silent: boolean;
  /** The dips were watched in this decision; if not, a dip under way is not measured. */
  watched: boolean;
  restartWh: number;
  startWh: number;
  goal?: GoalView;
}

export class SurplusController {
  private s: SurplusSettings;
  private smoother: AsymmetricSmoother;
  /** The same readings smoothed only briefly both ways: the sun coming back resets the stop timer at once. */
  private quick: AsymmetricSmoother;
  private readonly tracker: CommandTracker;
  private readonly draw = new CarDraw();
  private readonly startedAt: number;
  private readonly dryRun: boolean;
  private readonly waitForCharger: boolean;

  // What the controller wants. `enabled` is undefined until known: adopted from the
  // charger's telemetry, or decided at the first reading.
  private enabled: boolean | undefined;
  private amps = 0;
  private phases: 1 | 3;
  private switchUntil = -Infinity;
  /** After a mode change away from fast/min+PV a lack of surplus pauses at once. */
  private stopAtOnce = false;
  /** The charger is locked (the app's AutoLock, or a user): it cannot charge, nothing is written. */
  private locked = false;

  // Timers: when their condition began (undefined = not running).
  private startSince: number | undefined;
  /** Surplus energy offered since startSince, Wh, counted up to offeredAt. */
  private offeredWh = 0;
  private offeredAt = 0;
  private readonly dips = new DipHistory();
  /** Dips below the three-phase minimum, with phase switching: judged like dips, with a switch for a restart. */
  private readonly dips3 = new DipHistory();
  /** What the dip under way has cost so far (below the minimum, or the three-phase minimum). */
  private readonly dipCost = new DipCost();
  private stopSince: number | undefined;
  /** Since when the surplus is back above the threshold of the dip under way. */
  private sunSince: number | undefined;
  private upSince: number | undefined;
  /** Energy beyond one phase's maximum offered since upSince, Wh, counted up to upOfferedAt. */
  private upOfferedWh = 0;
  private upOfferedAt = 0;
  private downSince: number | undefined;
  private enabledAt = -Infinity;
  private pausedAt = -Infinity;
  /** When the power the car is told to draw last changed. */
  private changedAt = -Infinity;

  private grid: Reading | undefined;
  private pv: Reading | undefined;
  private battery: Reading | undefined;
  private soc: Reading | undefined;
  private car: Reading | undefined;
  private carConnected: boolean | undefined;
  private raw: number | null = null;
  /** While a change has not shown yet: the surplus the latest grid reading allows, at most, W. */
  private pendingHigh: number | null = null;
  private batteryPriority = false;
  private batteryFeeds = false;
  private readonly goal = new Goal();
  /** The surplus over the last quarter hour or so: whether the sun carries the car, for the goal's plan. */
  private readonly sunAvg = new AsymmetricSmoother(SUN_AVG_MS, SUN_AVG_MS);
  private sunSeenAt = -Infinity;
  /** The car charges at full power for a goal. */
  private goalFull = false;
  /** The most current the site's limit leaves this charger (site.ts); Infinity alone. */
  private siteMaxA = Infinity;

  /**
   * @param options.dryRun decide and report, but nothing reaches the charger (readings are
   *   then taken as they come, since the car does not follow our decisions).
   * @param options.waitForCharger the charger's telemetry will come (a linked config node):
   *   decide nothing before its first reading, so a running session is adopted, not paused.
   */
  constructor(settings: Partial<SurplusSettings> = {}, options: { now: number; dryRun?: boolean; waitForCharger?: boolean }) {
    this.s = { ...DEFAULT_SETTINGS, ...settings };
    this.smoother = new AsymmetricSmoother(this.s.riseTime * 1000, this.s.fallTime * 1000);
    this.quick = new AsymmetricSmoother(this.s.fallTime * 1000, this.s.fallTime * 1000);
    this.startedAt = options.now;
    this.dryRun = options.dryRun ?? false;
    this.waitForCharger = options.waitForCharger ?? false;
    this.tracker = new CommandTracker(this.dryRun);
    this.phases = this.s.phaseSwitching ? 1 : this.s.phases;
  }

  get settings(): Readonly<SurplusSettings> {
    return this.s;
  }

  /**
   * New readings, and optionally a new mode or new settings arriving with them; returns the
   * one decision they lead to.
   */
  update(sample: Sample, now: number, change: { mode?: Mode; settings?: SurplusSettings; prices?: readonly PriceSlot[]; siteMaxA?: number } = {}): Decision {
    if (change.siteMaxA !== undefined) this.siteMaxA = change.siteMaxA;
    if (change.settings) this.applySettings(change.settings, now);
    if (change.mode) this.applyMode(change.mode);
    if (change.prices) this.goal.setPrices(change.prices, now);
    if (sample.carConnected !== undefined) {
      if (sample.carConnected === false) this.goal.unplugged();
      this.carConnected = sample.carConnected;
    }
    // Unplugged, the counter still shows the last session's energy: the next session starts at 0.
    if (this.carConnected !== false) {
      if (sample.sessionEnergyKwh !== undefined) this.goal.observeEnergy(sample.sessionEnergyKwh, 'session');
      else if (sample.chargeEnergyKwh !== undefined) this.goal.observeEnergy(sample.chargeEnergyKwh, 'counter');
    }
    // The car's own full power, once it has had a minute to follow a full-power start.
    if (sample.carW !== undefined && this.goalFull && now - this.changedAt > 60_000 && this.tracker.known('Intensity') === this.amps) this.goal.observeDraw(sample.carW);
    if (sample.charger) this.observeCharger(sample.charger, now);
    if (sample.carW !== undefined) {
      this.car = { value: sample.carW, at: now };
      this.draw.observe(sample.carW, now);
    }
    if (sample.pvW !== undefined) this.pv = { value: sample.pvW, at: now };
    if (sample.batteryW !== undefined) this.battery = { value: sample.batteryW, at: now };
    if (sample.soc !== undefined) this.soc = { value: sample.soc, at: now };
    if (sample.gridW !== undefined) this.readGrid(sample.gridW, sample.carW !== undefined, now);
    return this.decide(now);
  }

  /** Time passing without readings (the node calls this every second): timers and the watchdog. */
  tick(now: number, siteMaxA?: number): Decision {
    if (siteMaxA !== undefined) this.siteMaxA = siteMaxA;
    return this.decide(now);
  }

  setMode(mode: Mode, now: number): Decision {
    return this.update({}, now, { mode });
  }

  /** New settings at run time (e.g. from a dashboard); timers keep running. */
  configure(settings: SurplusSettings, now: number): Decision {
    return this.update({}, now, { settings });
  }

  // -- readings ---------------------------------------------------------------------------

  /**
   * A grid reading becomes surplus once the car's power at that moment is known: measured
   * with it (the charger's own meter), or from telemetry once the last change has shown
   * (car-draw.ts). Until then it only bounds the surplus from above, which may lower the
   * current or run the stop timer, never raise it. Without any telemetry of the car, its
   * power is taken as commanded once it has had SETTLE_MS to follow.
   */
  private readGrid(gridW: number, paired: boolean, now: number): void {
    this.grid = { value: gridW, at: now };
    const available = (carW: number) => {
      const a = availablePower({ gridW, carW, batteryW: this.battery?.value, soc: this.soc?.value }, this.s);
      this.batteryPriority = a.batteryPriority;
      this.batteryFeeds = a.batteryFeeds;
      return a.availableW;
    };
    let carW: number;
    if (paired || this.dryRun) carW = this.car?.value ?? 0;
    else if (!this.draw.known) {
      if (now < this.changedAt + SETTLE_MS) return;
      carW = this.commandedCarW();
    } else {
      const range = this.draw.range(now);
      if (range.pending) {
        this.pendingHigh = available(range.hi);
        return;
      }
      carW = range.lo;
    }
    this.pendingHigh = null;
    this.raw = available(carW);
    this.sunAvg.push(this.raw, now);
    this.smoother.push(this.raw, now);
    this.quick.push(this.raw, now);
  }

  private applyMode(mode: Mode): void {
    if (mode === this.s.mode) return;
    // Leaving fast or min+PV for PV: no 3-minute wait when the sun is not there.
    this.stopAtOnce = mode === 'pv' && this.enabled === true;
    this.s = { ...this.s, mode };
    this.startSince = this.stopSince = this.upSince = this.downSince = undefined;
  }

  private applySettings(settings: SurplusSettings, now: number): void {
    if (settings.riseTime !== this.s.riseTime || settings.fallTime !== this.s.fallTime) {
      const [slow, quick] = [this.smoother.value, this.quick.value];
      this.smoother = new AsymmetricSmoother(settings.riseTime * 1000, settings.fallTime * 1000);
      this.quick = new AsymmetricSmoother(settings.fallTime * 1000, settings.fallTime * 1000);
      if (slow !== undefined) this.smoother.push(slow, now);
      if (quick !== undefined) this.quick.push(quick, now);
    }
    if (!settings.phaseSwitching) this.phases = settings.phases;
    this.s = { ...settings, mode: this.s.mode };
    this.applyMode(settings.mode);
  }

  private observeCharger(view: ChargerView, now: number): void {
    this.tracker.observe(view, now);
    if (view.Locked !== undefined) this.locked = view.Locked === 1;
    // A charger found charging is adopted as it is: a redeploy does not interrupt a session.
    if (this.enabled === undefined && view.Paused !== undefined && !this.locked) {
      this.enabled = view.Paused === 0;
      if (this.enabled) this.enabledAt = now;
      if (typeof view.Intensity === 'number') this.amps = view.Intensity;
      if (this.s.phaseSwitching && (view.ChargeMode === 0 || view.ChargeMode === 1)) this.phases = view.ChargeMode === 1 ? 3 : 1;
    }
  }

  /** The car's power as told (its measurement may not show the last change yet). */
  private commandedCarW(): number {
    const paused = this.tracker.known('Paused');
    const amps = this.tracker.known('Intensity');
    if (paused !== 0 || amps === undefined) return 0;
    return amps * this.phases * this.s.voltage;
  }

  private limits(): { min: number; max: number } {
    const view = this.tracker.view;
    let min = Math.min(32, Math.max(this.s.minCurrent, view.MinIntensity ?? 6, 6));
    const max = Math.max(6, Math.min(this.s.maxCurrent, view.MaxIntensity ?? 32, 32, this.siteMaxA));
    if (min > max) min = max;
    return { min, max };
  }

  private minW(c: Ctx, phases: number): number {
    return c.lim.min * phases * this.s.voltage;
  }

  private clampAmps(c: Ctx, amps: number): number {
    return Math.min(c.lim.max, Math.max(c.lim.min, amps));
  }

  private ampsFor(watts: number, phases: number): number {
    return roundAmps(watts / (phases * this.s.voltage), this.s.rounding, this.s.pvRatio);
  }

  private setEnabled(on: boolean, now: number): void {
    if (this.enabled === on) return;
    // The minimum pause follows a charge we stopped, not a charger found or left paused.
    if (on) this.enabledAt = now;
    else if (this.enabled) this.pausedAt = now;
    this.enabled = on;
  }

  private clearTimers(): void {
    this.startSince = this.stopSince = this.upSince = this.downSince = undefined;
  }

  /** The home battery is above `soc` % (a setting of 100 never is). */
  private batteryAbove(soc: number, now: number): boolean {
    return soc < 100 && this.soc !== undefined && now - this.soc.at <= this.s.staleTimeout * 1000 && this.soc.value >= soc;
  }

  // -- the decision, step by step ---------------------------------------------------------

  private decide(now: number): Decision {
    const s = this.s;
    const lim = this.limits();
    const c: Ctx = {
      now,
      lim,
      smoothed: this.smoother.value ?? 0,
      timers: { ...NO_TIMERS },
      p: {},
      wantPhases: this.phases,
      urgent: false,
      capOnly: false,
      silent: false,
      watched: false,
      // A restart loses about the same sun on one phase or three; what three lose more, the
      // larger share of sun they keep while riding a dip (rideCostW) makes up for.
      restartWh: s.bridgeEnergy ?? lim.min * (s.phaseSwitching ? 1 : this.phases) * s.voltage * AUTO_BRIDGE_H,
      // On one phase with switching: more sun must never mean a later start.
      startWh: s.startEnergy ?? lim.min * (s.phaseSwitching ? 1 : s.phases) * s.voltage * AUTO_START_H,
    };
    const step = this.overrides(c) ?? this.fromSurplus(c);
    if (!c.watched) {
      this.dips.interrupt();
      this.dips3.interrupt();
    }
    const final = this.switchPhases(c, step);
    // Whatever the step, never above the site's share of the fuse.
    this.amps = Math.min(this.amps, lim.max);
    const command = this.command(c);
    return this.report(c, final, command);
  }

  /** Modes, the car, the charger and the meter that decide before the surplus does. */
  private overrides(c: Ctx): Step | undefined {
    const s = this.s;
    if (s.mode === 'off') return this.paused(c, 'off', 'modeOff');
    if (this.carConnected === false) return this.paused(c, 'noCar', 'noCar');
    if (this.locked) {
      // Nothing to pretend: the charger cannot charge. Its state is adopted afresh once unlocked.
      this.enabled = undefined;
      this.clearTimers();
      c.silent = true;
      return { state: 'locked', reason: 'locked' };
    }
    const goal = this.goals(c);
    // The site's fuse: what it cannot carry pauses, whatever the goal or mode wants (the goal
    // still knows it wants full power: the site gives it room by that).
    if (this.siteMaxA < Math.max(this.s.minCurrent, this.tracker.view.MinIntensity ?? 6, 6) && goal?.state !== 'done') {
      c.p.limitA = Math.max(0, this.siteMaxA);
      c.urgent = true;
      return this.paused(c, 'waiting', 'siteLimit');
    }
    // Down to the site's limit at once, whatever the write interval.
    if ((this.tracker.known('Intensity') ?? 0) > this.siteMaxA) c.urgent = true;
    if (goal) return goal;
    if (s.mode === 'fast') {
      this.setEnabled(true, c.now);
      this.clearTimers();
      this.amps = c.lim.max;
      c.wantPhases = s.phaseSwitching ? 3 : s.phases;
      return { state: 'charging', reason: 'fast' };
    }
    const dataAge = (c.now - (this.grid?.at ?? this.startedAt)) / 1000;
    if (dataAge > s.staleTimeout) return this.staleMeter(c, dataAge);
    if (c.now < this.switchUntil) {
      c.timers.settleLeft = c.p.seconds = (this.switchUntil - c.now) / 1000;
      return { state: 'phaseSwitch', reason: 'phaseSwitch' };
    }
    if (this.waitForCharger && !this.tracker.seen) return { state: 'waitingForMeter', reason: 'waitingForCharger' };
    if (this.smoother.value === undefined) return { state: 'waitingForMeter', reason: 'waitingForMeter' };
    return undefined;
  }

  /** The session's limit, minimum and target (goal.ts): full power, a pause, or the surplus decides. */
  private goals(c: Ctx): Step | undefined {
    const s = this.s;
    const phases = s.phaseSwitching ? 3 : s.phases;
    // The sun as one phase's minimum: a three-phase car gets the sun in its stronger spells.
    if ((this.sunAvg.value ?? 0) >= this.minW(c, 1) * SUN_COVER) this.sunSeenAt = c.now;
    const sunny = c.now - this.sunSeenAt <= SUN_MEMORY_MS;
    const g = this.goal.decide(c.now, s, s.mode, c.lim.max * phases * s.voltage, sunny);
    c.goal = g.view;
    c.p.energyKwh = g.view.energyKwh ?? 0;
    c.p.goalKwh = (g.reason === 'limitReached' ? g.view.limitKwh : g.reason === 'goalMinimum' ? g.view.minimumKwh : g.view.targetKwh) ?? 0;
    if (g.view.deadline !== null) c.p.deadline = g.view.deadline;
    if (g.action === 'pause') {
      this.goalFull = false;
      return this.paused(c, 'done', g.reason!);
    }
    if (g.action === 'full') {
      this.goalFull = true;
      this.setEnabled(true, c.now);
      this.clearTimers();
      this.amps = c.lim.max;
      c.wantPhases = phases;
      return { state: 'charging', reason: g.reason! };
    }
    // A planned stretch has ended: without sun the car pauses at once, not after the stop delay.
    if (this.goalFull) this.stopAtOnce = this.enabled === true;
    this.goalFull = false;
    return undefined;
  }

  private paused(c: Ctx, state: State, reason: ReasonCode): Step {
    this.setEnabled(false, c.now);
    this.clearTimers();
    return { state, reason };
  }

  /** No grid reading for the timeout: the stale action, at once. */
  private staleMeter(c: Ctx, dataAge: number): Step {
    const s = this.s;
    this.clearTimers();
    this.smoother.reset();
    this.quick.reset();
    this.raw = this.pendingHigh = null;
    c.p.seconds = dataAge;
    c.p.staleAction = s.staleAction;
    c.urgent = true;
    if (s.staleAction === 'pause') this.setEnabled(false, c.now);
    else if (s.staleAction === 'minimum') {
      this.setEnabled(true, c.now);
      this.amps = c.lim.min;
    } else if (this.enabled !== false) {
      this.amps = Math.min(this.amps || c.lim.min, c.lim.min);
      c.capOnly = this.enabled === undefined;
    }
    return { state: 'stale', reason: 'stale' };
  }

  /** The surplus decides: start, keep running, the current, the phases. */
  private fromSurplus(c: Ctx): Step {
    const s = this.s;
    c.p.surplusW = c.smoothed;
    const floorW = this.minW(c, s.phaseSwitching ? 1 : this.phases);
    const stopW = s.stopSurplus ?? floorW * SUN_COVER;
    const min3 = this.minW(c, 3);
    const level = this.level();
    this.dips.observe(level < stopW, c.now);
    if (s.phaseSwitching) this.dips3.observe(level < min3 * SUN_COVER, c.now);
    c.watched = true;
    let step: Step;
    if (this.enabled !== true) step = s.mode === 'minpv' ? this.startAtOnce(c) : this.decideStart(c);
    else if (s.phaseSwitching && this.phases === 3 && level < min3 * SUN_COVER) step = this.keepThreePhases(c, level, min3);
    // A battery above its buffer charge carries the car through a dip: no stop timer.
    else if (s.mode === 'pv' && level < stopW && !this.batteryFeeds) step = this.keepRunning(c, stopW, floorW, level);
    else {
      this.endDip(c.now);
      step = this.decideCurrent(c);
      if (s.phaseSwitching && this.phases === 1) step = this.decidePhaseUp(c, step);
    }
    this.stopAtOnce = false;
    return step;
  }

  /** The surplus is back: the dip's timers end, unless it falls again within MERGE_MS (as dips merge). */
  private endDip(now: number): void {
    this.sunSince ??= now;
    this.dipCost.add(0, now);
    if (now - this.sunSince >= MERGE_MS) this.stopSince = this.downSince = undefined;
  }

  /**
   * How high the surplus is for starting and stopping: the smoothed value, or the quick one
   * when it is higher (the sun coming back ends a dip at once); while a change has not shown
   * yet, at most what the latest grid reading allows.
   */
  private level(): number {
    const smoothed = this.smoother.value ?? 0;
    const level = Math.max(smoothed, this.quick.value ?? smoothed);
    return this.pendingHigh === null ? level : Math.min(level, this.pendingHigh);
  }

  /** The latest reading, for the last word on a start or a stop. */
  private latest(): number {
    return this.pendingHigh ?? this.raw ?? this.smoother.value ?? 0;
  }

  /** min+PV: never paused; the minimum when the surplus is less. */
  private startAtOnce(c: Ctx): Step {
    const phases = this.startPhases(c);
    this.setEnabled(true, c.now);
    this.amps = this.clampAmps(c, this.ampsFor(c.smoothed, phases));
    c.wantPhases = phases;
    return { state: 'charging', reason: c.smoothed < this.minW(c, phases) ? 'minimum' : 'surplus' };
  }

  private startPhases(c: Ctx): 1 | 3 {
    const s = this.s;
    return s.phaseSwitching ? (c.smoothed >= this.minW(c, 3) ? 3 : 1) : s.phases;
  }

  /**
   * PV, paused: start once the surplus has carried the minimum for the start delay, the
   * sunny spell has offered the start energy and the minimum pause is over; or, with a home
   * battery above its buffer-start charge, without waiting for the sun.
   */
  private decideStart(c: Ctx): Step {
    const s = this.s;
    const phases = this.startPhases(c);
    const need = s.startSurplus ?? this.minW(c, phases) * SUN_COVER;
    const fromBattery = this.batteryAbove(s.bufferStartSoc, c.now);
    const enough = c.smoothed >= need || fromBattery;
    c.p.neededW = need;
    this.countOffered(enough, c);
    if (this.startSince === undefined) {
      this.setEnabled(false, c.now);
      return { state: 'waiting', reason: 'noSurplus' };
    }
    const startLeft = s.startDelay - (c.now - this.startSince) / 1000;
    const pauseLeft = s.minPause - (c.now - this.pausedAt) / 1000;
    const energyShort = fromBattery ? 0 : c.startWh - this.offeredWh;
    // At the present surplus, how long until the spell has offered enough.
    const energyLeft = Math.max(0, (energyShort * 3600) / Math.max(c.smoothed, 1));
    if (pauseLeft > 0) c.timers.minPauseLeft = pauseLeft;
    if (startLeft <= 0 && pauseLeft <= 0 && energyShort <= 0 && (fromBattery || this.latest() >= need)) {
      this.setEnabled(true, c.now);
      this.amps = this.clampAmps(c, this.ampsFor(c.smoothed, phases));
      c.wantPhases = phases;
      this.startSince = undefined;
      return { state: 'charging', reason: c.smoothed >= need ? 'started' : 'batteryStart' };
    }
    this.setEnabled(false, c.now);
    c.timers.startIn = c.p.seconds = Math.max(startLeft, pauseLeft, energyLeft, 0);
    c.p.energyWh = c.startWh;
    const reason: ReasonCode = pauseLeft > 0 && pauseLeft >= startLeft && pauseLeft >= energyLeft ? 'minPause' : energyLeft > startLeft ? 'startEnergy' : 'startDelay';
    return { state: 'starting', reason };
  }

  /** The start timer and the energy the sunny spell has offered since it began. */
  private countOffered(enough: boolean, c: Ctx): void {
    if (!enough) this.startSince = undefined;
    else if (this.startSince === undefined) {
      this.startSince = this.offeredAt = c.now;
      this.offeredWh = 0;
    } else {
      this.offeredWh += (c.smoothed * (c.now - this.offeredAt)) / 3_600_000;
      this.offeredAt = c.now;
    }
  }

  /**
   * PV, charging, surplus below the minimum: hold the minimum current and pause once riding
   * this dip out looks costlier than a restart (dips.ts: judged by the day's recent dips, or
   * by what this one has cost so far), at the latest after the stop delay.
   */
  private keepRunning(c: Ctx, stopW: number, floorW: number, level: number): Step {
    const s = this.s;
    c.p.neededW = stopW;
    this.amps = c.lim.min;
    this.sunSince = undefined;
    if (this.stopSince === undefined) {
      this.stopSince = c.now;
      this.dipCost.reset();
    }
    this.upSince = this.downSince = undefined;
    const stopLeft = this.actOnDipIn(c, this.dips, floorW, level, this.stopSince);
    const chargeLeft = this.stopAtOnce ? 0 : s.minChargeTime - (c.now - this.enabledAt) / 1000;
    // The latest reading has the last word: no pause in the very second the sun returns.
    if (stopLeft <= 0 && chargeLeft <= 0 && this.latest() < stopW) {
      this.setEnabled(false, c.now);
      this.stopSince = undefined;
      return { state: 'waiting', reason: 'stopped' };
    }
    if (chargeLeft > 0) c.timers.minChargeLeft = chargeLeft;
    if (stopLeft === Infinity) {
      c.p.seconds = this.dips.elapsed(c.now) ?? 0;
      return { state: 'stopping', reason: 'bridging' };
    }
    c.timers.stopIn = c.p.seconds = Math.max(stopLeft, chargeLeft);
    return { state: 'stopping', reason: chargeLeft > 0 && chargeLeft >= stopLeft ? 'minChargeTime' : 'stopDelay' };
  }

  /** Seconds until acting on the dip under way (dips.ts): it began at `since`, below `floorW`. */
  private actOnDipIn(c: Ctx, history: DipHistory, floorW: number, level: number, since: number): number {
    if (this.stopAtOnce) return 0;
    const costW = rideCostW(floorW - level, level);
    return actOnDipIn({
      recent: history.recent(c.now),
      elapsed: history.elapsed(c.now) ?? 0,
      costW,
      costWh: this.dipCost.add(costW, c.now),
      restartWh: c.restartWh,
      stopDelayLeft: this.s.stopDelay - (c.now - since) / 1000,
    });
  }

  /**
   * Charging with enough surplus: the current it carries. Up only when clearly carried (a
   * surplus at an amp's edge does not toggle it) and only once the last change has shown in
   * the car's power; down at once when the latest reading says so.
   */
  private decideCurrent(c: Ctx): Step {
    const s = this.s;
    const exact = c.smoothed / (this.phases * s.voltage);
    let target = roundAmps(exact, s.rounding, s.pvRatio);
    if (target > this.amps && roundAmps(exact - HYSTERESIS_A, s.rounding, s.pvRatio) <= this.amps) target = this.amps;
    if (this.pendingHigh !== null) target = Math.min(target, this.amps, this.ampsFor(this.pendingHigh, this.phases));
    this.amps = this.clampAmps(c, target);
    if (this.batteryFeeds) return { state: 'charging', reason: 'batteryBuffer' };
    return { state: 'charging', reason: target >= c.lim.max ? 'maxCurrent' : target < c.lim.min ? 'minimum' : 'surplus' };
  }

  /**
   * Charging on one phase with phase switching: up once three phases can run at their
   * minimum for the start delay and the spell has offered, beyond what one phase takes at
   * its maximum, the energy a switch is worth (a switch pauses the car like a restart, and
   * three phases gain only what one phase cannot take): a short spell stays on one phase.
   */
  private decidePhaseUp(c: Ctx, current: Step): Step {
    const up = c.smoothed >= this.minW(c, 3);
    const extraW = Math.max(0, c.smoothed - c.lim.max * this.s.voltage);
    if (!up) this.upSince = undefined;
    else if (this.upSince === undefined) {
      this.upSince = this.upOfferedAt = c.now;
      this.upOfferedWh = 0;
    } else {
      this.upOfferedWh += (extraW * (c.now - this.upOfferedAt)) / 3_600_000;
      this.upOfferedAt = c.now;
    }
    if (this.upSince === undefined) return current;
    const energyLeft = extraW > 0 ? ((c.restartWh - this.upOfferedWh) * 3600) / extraW : Infinity;
    const left = Math.max(this.s.startDelay - (c.now - this.upSince) / 1000, energyLeft);
    // One phase takes all there is: nothing to gain from three.
    if (left === Infinity) return current;
    if (left <= 0) {
      c.wantPhases = 3;
      this.upSince = undefined;
      return current;
    }
    c.timers.phaseSwitchIn = c.p.seconds = left;
    return { state: 'charging', reason: 'phaseUp' };
  }

  /**
   * Charging on three phases, surplus below their minimum: the minimum current meanwhile,
   * down to one phase after the stop delay or, once the day's dips below the three-phase
   * minimum are known, as soon as riding this one out looks costlier than a switch (which,
   * like a restart, pauses the car). On one phase the usual stop rules then apply.
   */
  private keepThreePhases(c: Ctx, level: number, min3: number): Step {
    this.amps = c.lim.min;
    this.upSince = this.stopSince = undefined;
    this.sunSince = undefined;
    if (this.downSince === undefined) {
      this.downSince = c.now;
      this.dipCost.reset();
    }
    c.p.neededW = min3;
    const left = this.actOnDipIn(c, this.dips3, min3, level, this.downSince);
    if (left <= 0) {
      c.wantPhases = 1;
      this.downSince = undefined;
      return { state: 'charging', reason: 'phaseDown' };
    }
    if (left === Infinity) {
      c.p.seconds = this.dips3.elapsed(c.now) ?? 0;
      return { state: 'stopping', reason: 'bridging' };
    }
    c.timers.phaseSwitchIn = c.p.seconds = left;
    return { state: 'charging', reason: 'phaseDown' };
  }

  /** A switch while charging pauses the car around it; while paused it is just written. */
  private switchPhases(c: Ctx, step: Step): Step {
    if (c.wantPhases === this.phases) return step;
    const charging = this.tracker.known('Paused') === 0;
    this.phases = c.wantPhases;
    if (!charging || !this.enabled) return step;
    this.switchUntil = c.now + this.s.phaseSettle * 1000;
    this.amps = this.clampAmps(c, this.ampsFor(this.smoother.value ?? 0, c.wantPhases));
    c.timers.settleLeft = c.p.seconds = this.s.phaseSettle;
    return { state: 'phaseSwitch', reason: 'phaseSwitch' };
  }

  /** What to write now, if anything: the wanted state against what the charger has. */
  private command(c: Ctx): Command | null {
    if (c.silent) return null;
    const s = this.s;
    const switching = c.now < this.switchUntil;
    const want: Command = {};
    if (this.enabled !== undefined || c.capOnly) want.PauseDynamic = 1;
    if (this.enabled !== undefined) want.Paused = this.enabled && !switching ? 0 : 1;
    if (s.phaseSwitching && this.enabled !== undefined) want.ChargeMode = this.phases === 3 ? 1 : 0;
    if ((this.enabled === true && this.amps > 0) || c.capOnly) want.Intensity = this.amps;
    const before = this.commandedCarW();
    const command = this.tracker.plan(want, c.now, s.minWriteInterval, c.urgent);
    if (command) {
      this.tracker.record(command, c.now);
      const after = this.commandedCarW();
      if (after !== before || 'ChargeMode' in command) {
        this.changedAt = c.now;
        this.draw.commanded(after, c.now, this.phases * s.voltage);
      }
    }
    const wait = this.tracker.waitSeconds(c.now, s.minWriteInterval);
    if (wait > 0 && this.enabled && this.tracker.known('Intensity') !== this.amps) c.timers.nextWriteIn = wait;
    return command;
  }

  private report(c: Ctx, step: Step, command: Command | null): Decision {
    const charging = this.enabled === true && c.now >= this.switchUntil;
    c.p.amps = this.amps;
    c.p.phases = this.phases;
    return {
      time: c.now,
      mode: this.s.mode,
      state: step.state,
      reason: step.reason,
      reasonText: reasonText(step.reason, c.p),
      charging,
      setpoint: charging ? this.amps : 0,
      phases: this.phases,
      surplus: {
        rawW: this.raw,
        smoothedW: this.smoother.value ?? null,
        gridW: this.grid?.value ?? null,
        pvW: this.pv?.value ?? null,
        batteryW: this.battery?.value ?? null,
        soc: this.soc?.value ?? null,
        carW: this.car?.value ?? null,
        carPendingSeconds: this.draw.pendingSeconds(c.now),
        batteryPriority: this.batteryPriority,
        batteryFeeds: this.batteryFeeds,
      },
      timers: c.timers,
      spells: {
        offeredWh: this.enabled !== true && this.startSince !== undefined ? this.offeredWh : null,
        startWh: c.startWh,
        dipSeconds: this.dips.elapsed(c.now),
        recentDips: this.dips.recent(c.now),
        restartWh: c.restartWh,
      },
      dataAge: (c.now - (this.grid?.at ?? this.startedAt)) / 1000,
      goal: c.goal ?? this.goal.view(c.now, this.s),
      full: this.s.mode === 'fast' || this.goalFull,
      command,
    };
  }
}
