// Cloud replies come in many shapes (docs/charger-protocol.md, cloud): JSON, text/plain holding JSON, a JSON
// string holding JSON, bare scalars (true, 1, "OK") and 204 without a body; numbers arrive
// as strings and powers in kW. `decode` undoes the wrapping; the normalisers make the data
// look like the LAN's: numbers as numbers, watts, LAN keyword names where one exists.

import { InvalidResponse } from './errors';
import { shown } from './show';

/**
 * Unwraps a 2xx body whatever its Content-Type: JSON, JSON inside a string, or a bare word.
 * A web page (a proxy's maintenance page) or JSON cut short is not an answer: both throw,
 * so no caller mistakes them for a message.
 */
export function decode(body: string): unknown {
  let value: unknown = body;
  // A JSON string may hold JSON again; two levels have been seen, three would be a bug.
  for (let depth = 0; depth < 3 && typeof value === 'string'; depth++) {
    const text = value.trim();
    if (text === '') return null;
    if (text.startsWith('<')) throw new InvalidResponse('the V2C cloud answered with a web page instead of data');
    try {
      value = JSON.parse(text);
    } catch {
      // Text that starts like JSON but does not parse was cut short or is broken; a bare word is fine.
      if (/^[[{]/.test(text) || (depth === 0 && text.startsWith('"'))) throw new InvalidResponse('the V2C cloud answered with JSON that is cut short or broken');
      return text;
    }
  }
  return value;
}

/** Like decode, for text inside a reply: what does not parse stays text. */
function unwrap(text: string): unknown {
  try {
    return decode(text);
  } catch {
    return text;
  }
}

/** A bare word a command or yes/no reply may be: one short line of plain text. */
const PLAIN_WORDS = /^[\p{L}\p{N} .,:;!?'()_-]{1,200}$/u;

// Only plain decimals become numbers: "00123456", "3E41" or "0x1A" are card codes, not numbers.
const PLAIN_NUMBER = /^\s*-?(0|[1-9]\d*)(\.\d+)?\s*$/;

/** "7.2" → 7.2; numbers stay; anything else is kept as it came. */
export function num(value: unknown): unknown {
  return typeof value === 'string' && PLAIN_NUMBER.test(value) ? Number(value) : value;
}

/** Fields that name or identify something: kept as text even when they look like numbers. */
const IDENTIFIERS = new Set(['code', 'tag', 'rfidCode', 'rfidName', 'ssid', 'mac', 'deviceId', 'device_id', 'id', 'name', 'ip', 'idCharge', 'version', 'versionId', 'password', 'ocpp_id']);

const asNumber = (value: unknown): number | undefined => {
  const n = num(value);
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};

function asObject(value: unknown, what: string): Record<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new InvalidResponse(`the V2C cloud answered ${what} with ${shown(value)} instead of an object`);
}

function asArray(value: unknown, what: string): unknown[] {
  if (Array.isArray(value)) return value;
  if (value === null) return [];
  throw new InvalidResponse(`the V2C cloud answered ${what} with ${shown(value)} instead of a list`);
}

/** Every string that holds a number becomes a number, deeply; JSON inside strings is unwrapped. */
export function numbers(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(numbers);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, IDENTIFIERS.has(k) && typeof v !== 'object' ? v : numbers(v)]));
  }
  if (typeof value === 'string' && /^\s*[[{]/.test(value)) {
    const inner = unwrap(value);
    if (inner !== null && typeof inner === 'object') return numbers(inner);
  }
  return num(value);
}

// Cloud ChargeState numbering differs from the LAN's for the faults (docs/charger-protocol.md, cloud).
const CLOUD_TO_LAN_STATE: Readonly<Record<number, number>> = { 0: 0, 1: 1, 2: 2, 3: 6, 4: 5, 5: 4 };

export function lanChargeState(cloudState: number): number {
  return CLOUD_TO_LAN_STATE[cloudState] ?? cloudState;
}

const kW = (value: unknown): number | undefined => {
  const n = asNumber(value);
  return n === undefined ? undefined : Math.round(n * 1000 * 100) / 100;
};

/**
 * currentstatecharge → the LAN /RealTimeData keywords and units (W, kWh, s), so flows get
 * the same payload with or without LAN. `voltage` is not the mains voltage; `cp_level` is.
 */
export function currentStateToReading(data: unknown): Record<string, unknown> {
  const o = asObject(data, 'currentstatecharge');
  const reading: Record<string, unknown> = {};
  const put = (key: string, value: number | undefined) => {
    if (value !== undefined) reading[key] = value;
  };
  const state = asNumber(o.charge_state);
  put('ChargeState', state === undefined ? undefined : lanChargeState(state));
  put('ChargePower', kW(o.power));
  put('ChargeEnergy', asNumber(o.energy));
  put('ChargeTime', asNumber(o.seconds));
  put('HousePower', kW(o.house_power));
  put('FVPower', kW(o.sun_power));
  put('BatteryPower', kW(o.battery));
  put('Intensity', asNumber(o.intensity));
  put('SlaveError', asNumber(o.error));
  put('VoltageInstallation', asNumber(o.cp_level));
  put('Phases', asNumber(o.phases));
  put('PhotovoltaicOn', asNumber(o.photovoltaic_on));
  return reading;
}

/** /device/reported: a flat object (sometimes a JSON string) of string values, lowercase keys. */
export function reportedToObject(data: unknown): Record<string, unknown> {
  const o = asObject(numbers(data), 'reported');
  // contract_power is reported in hundreds of watts.
  if (typeof o.contract_power === 'number') o.contract_power_w = o.contract_power * 100;
  if (typeof o.charge_state === 'number') o.ChargeState = lanChargeState(o.charge_state);
  return o;
}

/** /device/connected: a bare bool, int or string. */
export function toBoolean(data: unknown): boolean {
  if (typeof data === 'boolean') return data;
  if (typeof data === 'number') return data !== 0;
  if (typeof data === 'string') {
    const word = data.trim().toLowerCase();
    if (['true', '1', 'yes', 'connected', 'ok'].includes(word)) return true;
    if (['false', '0', 'no', 'disconnected', 'not connected'].includes(word)) return false;
  }
  if (data !== null && typeof data === 'object') {
    const o = data as Record<string, unknown>;
    for (const key of ['connected', 'value', 'result']) if (key in o) return toBoolean(o[key]);
  }
  throw new InvalidResponse(`the V2C cloud answered "connected" with ${shown(data)}`);
}

/** A firmware version: digits and dots, perhaps a letter or suffix ("2.5.0", "v2.4.1-beta"). */
const VERSION = /^v?\d+(\.\d+)*([-+ ]?[\w.]{1,20})?$/i;

/** /version: `{versionId, ...}` or a bare string. */
export function toVersion(data: unknown): string {
  const v = typeof data === 'string' || typeof data === 'number' ? data : (() => {
    const o = asObject(data, 'version');
    return o.versionId ?? o.version ?? o.firmwareVersion;
  })();
  if (v === undefined || v === null) throw new InvalidResponse('the V2C cloud answered "version" without a version');
  const text = String(v).trim();
  if (!VERSION.test(text)) throw new InvalidResponse(`the V2C cloud answered "version" with ${shown(text)}, which is not a version`);
  return text;
}

export interface Pairing {
  deviceId: string;
  name: string;
  ip?: string;
  model?: string;
  [key: string]: unknown;
}

/** /pairings/me: `[{deviceId, tag, ip, model, modelName?}]` (not the spec's `{id, name}`). */
export function toPairings(data: unknown): Pairing[] {
  return asArray(data, 'pairings').map((entry) => {
    const o = asObject(entry, 'pairings');
    const deviceId = String(o.deviceId ?? o.id ?? '');
    const name = String(o.tag ?? o.name ?? deviceId);
    const model = o.modelName ?? o.model;
    return { ...o, deviceId, name, ...(typeof o.ip === 'string' ? { ip: o.ip } : {}), ...(model !== undefined ? { model: String(model) } : {}) };
  });
}

/** A charging session of /stadistic/device, numbers as numbers and energy per hour as a list. */
export function toSessions(data: unknown): Record<string, unknown>[] {
  return asArray(data, 'stadistic/device').map((entry) => {
    const o = asObject(numbers(entry), 'stadistic/device');
    for (const key of ['energyByHour', 'energyByHourFv']) {
      const v = o[key];
      if (typeof v === 'string') o[key] = v.split('|').filter((s) => s !== '').map(Number);
      else if (typeof v === 'number') o[key] = [v];
    }
    return o;
  });
}

/** /stadistic/global/me: `[{totalEnergy, totalCharges}]` → one object. */
export function toTotals(data: unknown): { totalEnergy: number; totalCharges: number } {
  const list = Array.isArray(data) ? data : [data];
  const o = asObject(numbers(list[0] ?? {}), 'stadistic/global/me');
  return { totalEnergy: asNumber(o.totalEnergy) ?? 0, totalCharges: asNumber(o.totalCharges) ?? 0 };
}

/** A list of objects (RFID cards, Wi-Fi networks, profiles), whatever wrapping it came in. */
export function toList(data: unknown, what: string): Record<string, unknown>[] {
  const value = numbers(data);
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    // Some replies wrap the list: {data: [...]}, {networks: [...]}, {list: [...]}.
    const inner = Object.values(value).find(Array.isArray);
    if (inner) return toList(inner, what);
    return [value as Record<string, unknown>];
  }
  return asArray(value, what).map((e) => (e !== null && typeof e === 'object' ? (e as Record<string, unknown>) : { value: e }));
}

/** A command's answer: `{message}`, "OK", true, 1 or nothing (204). */
export function toCommandResult(data: unknown): { ok: true; message?: string } {
  if (data === false || data === 0 || (typeof data === 'string' && /^(false|error|ko)$/i.test(data.trim()))) {
    throw new InvalidResponse(`the V2C cloud answered the command with ${shown(data)}`);
  }
  if (typeof data === 'string' && data !== '') {
    if (!PLAIN_WORDS.test(data)) throw new InvalidResponse(`the V2C cloud answered the command with ${shown(data)}, which is no command answer`);
    return { ok: true, message: data };
  }
  if (data !== null && typeof data === 'object' && typeof (data as { message?: unknown }).message === 'string') {
    return { ok: true, message: (data as { message: string }).message };
  }
  return { ok: true };
}
