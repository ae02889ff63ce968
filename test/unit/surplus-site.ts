// A tiny site for the controller's tests: a surplus we set, a car that follows every command
// at once, readings paired as the charger's own meter gives them, and a clock we move.
// evcc's timers alone unless a test passes the restart-saving settings (startEnergy,
// bridgeEnergy; null = their defaults): most tests count seconds of those timers.

import { type Command, type Decision, type Mode, type Sample, SurplusController, type SurplusSettings } from '../../src/surplus';

export const T0 = Date.UTC(2026, 5, 21, 10, 0, 0);

/**
 * The timers of evcc (and of this controller's first version), which most tests count in
 * seconds: they read plainer than the defaults tuned on the replayed days (bench/surplus).
 */
export const EVCC_TIMERS: Partial<SurplusSettings> = { startDelay: 60, stopDelay: 180, startEnergy: 0, bridgeEnergy: 0, minPause: 300, riseTime: 30, fallTime: 5, minWriteInterval: 10, phaseSettle: 60 };

export interface Site {
  controller: SurplusController;
  /** The controller's clock, ms. */
  now: number;
  /** Every decision so far. */
  decisions: Decision[];
  /** Every command so far. */
  commands: Command[];
  charger: { Paused: number; Intensity: number; PauseDynamic: number; ChargeMode: number };
  /** Power the car would draw now, W. */
  carW(): number;
  /** `seconds` of readings, one a second, with this surplus (PV minus house), W. */
  run(seconds: number, surplusW: number | ((second: number) => number), extra?: Partial<Sample>): Decision;
  /** Time passing without readings. */
  silent(seconds: number): Decision;
  /** A mode change by message, one second on. */
  mode(mode: Mode): Decision;
  /** New settings by message, one second on. */
  configure(settings: Partial<SurplusSettings>): Decision;
  /** The charger's telemetry, as a linked config node delivers it. */
  telemetry(extra?: Partial<Sample>): Decision;
  last(): Decision;
}

export function site(settings: Partial<SurplusSettings> = {}, options: { dryRun?: boolean; waitForCharger?: boolean; charger?: Partial<Site['charger']> } = {}): Site {
  const controller = new SurplusController({ ...EVCC_TIMERS, ...settings }, { now: T0, dryRun: options.dryRun ?? false, waitForCharger: options.waitForCharger ?? false });
  const s: Site = {
    controller,
    now: T0,
    decisions: [],
    commands: [],
    charger: { Paused: 1, Intensity: 16, PauseDynamic: 0, ChargeMode: 0, ...options.charger },
    carW() {
      const phases = controller.settings.phaseSwitching ? (s.charger.ChargeMode === 1 ? 3 : 1) : controller.settings.phases;
      return s.charger.Paused === 0 ? s.charger.Intensity * phases * controller.settings.voltage : 0;
    },
    run(seconds, surplusW, extra = {}) {
      for (let i = 0; i < seconds; i++) {
        s.now += 1000;
        const surplus = typeof surplusW === 'function' ? surplusW(i) : surplusW;
        const carW = s.carW();
        record(controller.update({ gridW: carW - surplus, carW, ...extra }, s.now));
      }
      return s.last();
    },
    silent(seconds) {
      for (let i = 0; i < seconds; i++) {
        s.now += 1000;
        record(controller.tick(s.now));
      }
      return s.last();
    },
    mode(mode) {
      s.now += 1000;
      return record(controller.setMode(mode, s.now));
    },
    configure(settings) {
      s.now += 1000;
      return record(controller.configure({ ...controller.settings, ...settings }, s.now));
    },
    telemetry(extra = {}) {
      return record(controller.update({ carW: s.carW(), charger: { ...s.charger }, ...extra }, s.now));
    },
    last: () => s.decisions[s.decisions.length - 1]!,
  };
  const record = (d: Decision): Decision => {
    s.decisions.push(d);
    if (d.command && !options.dryRun) {
      s.commands.push(d.command);
      Object.assign(s.charger, d.command);
    }
    return d;
  };
  return s;
}
