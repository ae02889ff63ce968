// What the node shows of a decision: the report on output 2 (numbers rounded for people, the
// command and whether it went out) and the few words of the node status, as catalogue keys.

import type { Decision, Timers } from './controller';
import type { GoalView } from './goal';
import { clock } from './reasons';
import type { SiteView } from './site-share';

/** The goals for people: times as ISO text, energy in kWh to the 10 Wh. */
export interface GoalReport extends Omit<GoalView, 'deadline' | 'expectedFinish' | 'slots'> {
  deadline: string | null;
  expectedFinish: string | null;
  slots: { start: string; end: string; price: number | null }[];
}

export interface Report extends Omit<Decision, 'timers' | 'surplus' | 'goal'> {
  surplus: Decision['surplus'];
  timers: Timers;
  goal: GoalReport;
  /** The command went to output 1 (false in a dry run or when there was none). */
  sent: boolean;
  dryRun: boolean;
}

const watts = (w: number | null) => (w === null ? null : Math.round(w));
const seconds = (s: number | null) => (s === null ? null : Math.ceil(s));
const kwh = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function goalOf(g: GoalView): GoalReport {
  return {
    ...g,
    energyKwh: kwh(g.energyKwh),
    leftKwh: kwh(g.leftKwh),
    deadline: iso(g.deadline),
    expectedFinish: iso(g.expectedFinish),
    powerW: watts(g.powerW),
    slots: g.slots.map((p) => ({ start: iso(p.start)!, end: iso(p.end)!, price: p.price })),
  };
}

export function reportOf(d: Decision, dryRun: boolean): Report {
  const timers = Object.fromEntries(Object.entries(d.timers).map(([k, v]) => [k, seconds(v)])) as unknown as Timers;
  return {
    ...d,
    surplus: {
      ...d.surplus,
      rawW: watts(d.surplus.rawW),
      smoothedW: watts(d.surplus.smoothedW),
      gridW: watts(d.surplus.gridW),
      pvW: watts(d.surplus.pvW),
      batteryW: watts(d.surplus.batteryW),
      carW: watts(d.surplus.carW),
      carPendingSeconds: seconds(d.surplus.carPendingSeconds),
    },
    timers,
    spells: {
      offeredWh: watts(d.spells.offeredWh),
      startWh: Math.round(d.spells.startWh),
      dipSeconds: seconds(d.spells.dipSeconds),
      recentDips: d.spells.recentDips.map(Math.round),
      restartWh: Math.round(d.spells.restartWh),
    },
    dataAge: Math.round(d.dataAge * 10) / 10,
    goal: goalOf(d.goal),
    sent: d.command !== null && !dryRun,
    dryRun,
  };
}

export interface StatusKey {
  fill: 'green' | 'yellow' | 'grey' | 'blue' | 'red';
  shape: 'dot' | 'ring';
  /** Key under v2c-surplus.status in the message catalogue. */
  key: string;
  params: Record<string, string | number>;
}

/** "PV 9 A", "start in 0:45", "stale meter": the state in a few words. */
export function statusOf(d: Decision, dryRun: boolean): StatusKey {
  const shape = dryRun ? 'ring' : 'dot';
  const time = (s: number | null) => clock(s ?? 0);
  switch (d.state) {
    case 'charging':
      if (d.reason.startsWith('goal')) return { fill: 'green', shape, key: 'goal', params: { amps: d.setpoint, phases: d.phases === 3 ? ' ×3' : '' } };
      return { fill: 'green', shape, key: d.mode === 'pv' ? 'pv' : d.mode, params: { amps: d.setpoint, phases: d.phases === 3 ? ' ×3' : '' } };
    case 'starting':
      return { fill: 'yellow', shape, key: 'startIn', params: { time: time(d.timers.startIn) } };
    case 'stopping':
      if (d.reason === 'bridging') return { fill: 'yellow', shape, key: 'bridging', params: { amps: d.setpoint } };
      return { fill: 'yellow', shape, key: 'stopIn', params: { time: time(d.timers.stopIn), amps: d.setpoint } };
    case 'phaseSwitch':
      return { fill: 'yellow', shape, key: 'phaseSwitch', params: { phases: d.phases, time: time(d.timers.settleLeft) } };
    case 'stale':
      return { fill: 'red', shape, key: 'stale', params: {} };
    case 'waitingForMeter':
      return { fill: 'grey', shape: 'ring', key: d.reason === 'waitingForCharger' ? 'waitingForCharger' : 'waitingForMeter', params: {} };
    case 'waiting':
      return { fill: 'blue', shape: 'ring', key: d.reason === 'siteLimit' ? 'siteLimit' : 'waiting', params: {} };
    case 'noCar':
      return { fill: 'grey', shape: 'ring', key: 'noCar', params: {} };
    case 'locked':
      return { fill: 'red', shape: 'ring', key: 'locked', params: {} };
    case 'off':
      return { fill: 'grey', shape: 'ring', key: 'off', params: {} };
    case 'done':
      return { fill: 'green', shape: 'ring', key: d.reason, params: { kwh: Math.round((d.goal.energyKwh ?? 0) * 10) / 10 } };
  }
}

/** The site in a report: watts and amps rounded for people; null for a charger alone. */
export function siteReportOf(v: SiteView | undefined): SiteView | null {
  if (!v) return null;
  const amps = (a: number) => Math.round(a * 10) / 10;
  return { ...v, shareW: Math.round(v.shareW), surplusW: watts(v.surplusW), totalA: amps(v.totalA), totalW: Math.round(v.totalW) };
}

/** The site in a few words, for the status: this charger's share, the site's total against its limit. */
export function siteStatusOf(v: SiteView): { share: string; total: string } {
  const kw = (w: number) => (Math.round(w / 100) / 10).toString();
  const share = kw(Math.max(0, v.shareW));
  if (v.limitA !== null) return { share, total: `${Math.round(v.totalA)}/${v.limitA} A` };
  if (v.limitW !== null) return { share, total: `${kw(v.totalW)}/${kw(v.limitW)} kW` };
  return { share, total: `${kw(v.totalW)} kW` };
}
