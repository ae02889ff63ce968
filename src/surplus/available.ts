// How much power the car could draw without importing: the car's own power plus what goes
// to the grid, with the home battery's share decided by its priority (evcc's rule: below
// the priority state of charge a charging battery keeps its power, less a margin so its own
// controller still sees surplus; otherwise the car comes first and a discharging battery is
// never surplus, so the car does not drain it, unless it is above its buffer charge: then
// it may feed the car, as evcc's bufferSoc).

import type { SurplusSettings } from './settings';

export interface PowerSnapshot {
  /** Grid power, W, import positive. */
  gridW: number;
  /** The car's power, W. */
  carW: number;
  /** Home battery power, W, discharging positive. */
  batteryW?: number;
  /** Home battery state of charge, %. */
  soc?: number;
}

export interface Available {
  /** Power the car could draw, W. */
  availableW: number;
  /** The battery charges below its priority state of charge and keeps its power. */
  batteryPriority: boolean;
  /** The battery discharges above its buffer charge and may feed the car. */
  batteryFeeds: boolean;
}

export function availablePower(p: PowerSnapshot, s: Pick<SurplusSettings, 'gridAllowance' | 'batteryPrioritySoc' | 'batteryMargin' | 'bufferSoc'>): Available {
  let availableW = p.carW - p.gridW + s.gridAllowance;
  let batteryPriority = false;
  let batteryFeeds = false;
  if (p.batteryW !== undefined) {
    batteryPriority = p.batteryW < 0 && p.soc !== undefined && p.soc < s.batteryPrioritySoc;
    batteryFeeds = p.batteryW > 0 && p.soc !== undefined && s.bufferSoc < 100 && p.soc >= s.bufferSoc;
    availableW -= batteryPriority ? s.batteryMargin : batteryFeeds ? 0 : p.batteryW;
  }
  return { availableW, batteryPriority, batteryFeeds };
}
