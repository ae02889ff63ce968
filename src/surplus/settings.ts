// The controller's settings: one table with each setting's default, range and meaning. It
// drives validation here, the node's defaults (a test holds the editor to it) and the help.
// Defaults follow evcc where evcc has the setting (6-16 A, 1 min start, 3 min stop delays,
// rounding down, 5 min between a stop and a start); the rest are ours and are what the
// replayed days in bench/ were run with.

import { InvalidInput } from '../trydan/errors';
import { own } from '../trydan/own';
import { shown } from '../trydan/show';
import { SHARINGS, type Sharing } from './site';

export const MODES = ['pv', 'minpv', 'fast', 'off'] as const;
export type Mode = (typeof MODES)[number];

export const ROUNDINGS = ['noImport', 'nearest', 'pvRatio'] as const;
export type Rounding = (typeof ROUNDINGS)[number];

export const STALE_ACTIONS = ['hold', 'minimum', 'pause'] as const;
export type StaleAction = (typeof STALE_ACTIONS)[number];

interface NumberSetting {
  readonly kind: 'number';
  readonly default: number;
  readonly min: number;
  readonly max: number;
  readonly unit?: string;
  readonly description: string;
}
/** A number that may be left empty: then the controller works it out (e.g. the minimum current's power). */
interface AutoNumberSetting extends Omit<NumberSetting, 'kind' | 'default'> {
  readonly kind: 'auto';
  /** null: worked out by default; a number: that, unless left empty. */
  readonly default: number | null;
}
interface ChoiceSetting {
  readonly kind: 'choice';
  readonly default: string | number;
  readonly choices: readonly (string | number)[];
  readonly description: string;
}
/** A local time of day "HH:MM", or empty (null). */
interface TimeSetting {
  readonly kind: 'time';
  readonly default: null;
  readonly description: string;
}
interface SwitchSetting {
  readonly kind: 'switch';
  readonly default: boolean;
  readonly description: string;
}
/** A short name, or empty. */
interface TextSetting {
  readonly kind: 'text';
  readonly default: string;
  readonly maxLength: number;
  readonly description: string;
}
export type SettingSpec = NumberSetting | AutoNumberSetting | ChoiceSetting | SwitchSetting | TimeSetting | TextSetting;

/** "HH:MM", 00:00 to 23:59. */
export const TIME_OF_DAY = /^([01]?\d|2[0-3]):([0-5]\d)$/;

