// Meter readings from flow messages, whatever shape the user's meter sends: one signed grid
// value, an import/export pair or three phases; W or kW; either sign convention. Pure: a
// message in, readings (or a clear InvalidInput) out; parts of the grid value that arrive in
// separate messages are put together by GridAssembler.

import { InvalidInput } from '../trydan/errors';
import { own } from '../trydan/own';
import { shown } from '../trydan/show';
import type { Sample } from './controller';
import { goalSettings } from './goal-input';
import { type PriceSlot, parsePrices } from './prices';
import { type Mode, parseMode, toNumber } from './settings';

export const GRID_FORMATS = ['signed', 'importExport', 'phases'] as const;
export type GridFormat = (typeof GRID_FORMATS)[number];

/** The units meter readings may come in. */
export const POWER_UNITS = ['W', 'kW'] as const;
export type PowerUnit = (typeof POWER_UNITS)[number];

export interface MeterOptions {
  gridFormat: GridFormat;
  unit: PowerUnit;
  /** The meter counts export as positive: flip it. */
  invertGrid: boolean;
  /** The battery counts charging as positive: flip it (we count discharging positive). */
  invertBattery: boolean;
}

export const DEFAULT_METER: Readonly<MeterOptions> = { gridFormat: 'signed', unit: 'W', invertGrid: false, invertBattery: false };

/** One grid part: the whole signed value, import, export, or a phase. */
export type GridPart = 'grid' | 'import' | 'export' | 'L1' | 'L2' | 'L3';

/** Input names a message may carry, by topic or as payload keys (any case). */
const NAMES: Record<string, GridPart | 'pv' | 'battery' | 'soc' | 'carPower' | 'mode' | 'goal' | 'prices'> = {
  grid: 'grid',
  gridpower: 'grid',
  import: 'import',
  gridimport: 'import',
  export: 'export',
  gridexport: 'export',
  l1: 'L1',
  l2: 'L2',
  l3: 'L3',
  gridl1: 'L1',
  gridl2: 'L2',
  gridl3: 'L3',
  pv: 'pv',
  pvpower: 'pv',
  battery: 'battery',
  batterypower: 'battery',
  soc: 'soc',
  carpower: 'carPower',
  mode: 'mode',
  goal: 'goal',
  prices: 'prices',
};

/** The name a topic stands for: the whole topic or its last path segment ("home/meter/L1"). */
function nameOf(topic: unknown): (typeof NAMES)[string] | undefined {
  if (typeof topic !== 'string') return undefined;
  const text = topic.trim().toLowerCase();
  return own(NAMES, text) ?? own(NAMES, text.slice(text.lastIndexOf('/') + 1));
}

export interface MeterMessage {
  parts: Partial<Record<GridPart, number>>;
  sample: Omit<Sample, 'gridW' | 'charger' | 'carConnected'>;
  mode?: Mode;
  /** msg.settings and a goal's settings, passed on as given (validated by settingsFrom). */
  settings?: Record<string, unknown>;
  /** A price series (msg.topic "prices"), validated. */
  prices?: PriceSlot[];
}

const FORMAT_PARTS: Record<GridFormat, readonly GridPart[]> = {
  signed: ['grid'],
  importExport: ['import', 'export'],
  phases: ['L1', 'L2', 'L3'],
};

/**
 * Reads one message. A bare number is the grid power (a phase or import/export needs its
 * name in msg.topic); an object payload may hold several inputs; msg.mode / msg.settings
 * change the controller. Throws InvalidInput naming every problem; nothing is half-applied.
 */
