// When to poll next: pure arithmetic, kept apart so it reads like the rule it is.

import { InvalidInput } from '../trydan/errors';

export interface CadenceSettings {
  /** Seconds between polls while a car is connected. */
  pollInterval: number;
  /** Seconds between polls while no car is connected. */
  idleInterval: number;
  /** Longest wait, in seconds, while the charger is unreachable. */
  maxBackoff: number;
}

export const DEFAULT_CADENCE: CadenceSettings = { pollInterval: 5, idleInterval: 30, maxBackoff: 300 };

/** Milliseconds until the next poll after a good reading. */
export function nextPollDelay(s: CadenceSettings, carConnected: boolean): number {
  return (carConnected ? s.pollInterval : s.idleInterval) * 1000;
}

/** How far one poll may move toward its place in the interval: a tenth of the interval. */
const SPREAD_STEP = 0.1;

/**
 * The wait before the next poll, nudged toward the charger's own place in the interval:
 * `phase` (0..1) of the interval past each multiple of the interval on the clock. Chargers
 * deployed together would otherwise poll in the same instant, every interval, forever; with
 * phases spread over 0..1 (pollPhase), they spread out within a few polls. A poll moves by a
 * tenth of the interval at most, so no one poll comes much sooner or later than asked.
 */
export function spreadDelay(delayMs: number, now: number, phase: number): number {
  if (delayMs <= 0) return delayMs;
  let off = phase * delayMs - (((now % delayMs) + delayMs) % delayMs);
  if (off > delayMs / 2) off -= delayMs;
  else if (off < -delayMs / 2) off += delayMs;
  const step = delayMs * SPREAD_STEP;
  return delayMs + Math.max(-step, Math.min(step, off));
}

/**
 * Places in the interval a charger's polls may take. Chargers sharing one poll in the same
 * instant, so Node wakes once for all of them: measured with 1000 chargers at 5 s, 20 places
 * cost 3.2 % of a core where a place each costs 7.4 % and all at once 2.3 % (bench/README.md),
 * while 50 polls at a time keep the event loop's delay low.
 */
export const POLL_PLACES = 20;

/** A charger's place in the poll interval (0..1), the same for its address every time. */
export function pollPhase(address: string): number {
  // FNV-1a, then a final mix: addresses differing in their last digit must land far apart.
  let h = 0x811c9dc5;
  for (let i = 0; i < address.length; i++) h = Math.imul(h ^ address.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return Math.floor((((h ^ (h >>> 16)) >>> 0) / 2 ** 32) * POLL_PLACES) / POLL_PLACES;
}

/** Past the longest wait between two polls, so each poll finds the last one's connection open. */
const KEEP_ALIVE_MARGIN_MS = 5000;
/** Polls further apart than this are rare enough that a new connection each costs nothing. */
const KEEP_ALIVE_MAX_MS = 120_000;

/** Milliseconds the LAN client keeps an idle connection at this cadence. */
export function keepAliveMs(s: CadenceSettings): number {
  return Math.min(Math.max(s.pollInterval, s.idleInterval) * 1000 + KEEP_ALIVE_MARGIN_MS, KEEP_ALIVE_MAX_MS);
}

/** Milliseconds until the next try after `failures` failed polls in a row (1, 2, ...): doubles up to the cap. */
export function backoffDelay(s: CadenceSettings, failures: number): number {
  const seconds = s.pollInterval * 2 ** Math.min(failures, 20);
  return Math.min(seconds, s.maxBackoff) * 1000;
}

/**
 * The bounds of each setting: one table for the runtime's check and the editor's validator
 * (served by an admin endpoint). An hour at most keeps every timer far below setTimeout's
 * limit (2^31-1 ms, about 24.8 days), past which Node fires at once and polls in a loop.
 */
export const CADENCE_LIMITS = {
  pollInterval: { min: 1, max: 3600, unit: 's', label: 'poll interval' },
  idleInterval: { min: 1, max: 3600, unit: 's', label: 'idle poll interval' },
  maxBackoff: { min: 1, max: 3600, unit: 's', label: 'longest backoff' },
} as const satisfies Record<keyof CadenceSettings, { min: number; max: number; unit: 's'; label: string }>;

/** The longest delay setTimeout takes as it is. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Settings from a config node: empty means the default; anything else out of bounds is refused with every problem named. */
export function cadenceFrom(input: Partial<Record<keyof CadenceSettings, unknown>>): CadenceSettings {
  const problems: string[] = [];
  const out = { ...DEFAULT_CADENCE };
  for (const key of Object.keys(CADENCE_LIMITS) as Array<keyof CadenceSettings>) {
    const v = Object.hasOwn(input, key) ? input[key] : undefined;
    if (v === '' || v === undefined || v === null) continue;
    const { min, max, unit, label } = CADENCE_LIMITS[key];
    const n = typeof v === 'number' || typeof v === 'string' ? Number(v) : NaN;
    if (!Number.isFinite(n)) problems.push(`${label} ${JSON.stringify(String(v).slice(0, 20))} is not a number of seconds`);
    else if (n < min || n > max) problems.push(`${label} ${n} ${unit} is out of range; expected ${min}..${max} ${unit}`);
    else out[key] = n;
  }
  if (problems.length) throw new InvalidInput(problems);
  return out;
}

/** The bounds as the editor gets them. */
export function cadenceLimits(): Record<keyof CadenceSettings, { min: number; max: number; unit: string }> {
  const table = {} as Record<keyof CadenceSettings, { min: number; max: number; unit: string }>;
  for (const [key, { min, max, unit }] of Object.entries(CADENCE_LIMITS)) table[key as keyof CadenceSettings] = { min, max, unit };
  return table;
}

/** The cadence for a charger shared by several config nodes: the fastest each one asks for. */
export function fastestCadence(all: ReadonlyArray<CadenceSettings | undefined>): CadenceSettings {
  const given = all.filter((c): c is CadenceSettings => c !== undefined);
  if (given.length === 0) return DEFAULT_CADENCE;
  return {
    pollInterval: Math.min(...given.map((c) => c.pollInterval)),
    idleInterval: Math.min(...given.map((c) => c.idleInterval)),
    maxBackoff: Math.min(...given.map((c) => c.maxBackoff)),
  };
}
