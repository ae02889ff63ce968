// The energy of one plug-in, summed across pauses, and a lifetime counter, from the charger's
// own ChargeEnergy, which restarts at every pause/resume (and at firmware whims) and so
// cannot be used as it is (trydan-facts §1). Pure: the state is plain data, so it can be
// persisted and a restart continues the sum.
//
// How it counts:
// - The counter is followed in segments. Growth of ChargeEnergy adds to the session and the
//   lifetime. A drop (to near zero, or by more than the rounding jitter) is a reset: the
//   segment's last value is kept in `carried` and a new segment starts from zero. ChargeTime
//   resets with it, so a ChargeTime that went back is a reset too, even when the new segment
//   already shows more energy than the old one did (a pause and resume while Node-RED was
//   stopped, or several polls missed).
// - The energy between the last poll and a reset is lost from the counter. It is estimated as
//   the trapezoid of ChargePower over the gap less what the new segment already shows,
//   bounded by 0 and the last power × the gap. With power before the reset only (a pause)
//   that is half the gap at the last power: the error is at most last power × gap / 2
//   (5 s polls at 7.4 kW: ±5 Wh; 90 s cloud polls: ±0.09 kWh). With power 0 at the last
//   poll (a resume) nothing was lost. Gaps longer than MAX_GAP_MS are not estimated.
// - Readings without ChargeEnergy (older firmware) integrate ChargePower with the trapezoid
//   rule over gaps up to MAX_GAP_MS (source 'integrated').
// - A car unplugged (ChargeState 0) ends the session: it reads 0 until the next plug-in, and
//   the counter's stale value is not counted again.
// - Absurd values are refused: a counter that is negative, not finite or above
//   MAX_COUNTER_KWH, or that grew faster than MAX_POWER_W allows over the elapsed time. A jump
//   that stays (the next reading grows from it) starts a new segment there, uncounted.
// - A clock that went back gives a gap of 0: nothing is integrated or estimated across it.
// - What cannot be known: a reset while no reading came (Node-RED stopped, the charger
//   offline) whose new segment already ran longer and delivered more than the old one looks
//   like plain growth; the old segment's last value is then missed, and the sum is low by it.

import { z } from 'zod';
import type { Reading } from './telemetry';

export const ENERGY_LIMITS = {
  /** No Trydan delivers more (32 A × 3 phases × 250 V is 24 kW). */
  MAX_POWER_W: 50_000,
  /** A session counter above this is a garbled reading. */
  MAX_COUNTER_KWH: 1_000,
  /** Longer gaps (an offline charger, a stopped Node-RED) are neither integrated nor estimated. */
  MAX_GAP_MS: 15 * 60_000,
  /** A smaller drop is rounding noise, not a reset (the LAN counter has 0.01 kWh steps). */
  JITTER_KWH: 0.05,
  /** Growth allowed beyond what MAX_POWER_W explains (rounding, a clock that went back). */
  SLACK_KWH: 0.1,
} as const;

export type EnergySource = 'charger' | 'integrated';

const kwh = z.number().finite().min(0);
const stateSchema = z.object({
  /** When the last reading counted was taken (epoch ms). */
  at: z.number().finite(),
  plugged: z.boolean(),
  /** kWh of this plug-in from finished segments and estimated gaps. */
  carried: kwh,
  /** The counter value that belongs to no session of ours (stale, or before a new segment). */
  base: kwh,
  /** The counter's last accepted value; absent while integrating. */
  last: kwh.optional(),
  /** ChargeTime (s) at the last counter reading: it resets with the counter. */
  time: z.number().finite().min(0).optional(),
  /** A jump refused once: if the next reading grows from it, a new segment starts there. */
  suspect: kwh.optional(),
  /** ChargePower at the last reading (W). */
  power: z.number().finite().min(0),
  lifetime: kwh,
  source: z.enum(['charger', 'integrated']),
});

export type EnergyState = z.infer<typeof stateSchema>;

export interface EnergyFigures {
  /** kWh of this plug-in, 3 decimals; 0 while unplugged. */
  sessionEnergy: number;
  /** kWh counted since counting began, 3 decimals. */
  lifetimeEnergy: number;
  sessionEnergySource: EnergySource;
}

/** A stored state if it is whole and sane, else undefined. */
export function parseEnergyState(value: unknown): EnergyState | undefined {
  const parsed = stateSchema.safeParse(value);
  if (!parsed.success) return undefined;
  const s = parsed.data;
  if (s.last !== undefined && s.base > s.last) return undefined;
  return s;
}

const kWhOf = (watts: number, ms: number): number => (watts * ms) / 3_600_000_000;
const round3 = (x: number): number => Math.round(x * 1000) / 1000;

export function figuresOf(s: EnergyState): EnergyFigures {
  const session = s.plugged ? s.carried + (s.last === undefined ? 0 : s.last - s.base) : 0;
  return { sessionEnergy: round3(Math.max(0, session)), lifetimeEnergy: round3(s.lifetime), sessionEnergySource: s.source };
}

