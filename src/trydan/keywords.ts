// The one table of writable keywords (docs/charger-protocol.md, LAN). It drives validation of writes,
// the simulator's acceptance rules, the editor's choices (served by an admin endpoint)
// and the help text. Values on the wire are integers in the URL path: /write/Key=Value.

import { CHARGE_MODE, DYNAMIC_POWER_MODE } from './labels';
import { InvalidInput } from './errors';
import { shown } from './show';

export interface WritableKeyword {
  readonly name: string;
  /** switch: 0/1 (also true/false, "on"/"off"); range: integer min..max; enum: one of labels' keys. */
  readonly kind: 'switch' | 'range' | 'enum';
  readonly min: number;
  readonly max: number;
  readonly unit?: string;
  readonly labels?: Readonly<Record<number, string>>;
  readonly description: string;
}

const sw = (name: string, description: string): WritableKeyword => ({ name, kind: 'switch', min: 0, max: 1, description });

export const WRITABLE_KEYWORDS: readonly WritableKeyword[] = [
  { name: 'Intensity', kind: 'range', min: 6, max: 32, unit: 'A', description: 'charging current; applies while Dynamic=0 or PauseDynamic=1' },
  sw('Paused', 'pause (1) or resume (0) the session: the right way to stop and start charging'),
  sw('Locked', 'disable the charge point; releases a Tesla cable latch and starts a new session'),
  sw('Timer', 'enable the schedules set in the app'),
  sw('Dynamic', 'dynamic power control; 0 stops power readings, prefer PauseDynamic'),
  sw('PauseDynamic', '1 pauses dynamic modulation so Intensity applies'),
  { name: 'MinIntensity', kind: 'range', min: 6, max: 32, unit: 'A', description: 'lower limit of dynamic control' },
  { name: 'MaxIntensity', kind: 'range', min: 6, max: 32, unit: 'A', description: 'upper limit of dynamic control' },
  { name: 'DynamicPowerMode', kind: 'enum', min: 0, max: 5, labels: DYNAMIC_POWER_MODE, description: 'dynamic power mode' },
  // -1 means unavailable; negative values occur in mode 3. Upper bound above what one client
  // allows (10000) because larger contracts exist and the charger itself answers ERROR if not.
  { name: 'ContractedPower', kind: 'range', min: -5000, max: 50000, unit: 'W', description: 'contracted power' },
  { name: 'ChargeMode', kind: 'enum', min: 0, max: 2, labels: CHARGE_MODE, description: 'phases: single, three or mixed' },
  { name: 'VoltageInstallation', kind: 'range', min: 100, max: 450, unit: 'V', description: 'installation voltage' },
  { name: 'LightLED', kind: 'range', min: 0, max: 100, unit: '%', description: 'display brightness' },
  sw('LogoLED', 'logo LED on or off'),
];

const BY_NAME = new Map(WRITABLE_KEYWORDS.map((k) => [k.name.toLowerCase(), k]));

/** Finds a keyword by name, ignoring case (flows often write "intensity"). */
export function findKeyword(name: string): WritableKeyword | undefined {
  return BY_NAME.get(name.toLowerCase());
}

function describeRange(k: WritableKeyword): string {
  if (k.kind === 'switch') return '0 or 1 (true/false, "on"/"off")';
  if (k.kind === 'enum' && k.labels) return Object.entries(k.labels).map(([n, t]) => `${n} (${t})`).join(', ');
  return `${k.min}..${k.max}${k.unit ? ' ' + k.unit : ''}`;
}

/** Coerces one value for a keyword, or returns a problem text. */
export function coerceValue(k: WritableKeyword, raw: unknown): number | string {
  let value: number | undefined;
  if (typeof raw === 'number') value = raw;
  else if (typeof raw === 'boolean' && k.kind === 'switch') value = raw ? 1 : 0;
  else if (typeof raw === 'string') {
    const text = raw.trim().toLowerCase();
    if (k.kind === 'switch' && (text === 'on' || text === 'true')) value = 1;
    else if (k.kind === 'switch' && (text === 'off' || text === 'false')) value = 0;
    else if (/^-?\d+$/.test(text)) value = Number(text);
  }
  if (value === undefined) {
    return `${k.name}: ${shown(raw)} is not a value for ${k.name}; expected ${describeRange(k)}`;
  }
  if (!Number.isInteger(value)) return `${k.name}: ${value} is not a whole number; expected ${describeRange(k)}`;
  const inEnum = k.kind !== 'enum' || (k.labels !== undefined && value in k.labels);
  if (value < k.min || value > k.max || !inEnum) return `${k.name}: ${value} is out of range; expected ${describeRange(k)}`;
  return value;
}

/**
 * Validates a whole write request. Returns canonical keyword names with integer values,
 * or throws InvalidInput naming every problem, so nothing partial is ever sent.
 */
export function validateWrite(input: Record<string, unknown>): Record<string, number> {
  const values: Record<string, number> = {};
  const problems: string[] = [];
  const names = Object.keys(input);
  if (names.length === 0) problems.push('nothing to write: give at least one keyword');
  for (const name of names) {
    const k = findKeyword(name);
    if (!k) {
      problems.push(`${shown(name)} is not a writable keyword; writable: ${WRITABLE_KEYWORDS.map((w) => w.name).join(', ')}`);
      continue;
    }
    const v = coerceValue(k, input[name]);
    if (typeof v === 'string') problems.push(v);
    else values[k.name] = v;
  }
  if (problems.length) throw new InvalidInput(problems);
  return values;
}

/** The table as plain data for the editor (served by an admin endpoint). */
export function keywordCatalogue(): Array<WritableKeyword & { range: string }> {
  return WRITABLE_KEYWORDS.map((k) => ({ ...k, range: describeRange(k) }));
}