export const SETTINGS = {
  mode: { kind: 'choice', default: 'pv', choices: MODES, description: 'pv: surplus only; minpv: never pause, minimum current plus surplus; fast: maximum current; off: paused' },
  minCurrent: { kind: 'number', default: 6, min: 6, max: 32, unit: 'A', description: 'lowest charging current (raised to the charger\'s MinIntensity)' },
  maxCurrent: { kind: 'number', default: 16, min: 6, max: 32, unit: 'A', description: 'highest charging current (lowered to the charger\'s MaxIntensity)' },
  phases: { kind: 'choice', default: 1, choices: [1, 3], description: 'phases the car charges on (without phase switching)' },
  voltage: { kind: 'number', default: 230, min: 100, max: 450, unit: 'V', description: 'voltage per phase' },
  phaseSwitching: { kind: 'switch', default: false, description: 'switch between 1 and 3 phases with ChargeMode, by surplus' },
  phaseSettle: { kind: 'number', default: 30, min: 0, max: 600, unit: 's', description: 'pause around a phase switch' },
  startSurplus: { kind: 'auto', default: null, min: 0, max: 50000, unit: 'W', description: 'surplus needed to start; empty: the minimum current\'s power' },
  startDelay: { kind: 'number', default: 20, min: 0, max: 3600, unit: 's', description: 'how long the surplus must last before starting' },
  startEnergy: { kind: 'auto', default: 0, min: 0, max: 100000, unit: 'Wh', description: 'surplus energy a sunny spell must offer before the car starts (besides the start delay), so a gap in the clouds does not cost a restart; the more sun, the sooner; empty: 15 minutes at the minimum current; 0: the start delay alone' },
  stopSurplus: { kind: 'auto', default: null, min: -50000, max: 50000, unit: 'W', description: 'below this surplus the stop timer runs; empty: the minimum current\'s power' },
  stopDelay: { kind: 'number', default: 120, min: 0, max: 3600, unit: 's', description: 'how long the surplus must stay low before pausing' },
  bridgeEnergy: { kind: 'auto', default: null, min: 0, max: 100000, unit: 'Wh', description: 'grid energy a pause and restart is worth: a dip likely to cost less (judged by the dips of the last two hours) is ridden out at the minimum current, a costlier one pauses at once; the stop delay decides until three dips are known; empty: 6 minutes at the minimum current; 0: the stop delay alone' },
  minChargeTime: { kind: 'number', default: 0, min: 0, max: 7200, unit: 's', description: 'shortest charge once started' },
  minPause: { kind: 'number', default: 0, min: 0, max: 7200, unit: 's', description: 'shortest pause once paused (protects cars that dislike frequent restarts)' },
  rounding: { kind: 'choice', default: 'noImport', choices: ROUNDINGS, description: 'current from surplus: round down (no import), to the nearest amp, or up when the PV ratio of the next amp is covered' },
  pvRatio: { kind: 'number', default: 70, min: 0, max: 100, unit: '%', description: 'share of the next amp that PV must cover to round up (rounding "pvRatio")' },
  riseTime: { kind: 'number', default: 10, min: 0, max: 3600, unit: 's', description: 'smoothing time constant while the surplus rises' },
  fallTime: { kind: 'number', default: 2, min: 0, max: 3600, unit: 's', description: 'smoothing time constant while the surplus falls' },
  gridAllowance: { kind: 'number', default: 0, min: -10000, max: 10000, unit: 'W', description: 'grid import tolerated (negative: export kept back)' },
  batteryPrioritySoc: { kind: 'number', default: 0, min: 0, max: 100, unit: '%', description: 'below this home-battery charge its charging power is not surplus; 0: the car comes first' },
  bufferSoc: { kind: 'number', default: 100, min: 0, max: 100, unit: '%', description: 'above this home-battery charge the battery may feed a running car (its discharge is not held against the surplus); 100: never' },
  bufferStartSoc: { kind: 'number', default: 100, min: 0, max: 100, unit: '%', description: 'above this home-battery charge a charge may start from the battery when the sun alone is short (at least the buffer charge); 100: never' },
  batteryMargin: { kind: 'number', default: 100, min: 0, max: 5000, unit: 'W', description: 'surplus left to a charging battery with priority' },
  staleTimeout: { kind: 'number', default: 60, min: 5, max: 3600, unit: 's', description: 'no grid reading for this long: the meter is stale' },
  staleAction: { kind: 'choice', default: 'hold', choices: STALE_ACTIONS, description: 'with a stale meter: hold (stay on or paused, at most the minimum current), minimum (charge at the minimum), pause' },
  minWriteInterval: { kind: 'number', default: 5, min: 0, max: 3600, unit: 's', description: 'shortest time between current changes (pauses, starts and safety act at once)' },
  // Goals (goal.ts): energy by a time, a session limit, a minimum always charged.
  targetEnergy: { kind: 'auto', default: null, min: 0.1, max: 200, unit: 'kWh', description: 'energy the session must have received by targetTime: the sun first, what it cannot deliver in time at full power in the cheapest hours (or as late as still safe); the car pauses once it is in; empty: no goal' },
  targetTime: { kind: 'time', default: null, description: 'when targetEnergy must be in, HH:MM local time (the next time it comes once the goal is set or the car is plugged in)' },
  goalMargin: { kind: 'number', default: 10, min: 0, max: 100, unit: '%', description: 'full-power time the plan reserves beyond what the energy left takes (cars that draw less near full, a cloudy plan)' },
  sessionLimit: { kind: 'auto', default: null, min: 0.1, max: 200, unit: 'kWh', description: 'the car pauses once the session has received this much, in every mode; empty: no limit' },
  minimumEnergy: { kind: 'number', default: 0, min: 0, max: 200, unit: 'kWh', description: 'the first kWh of every session, charged at once at full power, sun or not; 0: none' },
  // Several chargers on one site (site.ts): the same site name shares one meter's surplus and one fuse.
  site: { kind: 'text', default: '', maxLength: 64, description: 'surplus nodes with the same site name share the surplus of one grid meter and the site\'s limit; empty: this charger alone' },
  sitePriority: { kind: 'number', default: 0, min: 0, max: 100, description: 'on a site: higher first, for the surplus (sharing by priority) and when the limit cannot carry every car' },
  siteSharing: { kind: 'choice', default: 'priority', choices: SHARINGS, description: 'on a site: the surplus by priority (the highest first), or evenly among as many cars as it carries at their minimum' },
  siteCurrent: { kind: 'auto', default: null, min: 6, max: 1000, unit: 'A', description: 'on a site: current per phase at the main fuse that the cars and the house\'s grid import must stay under together (every car counted on one phase); empty: none' },
  sitePower: { kind: 'auto', default: null, min: 1000, max: 1000000, unit: 'W', description: 'on a site: power at the main fuse that the cars and the house\'s grid import must stay under together; empty: none' },
  sitePhases: { kind: 'choice', default: 3, choices: [3, 1], description: 'on a site: phases of the supply; the house\'s grid import is spread over them' },
} as const satisfies Record<string, SettingSpec>;

