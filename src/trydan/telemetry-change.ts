// "Only when a value changed" for telemetry: which fields a user watches, and how far a
// measured value must move before it counts. Measured values (powers, currents, voltages,
// energy, the session clock) move on every poll; without a deadband a change-only output
// would fire on every poll and flood the debug sidebar.

import { InvalidInput } from './errors';
import { type Reading, changedKeys, same } from './telemetry';

/** Measured fields and how far each must move, per unit; power's band is the user's setting. */
export const MEASURED_FIELDS = {
  power: { unit: 'W', fields: ['ChargePower', 'HousePower', 'FVPower', 'BatteryPower', 'GridPower'] },
  current: { unit: 'A', band: 0.5, fields: ['IntensityMeasure_L1', 'IntensityMeasure_L2', 'IntensityMeasure_L3'] },
  voltage: { unit: 'V', band: 5, fields: ['VoltageMeasure_L1', 'VoltageMeasure_L2', 'VoltageMeasure_L3'] },
  energy: { unit: 'kWh', band: 0.1, fields: ['ChargeEnergy', 'sessionEnergy', 'lifetimeEnergy'] },
  time: { unit: 's', band: 60, fields: ['ChargeTime'] },
} as const;

/** The power deadband a new node starts with, and the largest one accepted (W). */
export const POWER_DEADBAND = { default: 100, max: 100_000 } as const;

export interface ChangeRule {
  /** Only these keys count (empty: every key but the ignored ones). */
  watch: ReadonlySet<string>;
  ignore: ReadonlySet<string>;
  /** Power deadband in W; 0 means every change counts, for every measured field. */
  deadbandW: number;
}

/** A key a user may name: a telemetry field's shape (served to the dialog as its source). */
export const TELEMETRY_KEY = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const KEY = TELEMETRY_KEY;
export const OUTPUTS = ['every', 'change'] as const;
export const WATCH_CHOICES = ['all', 'keys'] as const;

function keyList(what: string, text: unknown, problems: string[]): Set<string> {
  const keys = String(text ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const key of keys) if (!KEY.test(key)) problems.push(`${what}: ${JSON.stringify(key.slice(0, 40))} is not a telemetry key`);
  return new Set(keys);
}

/** Reads the node's settings; a bad one is refused with every problem named. */
export function changeRule(config: { watch?: unknown; keys?: unknown; ignore?: unknown; deadband?: unknown }): ChangeRule {
  const problems: string[] = [];
  const watchMode = config.watch ?? 'all';
  if (!(WATCH_CHOICES as readonly unknown[]).includes(watchMode)) problems.push(`watch: ${JSON.stringify(String(watchMode).slice(0, 40))} is not "all" or "keys"`);
  const watch = watchMode === 'keys' ? keyList('keys', config.keys, problems) : new Set<string>();
  if (watchMode === 'keys' && watch.size === 0 && problems.length === 0) problems.push('keys: name at least one key to watch');
  const ignore = keyList('ignore', config.ignore, problems);
  const deadbandW = config.deadband === '' || config.deadband === undefined ? POWER_DEADBAND.default : Number(config.deadband);
  if (!Number.isFinite(deadbandW) || deadbandW < 0 || deadbandW > POWER_DEADBAND.max) {
    problems.push(`deadband: ${JSON.stringify(String(config.deadband).slice(0, 40))} is not a number of watts from 0 to ${POWER_DEADBAND.max}`);
  }
  if (problems.length) throw new InvalidInput(problems);
  return { watch, ignore, deadbandW };
}

const BAND_OF: ReadonlyMap<string, 'power' | number> = new Map(
  Object.values(MEASURED_FIELDS).flatMap((q) => q.fields.map((f) => [f, 'band' in q ? q.band : 'power'] as [string, 'power' | number])),
);

function moved(key: string, before: unknown, after: unknown, deadbandW: number): boolean {
  const band = BAND_OF.get(key);
  if (deadbandW > 0 && band !== undefined && typeof before === 'number' && typeof after === 'number') {
    return Math.abs(after - before) >= (band === 'power' ? deadbandW : band);
  }
  return !same(before, after);
}


/**
 * The watched keys that moved since the reading last sent (not the last poll, so a slow
 * drift adds up until it counts). Without a reading sent before, every watched key.
 */
export function changesWorthSending(rule: ChangeRule, sent: Reading | undefined, now: Reading): string[] {
  const keys = sent ? new Set([...Object.keys(sent), ...Object.keys(now)]) : new Set(Object.keys(now));
  return [...keys].filter((key) => {
    if (rule.watch.size > 0 ? !rule.watch.has(key) : rule.ignore.has(key)) return false;
    return !sent || moved(key, sent[key], now[key], rule.deadbandW);
  });
}

/**
 * What a telemetry node sends of each reading, with the change detection it asks for done
 * once per reading and no more. With a rule ("only when a value changed"): the watched keys
 * that moved, or undefined for a reading not worth sending (unless `asked` for). Without one
 * (every poll): the keys that differ, worked out only if someone reads them.
 */
export function changeTracker(rule: ChangeRule | undefined): (reading: Reading, asked?: boolean) => (() => string[]) | undefined {
  let sent: Reading | undefined;
  return (reading, asked = false) => {
    const before = sent;
    if (rule) {
      const changed = changesWorthSending(rule, before, reading);
      if (!asked && before && changed.length === 0) return undefined;
      sent = reading;
      return () => changed;
    }
    sent = reading;
    let keys: string[] | undefined;
    return () => (keys ??= changedKeys(before, reading));
  };
}