function validPower(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= ENERGY_LIMITS.MAX_POWER_W ? value : undefined;
}

function validTime(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1e9 ? value : undefined;
}

function validCounter(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= ENERGY_LIMITS.MAX_COUNTER_KWH ? value : undefined;
}

/** The state after one reading taken at `now` (epoch ms). `prev` undefined: the first reading ever. */
export function takeReading(prev: EnergyState | undefined, reading: Reading, now: number): EnergyState {
  const counter = validCounter(reading.ChargeEnergy);
  const hasCounter = reading.ChargeEnergy !== undefined;
  const power = validPower(reading.ChargePower);
  const plugged = typeof reading.ChargeState === 'number' ? reading.ChargeState !== 0 : (prev?.plugged ?? false);
  const source: EnergySource = hasCounter ? 'charger' : 'integrated';

  if (!prev || !Number.isFinite(prev.at)) {
    // What the counter shows now is this plug-in's since its last reset: counted, once.
    const shown = plugged ? (counter ?? 0) : 0;
    const time = counter === undefined ? undefined : validTime(reading.ChargeTime);
    return {
      at: now,
      plugged,
      carried: 0,
      base: plugged ? 0 : (counter ?? 0),
      ...(counter === undefined ? {} : { last: counter }),
      ...(time === undefined ? {} : { time }),
      power: power ?? 0,
      lifetime: shown,
      source,
    };
  }
  if (!Number.isFinite(now)) return prev;

  const gap = Math.max(0, now - prev.at);
  const span = gap <= ENERGY_LIMITS.MAX_GAP_MS ? gap : 0;
  const s: EnergyState = { ...prev, at: now, plugged, power: power ?? 0, source };
  if (!prev.plugged && plugged) {
    // A new session: the counter's value now is the last session's until it resets or grows.
    s.carried = 0;
    s.base = s.last ?? 0;
  }

  let added = 0;
  if (counter !== undefined) {
    const time = validTime(reading.ChargeTime);
    const timeWentBack = time !== undefined && prev.time !== undefined && time < prev.time - 1;
    added = followCounter(s, prev, counter, gap, span, power ?? 0, timeWentBack);
    if (added < 0) return { ...prev, suspect: counter };
    if (time === undefined) delete s.time;
    else s.time = time;
  } else if (!hasCounter) {
    // Older firmware: integrate the power. A counter followed until now closes its segment.
    if (s.last !== undefined) {
      s.carried += s.last - s.base;
      s.base = 0;
      delete s.last;
      delete s.time;
    }
    added = kWhOf((prev.power + (power ?? 0)) / 2, span);
    s.carried += added;
  } else {
    // A counter that is there but absurd: this reading is not taken in at all.
    return prev;
  }

  if (!prev.plugged && !plugged) added = 0;
  s.lifetime = prev.lifetime + added;
  if (!plugged) {
    // No car: no session; whatever the counter still shows is not ours to count again.
    s.carried = 0;
    s.base = s.last ?? 0;
  }
  return s;
}

/** Follows the counter in `s`; returns the kWh added, or -1 when the reading is refused. */
function followCounter(s: EnergyState, prev: EnergyState, counter: number, gap: number, span: number, power: number, timeWentBack: boolean): number {
  const { JITTER_KWH, MAX_POWER_W, SLACK_KWH } = ENERGY_LIMITS;
  const possible = kWhOf(MAX_POWER_W, gap) + SLACK_KWH;
  if (s.last === undefined) {
    // The counter (re)appears: integrated energy so far is in `carried`, this gap is
    // integrated too, and the counter is followed from the value it shows now.
    const added = kWhOf((prev.power + power) / 2, span);
    s.carried += added;
    s.base = counter;
    s.last = counter;
    delete s.suspect;
    return added;
  }
  const grew = counter >= s.last && !timeWentBack;
  if (grew && counter - s.last <= possible) {
    const added = counter - s.last;
    s.last = counter;
    delete s.suspect;
    return added;
  }
  const reset = !grew && (timeWentBack || counter < s.last - JITTER_KWH || counter <= JITTER_KWH);
  if (reset && counter <= possible) {
    // What came between the last poll and the reset is lost from the counter: estimate it.
    const inGap = kWhOf((prev.power + power) / 2, span);
    const missed = Math.min(Math.max(0, inGap - counter), kWhOf(prev.power, span));
    s.carried += s.last - s.base + missed;
    s.base = 0;
    s.last = counter;
    delete s.suspect;
    return missed + counter;
  }
  if (!grew && !reset) {
    // Rounding noise: keep the higher value and count from it.
    delete s.suspect;
    return 0;
  }
  // More than the power explains, up or down. A jump that stayed (this reading grows from the
  // one refused before) is where the counter really is now: count from it on, never the jump.
  if (prev.suspect !== undefined && counter >= prev.suspect && counter - prev.suspect <= possible) {
    s.carried += s.last - s.base;
    s.base = prev.suspect;
    s.last = counter;
    delete s.suspect;
    return counter - prev.suspect;
  }
  return -1;
}
