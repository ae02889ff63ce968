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
import { DipHistory, MIN_DIPS, pauseBeatsBridging } from './dips';
import { type ChargerView, type Command, CommandTracker } from './commands';
import { type ReasonCode, type ReasonParams, type State, reasonText } from './reasons';
import { roundAmps } from './rounding';
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
    /** The home battery charges below its priority state of charge and keeps its power. */
    batteryPriority: boolean;
  };
  timers: Timers;
  spells: Spells;
  /** Seconds since the last grid reading (since start if none yet). */
  dataAge: number;
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
const AUTO_BRIDGE_H = 6 / 60;

/** A rise must clear the next amp by this much before the current goes up. */
const HYSTERESIS_A = 0.25;

const NO_TIMERS: Timers = { startIn: null, stopIn: null, minChargeLeft: null, minPauseLeft: null, phaseSwitchIn: null, settleLeft: null, nextWriteIn: null };

export class SurplusController {
  private s: SurplusSettings;
  private smoother: AsymmetricSmoother;
  /** The same readings smoothed only briefly both ways: the sun coming back resets the stop timer at once. */
  private quick: AsymmetricSmoother;
  private readonly tracker: CommandTracker;
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

  // Timers: when their condition began (undefined = not running).
  private startSince: number | undefined;
  /** Surplus energy offered since startSince, Wh, counted up to offeredAt. */
  private offeredWh = 0;
  private offeredAt = 0;
  private readonly dips = new DipHistory();
  private stopSince: number | undefined;
  private upSince: number | undefined;
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
  private batteryPriority = false;

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
  update(sample: Sample, now: number, change: { mode?: Mode; settings?: SurplusSettings } = {}): Decision {
    if (change.settings) this.applySettings(change.settings, now);
    if (change.mode) this.applyMode(change.mode);
    if (sample.carConnected !== undefined) this.carConnected = sample.carConnected;
    if (sample.charger) this.observeCharger(sample.charger, now);
    if (sample.carW !== undefined) this.car = { value: sample.carW, at: now };
    if (sample.pvW !== undefined) this.pv = { value: sample.pvW, at: now };
    if (sample.batteryW !== undefined) this.battery = { value: sample.batteryW, at: now };
    if (sample.soc !== undefined) this.soc = { value: sample.soc, at: now };
    if (sample.gridW !== undefined) {
      this.grid = { value: sample.gridW, at: now };
      // A grid reading alone, taken while the car is still following a change, would be
      // read against the wrong car power: it only proves the meter is alive.
      const paired = sample.carW !== undefined;
      if (paired || this.dryRun || now >= this.changedAt + SETTLE_MS) {
        const carW = paired || this.dryRun ? (this.car?.value ?? 0) : this.carEstimate();
        const a = availablePower({ gridW: sample.gridW, carW, batteryW: this.battery?.value, soc: this.soc?.value }, this.s);
        this.raw = a.availableW;
        this.batteryPriority = a.batteryPriority;
        this.smoother.push(a.availableW, now);
        this.quick.push(a.availableW, now);
      }
    }
    return this.decide(now);
  }

  /** Time passing without readings (the node calls this every second): timers and the watchdog. */
  tick(now: number): Decision {
    return this.decide(now);
  }

  setMode(mode: Mode, now: number): Decision {
    return this.update({}, now, { mode });
  }