export type SettingName = keyof typeof SETTINGS;

export interface SurplusSettings {
  mode: Mode;
  minCurrent: number;
  maxCurrent: number;
  phases: 1 | 3;
  voltage: number;
  phaseSwitching: boolean;
  phaseSettle: number;
  startSurplus: number | null;
  startDelay: number;
  startEnergy: number | null;
  stopSurplus: number | null;
  stopDelay: number;
  bridgeEnergy: number | null;
  minChargeTime: number;
  minPause: number;
  rounding: Rounding;
  pvRatio: number;
  riseTime: number;
  fallTime: number;
  gridAllowance: number;
  batteryPrioritySoc: number;
  bufferSoc: number;
  bufferStartSoc: number;
  batteryMargin: number;
  staleTimeout: number;
  staleAction: StaleAction;
  minWriteInterval: number;
  targetEnergy: number | null;
  targetTime: string | null;
  goalMargin: number;
  sessionLimit: number | null;
  minimumEnergy: number;
  site: string;
  sitePriority: number;
  siteSharing: Sharing;
  siteCurrent: number | null;
  sitePower: number | null;
  sitePhases: 1 | 3;
}

export const DEFAULT_SETTINGS: Readonly<SurplusSettings> = Object.fromEntries(
  Object.entries(SETTINGS).map(([name, spec]) => [name, spec.default]),
) as unknown as SurplusSettings;

/** A number from a node's config or a message: numbers, or text holding one. */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value.trim());
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

function check(name: string, spec: SettingSpec, raw: unknown, problems: string[]): unknown {
  if (raw === undefined || raw === null || raw === '') {
    return spec.default;
  }
  switch (spec.kind) {
    case 'text': {
      const text = typeof raw === 'string' || typeof raw === 'number' ? String(raw).trim() : undefined;
      if (text === undefined || text.length > spec.maxLength) {
        problems.push(`${name}: ${shown(raw)} is not a name of at most ${spec.maxLength} characters`);
        return spec.default;
      }
      return text;
    }
    case 'time': {
      const text = typeof raw === 'string' ? raw.trim() : '';
      const m = TIME_OF_DAY.exec(text);
      if (!m) {
        problems.push(`${name}: ${shown(raw)} is not a time of day HH:MM`);
        return spec.default;
      }
      return `${m[1]!.padStart(2, '0')}:${m[2]}`;
    }
    case 'switch':
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === 1) return true;
      if (raw === 'false' || raw === 0) return false;
      problems.push(`${name}: ${shown(raw)} is not true or false`);
      return spec.default;
    case 'choice': {
      const text = typeof raw === 'string' || typeof raw === 'number' ? String(raw).trim().toLowerCase() : undefined;
      const found = spec.choices.find((c) => String(c).toLowerCase() === text);
      if (found === undefined) problems.push(`${name}: ${shown(raw)} is not one of ${spec.choices.join(', ')}`);
      return found ?? spec.default;
    }
    case 'number':
    case 'auto': {
      const n = toNumber(raw);
      if (n === undefined) {
        problems.push(`${name}: ${shown(raw)} is not a number`);
        return spec.default;
      }
      if (n < spec.min || n > spec.max) {
        problems.push(`${name}: ${n} is out of range; expected ${spec.min}..${spec.max}${spec.unit ? ' ' + spec.unit : ''}`);
        return spec.default;
      }
      return n;
    }
  }
}

