// The /RealTimeData model: a table of known fields, a tolerant parser and the payload
// flows receive. Firmware varies (docs/charger-protocol.md, LAN), so every field is optional, unknown
// fields pass through, and numbers that arrive as strings become numbers.

import { jsonrepair } from 'jsonrepair';
import { InvalidResponse } from './errors';
import { endsEarly } from './json-complete';
import { CHARGE_STATE, DYNAMIC_POWER_MODE, SLAVE_ERROR, labelOf } from './labels';
import type { EnergyFigures } from './session-energy';

/** Known /RealTimeData fields and their type; anything else passes through untouched. */
export const TELEMETRY_FIELDS = {
  ID: 'string',
  FirmwareVersion: 'string',
  ChargeState: 'number',
  ReadyState: 'number',
  ChargePower: 'number',
  ChargeEnergy: 'number',
  SlaveError: 'number',
  ChargeTime: 'number',
  HousePower: 'number',
  FVPower: 'number',
  BatteryPower: 'number',
  GridPower: 'number',
  Paused: 'number',
  Locked: 'number',
  Timer: 'number',
  Intensity: 'number',
  Dynamic: 'number',
  MinIntensity: 'number',
  MaxIntensity: 'number',
  PauseDynamic: 'number',
  DynamicPowerMode: 'number',
  ContractedPower: 'number',
  ChargeMode: 'number',
  VoltageInstallation: 'number',
  LightLED: 'number',
  LogoLED: 'number',
  IntensityMeasure_L1: 'number',
  IntensityMeasure_L2: 'number',
  IntensityMeasure_L3: 'number',
  VoltageMeasure_L1: 'number',
  VoltageMeasure_L2: 'number',
  VoltageMeasure_L3: 'number',
  SSID: 'string',
  IP: 'string',
  SignalStatus: 'number',
} as const;

type FieldTypes = typeof TELEMETRY_FIELDS;
/** Every known field present, as firmware 2.5.0 sends them (the simulator's state). */
export type FullReading = {
  -readonly [K in keyof FieldTypes]: FieldTypes[K] extends 'number' ? number : string;
};
/** A reading; the coordinator adds the session and lifetime energy (session-energy.ts) to each. */
export type Reading = Partial<FullReading> & Partial<EnergyFigures> & Record<string, unknown>;

/** Numbers sometimes arrive as text ("7.2", "50%"); anything else is kept as received. */
function toNumber(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim().replace(/%$/, '');
  return text !== '' && Number.isFinite(Number(text)) ? Number(text) : value;
}

function toText(value: unknown): unknown {
  return typeof value === 'number' ? String(value) : value;
}

/**
 * Strict JSON first; jsonrepair only when that fails (it costs far more), and only for the
 * firmware's defects: a document cut short is refused, never completed.
 */
export function parseJsonTolerant(body: string): unknown {
  // Some firmware appends text after the object (a trailing "%"): keep up to the last brace.
  const end = body.lastIndexOf('}');
  const text = (end >= 0 ? body.slice(0, end + 1) : body).replace(/^\uFEFF/, '').trim();
  try {
    return JSON.parse(text);
  } catch {
    if (endsEarly(text)) throw new InvalidResponse(`charger telemetry was cut short: ${preview(body)}`);
    try {
      return JSON.parse(jsonrepair(text));
    } catch (err) {
      throw new InvalidResponse(`charger sent telemetry that cannot be read even after repair: ${preview(body)}`, { cause: err });
    }
  }
}

function preview(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > 60 ? JSON.stringify(flat.slice(0, 60) + '…') : JSON.stringify(flat);
}

/** Parses a /RealTimeData body, whatever the Content-Type, into a typed reading. */
export function parseRealtime(body: string): Reading {
  const data = parseJsonTolerant(body);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new InvalidResponse(`charger telemetry is not an object: ${preview(body)}`);
  }
  // The parsed object is ours: known fields are typed in place, in the charger's order. At a
  // thousand chargers a schema library's copy of every reading was a third of what polling
  // allocated (bench/README.md, "Where the memory goes").
  const reading = data as Record<string, unknown>;
  let known = false;
  for (const key in reading) {
    if (!Object.hasOwn(TELEMETRY_FIELDS, key)) continue;
    known = true;
    const value = reading[key];
    reading[key] = TELEMETRY_FIELDS[key as keyof FieldTypes] === 'number' ? toNumber(value) : toText(value);
  }
  // Every firmware sends some of the known fields; an object with none is not a reading.
  if (!known) throw new InvalidResponse(`charger telemetry has no field a Trydan sends: ${preview(body)}`);
  return reading as Reading;
}

/** "Charging" is ChargeState 2 and not paused: ChargeState stays 2 after Paused=1. */
export function isCharging(r: Reading): boolean {
  return r.ChargeState === 2 && r.Paused !== 1;
}

/** A car is plugged in (any state but 0 = not connected). */
export function isCarConnected(r: Reading): boolean {
  return typeof r.ChargeState === 'number' && r.ChargeState !== 0;
}

export type TelemetryPayload = Reading & {
  charging: boolean;
  ChargeStateText?: string;
  DynamicPowerModeText?: string;
  SlaveErrorText?: string;
};

/** The payload flows receive: the reading plus derived `charging` and readable texts. */
export function toPayload(r: Reading): TelemetryPayload {
  const payload: TelemetryPayload = { ...r, charging: isCharging(r) };
  if (typeof r.ChargeState === 'number') payload.ChargeStateText = labelOf(CHARGE_STATE, r.ChargeState);
  if (typeof r.DynamicPowerMode === 'number') payload.DynamicPowerModeText = labelOf(DYNAMIC_POWER_MODE, r.DynamicPowerMode);
  if (typeof r.SlaveError === 'number') payload.SlaveErrorText = labelOf(SLAVE_ERROR, r.SlaveError);
  return payload;
}

/** Equal values; only objects are compared by their JSON (most fields are numbers). */
export function same(before: unknown, after: unknown): boolean {
  if (before === after) return true;
  if (typeof before !== 'object' || typeof after !== 'object' || before === null || after === null) return false;
  return JSON.stringify(before) === JSON.stringify(after);
}

/** Keys whose values differ between two readings (msg.changed). */
export function changedKeys(before: Reading | undefined, after: Reading): string[] {
  if (!before) return Object.keys(after);
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => !same(before[k], after[k]));
}