export function readMessage(msg: { topic?: unknown; payload?: unknown; mode?: unknown; settings?: unknown; goal?: unknown }, options: MeterOptions): MeterMessage {
  const problems: string[] = [];
  const out: MeterMessage = { parts: {}, sample: {} };
  const scale = options.unit === 'kW' ? 1000 : 1;
  const allowed = FORMAT_PARTS[options.gridFormat];

  const take = (name: (typeof NAMES)[string], raw: unknown, label: string): void => {
    if (name === 'mode' || name === 'goal' || name === 'prices') {
      try {
        if (name === 'mode') out.mode = parseMode(raw);
        else if (name === 'prices') out.prices = parsePrices(raw);
        else out.settings = { ...out.settings, ...goalSettings(raw, label) };
      } catch (err) {
        if (!(err instanceof InvalidInput)) throw err;
        problems.push(...err.problems);
      }
      return;
    }
    const value = toNumber(raw);
    if (value === undefined) {
      problems.push(`${label}: ${shown(raw)} is not a number`);
      return;
    }
    if (name === 'soc') {
      if (value < 0 || value > 100) problems.push(`${label}: ${value} is not a state of charge (0..100 %)`);
      else out.sample.soc = value;
    } else if (name === 'pv') out.sample.pvW = value * scale;
    else if (name === 'carPower') out.sample.carW = value * scale;
    else if (name === 'battery') out.sample.batteryW = value * scale * (options.invertBattery ? -1 : 1);
    else if (!allowed.includes(name)) {
      problems.push(`${label}: the grid is set to arrive as ${describe(options.gridFormat)}, not "${name}"`);
    } else if (name === 'import' || name === 'export') {
      if (value < 0) problems.push(`${label}: ${value} is negative; import and export are both counted upwards`);
      else out.parts[name] = value * scale;
    } else {
      out.parts[name] = value * scale * (options.invertGrid ? -1 : 1);
    }
  };

  if (msg.mode !== undefined) take('mode', msg.mode, 'msg.mode');
  if (msg.settings !== undefined) {
    if (msg.settings !== null && typeof msg.settings === 'object' && !Array.isArray(msg.settings)) out.settings = { ...(msg.settings as Record<string, unknown>) };
    else problems.push('msg.settings must be an object of settings, e.g. {"maxCurrent": 10}');
  }
  if (msg.goal !== undefined) take('goal', msg.goal, 'msg.goal');

  const { payload, topic } = msg;
  const topicName = nameOf(topic);
  if (topicName === 'goal' || topicName === 'prices') {
    take(topicName, payload, `msg.payload (${String(topic)})`);
  } else if (Array.isArray(payload)) {
    if (options.gridFormat !== 'phases' || payload.length !== 3) problems.push('msg.payload is an array: only three phases [L1, L2, L3] may come as one, with the grid format "three phases"');
    else payload.forEach((v, i) => take(`L${i + 1}` as GridPart, v, `msg.payload[${i}]`));
  } else if (payload !== null && typeof payload === 'object') {
    let known = 0;
    for (const [key, raw] of Object.entries(payload as Record<string, unknown>)) {
      const name = own(NAMES, key.toLowerCase());
      if (!name) continue;
      known++;
      if (name === 'grid' && Array.isArray(raw) && options.gridFormat === 'phases' && raw.length === 3) raw.forEach((v, i) => take(`L${i + 1}` as GridPart, v, `msg.payload.${key}[${i}]`));
      else take(name, raw, `msg.payload.${key}`);
    }
    if (known === 0) problems.push(`msg.payload has none of the inputs ${Object.keys(NAMES).filter((n) => !n.startsWith('grid') || n === 'grid').join(', ')}`);
  } else if (topicName === 'mode') {
    take('mode', payload, 'msg.payload');
  } else if (topicName || (msg.mode === undefined && msg.settings === undefined && msg.goal === undefined)) {
    // A bare value: its topic names it; without a known topic it is the grid itself. Beside
    // msg.mode or msg.settings an unnamed payload (an inject's timestamp) is not a reading.
    const name = topicName ?? (options.gridFormat === 'signed' ? 'grid' : undefined);
    if (name === undefined) {
      problems.push(`msg.topic ${shown(topic)} does not say which part of the grid this is: use ${allowed.join(', ')}`);
    } else take(name, payload, topicName ? `msg.payload (${String(topic)})` : 'msg.payload');
  }
  if (problems.length) throw new InvalidInput(problems);
  return out;
}

function describe(format: GridFormat): string {
  return format === 'signed' ? 'one signed value ("grid")' : format === 'importExport' ? 'an import/export pair ("import", "export")' : 'three phases ("L1", "L2", "L3")';
}

/**
 * Puts a grid value together from parts that may arrive in separate messages. A value is
 * only produced while every part is fresher than `maxAgeMs`: one silent phase makes the
 * sum unknown, and the controller's watchdog then sees the meter as stale.
 */
export class GridAssembler {
  private readonly latest = new Map<GridPart, { value: number; at: number }>();

  constructor(
    private readonly format: GridFormat,
    private readonly maxAgeMs: number,
  ) {}

  /** The grid power after these parts, W, or undefined while a part is missing or old. */
  add(parts: Partial<Record<GridPart, number>>, now: number): number | undefined {
    const names = Object.keys(parts) as GridPart[];
    if (names.length === 0) return undefined;
    for (const name of names) this.latest.set(name, { value: parts[name]!, at: now });
    const needed = FORMAT_PARTS[this.format];
    let sum = 0;
    for (const name of needed) {
      const part = this.latest.get(name);
      if (!part || now - part.at > this.maxAgeMs) return undefined;
      sum += name === 'export' ? -part.value : part.value;
    }
    return sum;
  }
}