/**
 * Settings from a node's config or a message (`msg.settings`), over `base`: names as in
 * SETTINGS, numbers as numbers or text, empty = default. Throws InvalidInput naming every
 * problem, so a half-valid change is never applied.
 */
export function settingsFrom(input: Record<string, unknown>, base: Readonly<SurplusSettings> = DEFAULT_SETTINGS, options: { ignoreUnknown?: boolean } = {}): SurplusSettings {
  const problems: string[] = [];
  const out = { ...base } as Record<string, unknown>;
  for (const [name, raw] of Object.entries(input)) {
    const spec = own(SETTINGS as Record<string, SettingSpec>, name);
    if (!spec) {
      if (!options.ignoreUnknown) problems.push(`${shown(name)} is not a setting; settings: ${Object.keys(SETTINGS).join(', ')}`);
      continue;
    }
    // An empty "auto" number means "work it out"; an empty anything else means the default.
    out[name] = (spec.kind === 'auto' || spec.kind === 'time') && (raw === '' || raw === null) ? null : check(name, spec, raw, problems);
  }
  const s = out as unknown as SurplusSettings;
  if (problems.length === 0) problems.push(...conflicts(s));
  if (problems.length) throw new InvalidInput(problems);
  return s;
}

/**
 * Pairs of settings that are each in range but must keep an order: `high` never below `low`
 * (unless `high` holds its "never" value). One table for the runtime's check and the editor's
 * cross-field validation (served by the admin endpoint).
 */
export const ORDERED_SETTINGS: readonly { readonly high: NumberName; readonly low: NumberName; readonly unlessHigh?: number }[] = [
  { high: 'maxCurrent', low: 'minCurrent' },
  // Started from the battery but not allowed to run on it: the car would stop again at once.
  { high: 'bufferStartSoc', low: 'bufferSoc' },
  { high: 'bufferSoc', low: 'batteryPrioritySoc', unlessHigh: 100 },
];

type NumberName = { [K in SettingName]: (typeof SETTINGS)[K]['kind'] extends 'number' ? K : never }[SettingName];

/** Settings that are each in range but contradict one another. */
function conflicts(s: SurplusSettings): string[] {
  const out: string[] = [];
  for (const { high, low, unlessHigh } of ORDERED_SETTINGS) {
    const unit = (SETTINGS[high] as NumberSetting).unit ?? '';
    if (s[high] < s[low] && s[high] !== unlessHigh) out.push(`${high} ${s[high]} ${unit} is below ${low} ${s[low]} ${unit}`);
  }
  if ((s.targetEnergy === null) !== (s.targetTime === null)) out.push(s.targetEnergy === null ? `targetTime ${s.targetTime} needs a targetEnergy` : `targetEnergy ${s.targetEnergy} kWh needs a targetTime (HH:MM)`);
  if (s.sessionLimit !== null && s.targetEnergy !== null && s.targetEnergy > s.sessionLimit) out.push(`targetEnergy ${s.targetEnergy} kWh is above sessionLimit ${s.sessionLimit} kWh`);
  if (s.sessionLimit !== null && s.minimumEnergy > s.sessionLimit) out.push(`minimumEnergy ${s.minimumEnergy} kWh is above sessionLimit ${s.sessionLimit} kWh`);
  return out;
}

/** A mode from a message: one of MODES, any case. */
export function parseMode(raw: unknown): Mode {
  const text = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
  const mode = MODES.find((m) => m === text || (m === 'minpv' && (text === 'min+pv' || text === 'min_pv')));
  if (!mode) throw new InvalidInput([`${shown(raw)} is not a mode; expected ${MODES.join(', ')}`]);
  return mode;
}
