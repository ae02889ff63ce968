// Why the controller does what it does: one code per reason, each with the sentence a person
// reads in the decision report. Codes are stable for flows to switch on; texts may improve.

import type { StaleAction } from './settings';

export type State = 'off' | 'noCar' | 'waitingForMeter' | 'waiting' | 'starting' | 'charging' | 'stopping' | 'phaseSwitch' | 'stale' | 'locked' | 'done';

export interface ReasonParams {
  /** Smoothed surplus the car could use, W. */
  surplusW?: number;
  /** Threshold in play, W. */
  neededW?: number;
  amps?: number;
  phases?: number;
  /** Time left on the timer in play, or a configured duration, s. */
  seconds?: number;
  staleAction?: StaleAction;
  /** Energy in play, Wh. */
  energyWh?: number;
  /** The session's energy so far, kWh. */
  energyKwh?: number;
  /** The goal's energy (target, minimum or limit), kWh. */
  goalKwh?: number;
  /** The goal's deadline, epoch ms. */
  deadline?: number;
  /** The current the site's limit leaves, A. */
  limitA?: number;
}

const w = (p: ReasonParams, key: 'surplusW' | 'neededW') => `${Math.round(p[key] ?? 0)} W`;
const t = (p: ReasonParams) => clock(p.seconds ?? 0);
const kwh = (v: number | undefined) => `${(Math.round((v ?? 0) * 100) / 100).toString()} kWh`;
const hhmm = (ms: number | undefined) => {
  const d = new Date(ms ?? 0);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
};
const goal = (p: ReasonParams) => `goal ${kwh(p.goalKwh)} by ${hhmm(p.deadline)}: ${kwh(p.energyKwh)} in`;
const STALE_TEXT: Record<StaleAction, string> = {
  hold: 'holding, at most the minimum current',
  minimum: 'charging at the minimum current',
  pause: 'paused',
};

export const REASONS = {
  modeOff: () => 'mode off: charging paused',
  noCar: () => 'no car connected',
  locked: () => 'the charger is locked (the app\'s AutoLock or a user): it cannot charge; control resumes once it is unlocked',
  waitingForMeter: () => 'waiting for the first grid reading',
  waitingForCharger: () => "waiting for the charger's first reading",
  noSurplus: (p: ReasonParams) => `surplus ${w(p, 'surplusW')}, ${w(p, 'neededW')} needed to start`,
  startDelay: (p: ReasonParams) => `surplus ${w(p, 'surplusW')} reaches ${w(p, 'neededW')}: start in ${t(p)}`,
  startEnergy: (p: ReasonParams) => `surplus ${w(p, 'surplusW')}: start once this sunny spell has offered ${Math.round(p.energyWh ?? 0)} Wh, in ${t(p)}`,
  minPause: (p: ReasonParams) => `surplus enough, but keeping the minimum pause: start in ${t(p)}`,
  started: (p: ReasonParams) => `started: surplus ${w(p, 'surplusW')} reached ${w(p, 'neededW')} long enough`,
  batteryStart: (p: ReasonParams) => `started from the home battery above its buffer-start charge: surplus ${w(p, 'surplusW')}`,
  batteryBuffer: (p: ReasonParams) => `charging ${p.amps} A, the home battery above its buffer charge helps: surplus ${w(p, 'surplusW')}`,
  surplus: (p: ReasonParams) => `charging ${p.amps} A on ${p.phases} phase${p.phases === 1 ? '' : 's'} from surplus ${w(p, 'surplusW')}`,
  maxCurrent: (p: ReasonParams) => `charging at the maximum ${p.amps} A, surplus ${w(p, 'surplusW')}`,
  stopDelay: (p: ReasonParams) => `surplus ${w(p, 'surplusW')} below ${w(p, 'neededW')}: minimum current, stop in ${t(p)}`,
  bridging: (p: ReasonParams) => `surplus ${w(p, 'surplusW')} below ${w(p, 'neededW')} for ${t(p)}: riding the dip out at the minimum current, as today's dips have been short`,
  minChargeTime: (p: ReasonParams) => `surplus ${w(p, 'surplusW')} below ${w(p, 'neededW')}: minimum current for the minimum charge time, ${t(p)} left`,
  stopped: (p: ReasonParams) => `paused: surplus ${w(p, 'surplusW')} stayed below ${w(p, 'neededW')}`,
  minimum: (p: ReasonParams) => `min+PV: minimum ${p.amps} A, surplus ${w(p, 'surplusW')} is less`,
  fast: (p: ReasonParams) => `fast: maximum ${p.amps} A`,
  stale: (p: ReasonParams) => `no grid reading for ${t(p)}: ${STALE_TEXT[p.staleAction ?? 'hold']}`,
  phaseUp: (p: ReasonParams) => `surplus ${w(p, 'surplusW')} carries 3 phases: switch in ${t(p)}`,
  phaseDown: (p: ReasonParams) => `surplus ${w(p, 'surplusW')} too low for 3 phases: switch to 1 in ${t(p)}`,
  goalMinimum: (p: ReasonParams) => `minimum energy: ${kwh(p.energyKwh)} of ${kwh(p.goalKwh)} in, charging ${p.amps} A, sun or not`,
  goalCheap: (p: ReasonParams) => `${goal(p)}, charging ${p.amps} A in a cheap slot the plan reserved`,
  goalLatest: (p: ReasonParams) => `${goal(p)}, charging ${p.amps} A: later would be too late`,
  goalLate: (p: ReasonParams) => `${goal(p)}, the deadline has passed: charging ${p.amps} A until it is in`,
  goalReached: (p: ReasonParams) => `goal reached: ${kwh(p.energyKwh)} of ${kwh(p.goalKwh)} in, paused for this session`,
  limitReached: (p: ReasonParams) => `session limit reached: ${kwh(p.energyKwh)} of ${kwh(p.goalKwh)}, paused`,
  siteLimit: (p: ReasonParams) => `the site's limit leaves this charger ${Math.floor(p.limitA ?? 0)} A, below its minimum: paused until the others leave room`,
  phaseSwitch: (p: ReasonParams) => `switching to ${p.phases} phase${p.phases === 1 ? '' : 's'}: resume in ${t(p)}`,
} as const;

export type ReasonCode = keyof typeof REASONS;

export function reasonText(code: ReasonCode, params: ReasonParams): string {
  return REASONS[code](params);
}

/** Seconds as m:ss (h:mm:ss from an hour), rounded up so "0:00" means now. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