  /** New settings at run time (e.g. from a dashboard); timers keep running. */
  configure(settings: SurplusSettings, now: number): Decision {
    return this.update({}, now, { settings });
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

  // -------------------------------------------------------------------------------------

  private observeCharger(view: ChargerView, now: number): void {
    this.tracker.observe(view, now);
    // A charger found charging is adopted as it is: a redeploy does not interrupt a session.
    if (this.enabled === undefined && view.Paused !== undefined) {
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

  private carEstimate(): number {
    if (this.car && this.car.at >= this.changedAt + SETTLE_MS) return this.car.value;
    return this.commandedCarW();
  }

  private limits(): { min: number; max: number } {
    const view = this.tracker.view;
    let min = Math.min(32, Math.max(this.s.minCurrent, view.MinIntensity ?? 6, 6));
    const max = Math.max(6, Math.min(this.s.maxCurrent, view.MaxIntensity ?? 32, 32));
    if (min > max) min = max;
    return { min, max };
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

  private decide(now: number): Decision {
    const s = this.s;
    const lim = this.limits();
    const V = s.voltage;
    const minW = (phases: number) => lim.min * phases * V;
    const clampAmps = (a: number) => Math.min(lim.max, Math.max(lim.min, a));
    const dataAge = (now - (this.grid?.at ?? this.startedAt)) / 1000;
    const timers: Timers = { ...NO_TIMERS };
    const p: ReasonParams = {};
    let state: State;
    let reason: ReasonCode;
    let wantPhases = this.phases;
    // Safety acts at once, whatever the write interval.
    let urgent = false;
    // Without knowing whether the charger charges, a stale meter still caps the current.
    let capOnly = false;
    const smoothed = this.smoother.value;
    const restartWh = s.bridgeEnergy ?? minW(s.phaseSwitching ? 1 : this.phases) * AUTO_BRIDGE_H;
    // On one phase with switching: more sun must never mean a later start.
    const startWh = s.startEnergy ?? minW(s.phaseSwitching ? 1 : s.phases) * AUTO_START_H;
    /** The dips were watched in this decision; if not, a dip under way is not measured. */
    let watched = false;

    if (s.mode === 'off') {
      this.setEnabled(false, now);
      this.clearTimers();
      state = 'off';
      reason = 'modeOff';
    } else if (this.carConnected === false) {
      this.setEnabled(false, now);
      this.clearTimers();
      state = 'noCar';
      reason = 'noCar';
    } else if (s.mode === 'fast') {
      this.setEnabled(true, now);
      this.clearTimers();
      this.amps = lim.max;
      wantPhases = s.phaseSwitching ? 3 : s.phases;
      state = 'charging';
      reason = 'fast';
    } else if (dataAge > s.staleTimeout) {
      this.clearTimers();
      this.smoother.reset();
      this.quick.reset();
      this.raw = null;
      state = 'stale';
      reason = 'stale';
      p.seconds = dataAge;
      p.staleAction = s.staleAction;
      urgent = true;
      if (s.staleAction === 'pause') this.setEnabled(false, now);
      else if (s.staleAction === 'minimum') {
        this.setEnabled(true, now);
        this.amps = lim.min;
      } else if (this.enabled !== false) {
        this.amps = Math.min(this.amps || lim.min, lim.min);
        capOnly = this.enabled === undefined;
      }
    } else if (now < this.switchUntil) {
      state = 'phaseSwitch';
      reason = 'phaseSwitch';
      timers.settleLeft = p.seconds = (this.switchUntil - now) / 1000;
    } else if (this.waitForCharger && !this.tracker.seen) {
      state = 'waitingForMeter';
      reason = 'waitingForCharger';
    } else if (smoothed === undefined) {
      state = 'waitingForMeter';
      reason = 'waitingForMeter';
    } else {
      p.surplusW = smoothed;
      const stopPhases = s.phaseSwitching ? 1 : this.phases;
      const stopW = s.stopSurplus ?? minW(stopPhases);
      // The quick view too: the sun coming back ends a dip at once.
      const low = Math.max(smoothed, this.quick.value ?? smoothed);
      this.dips.observe(low < stopW, now);
      watched = true;
      if (this.enabled !== true) {
        const startPhases: 1 | 3 = s.phaseSwitching ? (smoothed >= minW(3) ? 3 : 1) : s.phases;
        const amps = clampAmps(roundAmps(smoothed / (startPhases * V), s.rounding, s.pvRatio));
        if (s.mode === 'minpv') {
          this.setEnabled(true, now);
          this.amps = amps;
          wantPhases = startPhases;
          state = 'charging';
          reason = smoothed < minW(startPhases) ? 'minimum' : 'surplus';
        } else {
          const need = s.startSurplus ?? minW(startPhases);
          p.neededW = need;
          if (smoothed < need) this.startSince = undefined;
          else if (this.startSince === undefined) {
            this.startSince = this.offeredAt = now;
            this.offeredWh = 0;
          } else {
            this.offeredWh += (smoothed * (now - this.offeredAt)) / 3_600_000;
            this.offeredAt = now;
          }
          const startLeft = this.startSince === undefined ? undefined : s.startDelay - (now - this.startSince) / 1000;
          const pauseLeft = s.minPause - (now - this.pausedAt) / 1000;
          // At the present surplus, how long until the spell has offered enough.
          const energyLeft = this.startSince === undefined ? 0 : Math.max(0, ((startWh - this.offeredWh) * 3600) / Math.max(smoothed, 1));
          if (pauseLeft > 0) timers.minPauseLeft = pauseLeft;
          if (startLeft !== undefined && startLeft <= 0 && pauseLeft <= 0 && this.offeredWh >= startWh && (this.raw ?? smoothed) >= need) {
            this.setEnabled(true, now);
            this.amps = amps;
            wantPhases = startPhases;
            this.startSince = undefined;
            state = 'charging';
            reason = 'started';
          } else if (startLeft !== undefined) {
            this.setEnabled(false, now);
            state = 'starting';
            timers.startIn = p.seconds = Math.max(startLeft, pauseLeft, energyLeft, 0);
            p.energyWh = startWh;
            reason = pauseLeft > 0 && pauseLeft >= startLeft && pauseLeft >= energyLeft ? 'minPause' : energyLeft > startLeft ? 'startEnergy' : 'startDelay';
          } else {
            this.setEnabled(false, now);
            state = 'waiting';
            reason = 'noSurplus';
          }
        }
      } else {
        const exact = smoothed / (this.phases * V);
        let target = roundAmps(exact, s.rounding, s.pvRatio);
        // Up only when clearly carried: a surplus hovering at an amp's edge does not toggle it.
        if (target > this.amps && roundAmps(exact - HYSTERESIS_A, s.rounding, s.pvRatio) <= this.amps) target = this.amps;
        if (s.mode === 'pv' && Math.max(smoothed, this.quick.value ?? smoothed) < stopW) {
          p.neededW = stopW;
          this.amps = lim.min;
          this.stopSince ??= now;
          this.upSince = this.downSince = undefined;
          let stopLeft = s.stopDelay - (now - this.stopSince) / 1000;
          // With enough recent dips to judge, they decide instead of the stop delay.
          const recent = this.dips.recent(now);
          const bridging = restartWh > 0 && recent.length >= MIN_DIPS;
          if (bridging) stopLeft = pauseBeatsBridging(recent, this.dips.elapsed(now) ?? 0, stopW - low, restartWh) ? 0 : Infinity;
          if (this.stopAtOnce) stopLeft = 0;
          const chargeLeft = this.stopAtOnce ? 0 : s.minChargeTime - (now - this.enabledAt) / 1000;
          // The latest reading has the last word: no pause in the very second the sun returns.
          if (stopLeft <= 0 && chargeLeft <= 0 && (this.raw ?? smoothed) < stopW) {
            this.setEnabled(false, now);
            this.stopSince = undefined;
            state = 'waiting';
            reason = 'stopped';
          } else {
            state = 'stopping';
            if (chargeLeft > 0) timers.minChargeLeft = chargeLeft;
            if (stopLeft === Infinity) {
              reason = 'bridging';
              p.seconds = this.dips.elapsed(now) ?? 0;
            } else {
              timers.stopIn = p.seconds = Math.max(stopLeft, chargeLeft);
              reason = chargeLeft > 0 && chargeLeft >= stopLeft ? 'minChargeTime' : 'stopDelay';
            }
          }
        } else {
          this.stopSince = undefined;
          this.amps = clampAmps(target);
          state = 'charging';
          reason = target >= lim.max ? 'maxCurrent' : target < lim.min ? 'minimum' : 'surplus';
          if (s.phaseSwitching) {
            // Up when three phases can run at their minimum, down when they cannot but one can
            // (or min+PV holds the car on): with the start and stop delays.
            const up = this.phases === 1 && smoothed >= minW(3);
            const down = this.phases === 3 && smoothed < minW(3);
            this.upSince = up ? (this.upSince ?? now) : undefined;
            this.downSince = down ? (this.downSince ?? now) : undefined;
            const since = this.upSince ?? this.downSince;
            if (since !== undefined) {
              const left = (up ? s.startDelay : s.stopDelay) - (now - since) / 1000;
              if (left <= 0) {
                wantPhases = up ? 3 : 1;
                this.upSince = this.downSince = undefined;
              } else {
                timers.phaseSwitchIn = p.seconds = left;
                reason = up ? 'phaseUp' : 'phaseDown';
              }
            }
          }
        }
      }
      this.stopAtOnce = false;
    }

    if (!watched) this.dips.interrupt();

    if (wantPhases !== this.phases) {
      // A switch while charging pauses the car around it; while paused it is just written.
      const charging = this.tracker.known('Paused') === 0;
      this.phases = wantPhases;
      if (charging && this.enabled) {
        this.switchUntil = now + s.phaseSettle * 1000;
        this.amps = clampAmps(roundAmps((smoothed ?? 0) / (wantPhases * V), s.rounding, s.pvRatio));
        state = 'phaseSwitch';
        reason = 'phaseSwitch';
        timers.settleLeft = p.seconds = s.phaseSettle;
      }
    }
    const switching = now < this.switchUntil;

    const want: Command = {};
    if (this.enabled !== undefined || capOnly) want.PauseDynamic = 1;
    if (this.enabled !== undefined) want.Paused = this.enabled && !switching ? 0 : 1;
    if (s.phaseSwitching && this.enabled !== undefined) want.ChargeMode = this.phases === 3 ? 1 : 0;
    if ((this.enabled === true && this.amps > 0) || capOnly) want.Intensity = this.amps;

    const before = this.commandedCarW();
    const command = this.tracker.plan(want, now, s.minWriteInterval, urgent);
    if (command) {
      this.tracker.record(command, now);
      if (this.commandedCarW() !== before || 'ChargeMode' in command) this.changedAt = now;
    }
    const wait = this.tracker.waitSeconds(now, s.minWriteInterval);
    if (wait > 0 && this.enabled && this.tracker.known('Intensity') !== this.amps) timers.nextWriteIn = wait;

    const charging = this.enabled === true && !switching;
    p.amps = this.amps;
    p.phases = this.phases;
    return {
      time: now,
      mode: s.mode,
      state,
      reason,
      reasonText: reasonText(reason, p),
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
        batteryPriority: this.batteryPriority,
      },
      timers,
      spells: {
        offeredWh: this.enabled !== true && this.startSince !== undefined ? this.offeredWh : null,
        startWh,
        dipSeconds: this.dips.elapsed(now),
        recentDips: this.dips.recent(now),
        restartWh,
      },
      dataAge,
      command,
    };
  }
}
