// Whole amps from a current that surplus could carry. The three policies are one rule: round
// up once PV covers at least `ratio` of the next amp. No import = never (always down, as
// evcc does; wastes ~0.5 A of PV on average), nearest = half, PV ratio = the user's share.

import type { Rounding } from './settings';

const EPSILON = 1e-9;

/** The share of the next amp PV must cover before rounding up, 0..1 (above 1: never). */
export function roundUpShare(policy: Rounding, pvRatioPercent: number): number {
  if (policy === 'noImport') return Infinity;
  if (policy === 'nearest') return 0.5;
  return pvRatioPercent / 100;
}

/** Whole amps for `amps` under the policy. */
export function roundAmps(amps: number, policy: Rounding, pvRatioPercent: number): number {
  const whole = Math.floor(amps + EPSILON);
  const fraction = amps - whole;
  return fraction > EPSILON && fraction + EPSILON >= roundUpShare(policy, pvRatioPercent) ? whole + 1 : whole;
}
