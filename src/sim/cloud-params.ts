// Checks of the cloud's query parameters and bodies. Presence is checked before a handler
// runs (missing → 400 JSON); these check values (bad → 400 text/plain).

import { coerceValue, findKeyword } from '../trydan/keywords';
import type { ChargeTimer } from './cloud-device';
import { CloudProblem, invalidParam, missingParam } from './cloud-replies';

export type Query = Readonly<Record<string, string>>;

export function text(query: Query, name: string): string {
  const raw = query[name];
  if (raw === undefined || raw.trim() === '') throw missingParam(name);
  return raw;
}

export function integer(query: Query, name: string, min: number, max: number): number {
  const raw = text(query, name);
  const n = /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= min && n <= max)) throw invalidParam(name, raw, `a whole number ${min}..${max}`);
  return n;
}

export function oneOf(query: Query, name: string, values: readonly number[]): number {
  const raw = text(query, name);
  const n = /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!values.includes(n)) throw invalidParam(name, raw, `one of ${values.join(', ')}`);
  return n;
}

/** A decimal number such as 7.5 (kWh) in min..max; with minExclusive, min itself is refused. */
export function decimal(query: Query, name: string, range: { min: number; max: number; minExclusive?: boolean }): number {
  const raw = text(query, name);
  const n = /^\s*\d+(\.\d+)?\s*$/.test(raw) ? Number(raw) : NaN;
  const aboveMin = range.minExclusive ? n > range.min : n >= range.min;
  if (!(aboveMin && n <= range.max)) {
    throw invalidParam(name, raw, `a number ${range.minExclusive ? 'above' : 'from'} ${range.min} up to ${range.max}`);
  }
  return n;
}

/** A value for a LAN keyword, checked against the one keyword table. */
export function keywordValue(query: Query, name: string, keyword: string): number {
  const raw = text(query, name);
  const k = findKeyword(keyword);
  if (!k) throw new Error(`${keyword} is not in the keyword table`);
  const v = /^\s*-?\d+\s*$/.test(raw) ? coerceValue(k, Number(raw)) : undefined;
  if (typeof v !== 'number') throw invalidParam(name, raw, `a whole number ${k.min}..${k.max}`);
  return v;
}

export function limitedText(query: Query, name: string, maxLength: number): string {
  const raw = text(query, name);
  if (raw.length > maxLength) throw invalidParam(name, raw, `at most ${maxLength} characters`);
  return raw;
}

export function ipv4(query: Query, name: string): string {
  const raw = text(query, name).trim();
  const parts = raw.split('.');
  const ok = parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
  if (!ok) throw invalidParam(name, raw, 'an IPv4 address like 192.168.1.100');
  return raw;
}

export function websocketUrl(query: Query, name: string): string {
  const raw = text(query, name).trim();
  if (!/^wss?:\/\/[^\s/]+/.test(raw)) throw invalidParam(name, raw, 'a ws:// or wss:// URL');
  return raw;
}

/** An ISO time like 2023-10-27T10:00:00Z (power profiles' updateAt). */
export function isoTime(query: Query, name: string): string {
  const raw = text(query, name);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(raw) || Number.isNaN(Date.parse(raw))) throw invalidParam(name, raw, 'an ISO time like 2023-10-27T10:00:00Z');
  return raw;
}

/** An optional calendar day YYYY-MM-DD (statistics filters). */
export function optionalDay(query: Query, name: string): string | undefined {
  const raw = query[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw.trim());
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!m || !d || d.getUTCMonth() !== Number(m[2]) - 1 || d.getUTCDate() !== Number(m[3])) {
    throw invalidParam(name, raw, 'a date YYYY-MM-DD');
  }
  return raw.trim();
}

export function jsonObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new CloudProblem(400, 'Request body must be a JSON object', 'text');
  }
  return body as Record<string, unknown>;
}

const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/;

/**
 * The timer body in either form: {start_time, end_time, active} (2025 spec) or the older
 * {timeStart, timeEnd, daysOfWeek} with days 1–7 (Mon–Sun) and "8" meaning off.
 */
export function timerBody(body: unknown): ChargeTimer {
  const b = jsonObject(body);
  const bad = (what: string): CloudProblem => new CloudProblem(400, `Invalid timer: ${what}`, 'text');
  const time = (key: string): string => {
    const v = b[key];
    if (typeof v !== 'string' || !TIME_OF_DAY.test(v)) throw bad(`${key} must be a time like "22:00"`);
    return v.slice(0, 5);
  };
  if ('start_time' in b || 'end_time' in b) {
    const active = b.active === undefined ? true : b.active;
    if (typeof active !== 'boolean') throw bad('active must be true or false');
    return { start: time('start_time'), end: time('end_time'), active, days: '1234567' };
  }
  if ('timeStart' in b || 'timeEnd' in b) {
    const days = b.daysOfWeek === undefined ? '1234567' : String(b.daysOfWeek);
    if (!/^(8|[1-7]{1,7})$/.test(days)) throw bad('daysOfWeek must be digits 1-7 (Mon-Sun) or "8" (off)');
    return { start: time('timeStart'), end: time('timeEnd'), active: days !== '8', days: days === '8' ? '' : days };
  }
  throw bad('expected {start_time, end_time, active} or {timeStart, timeEnd, daysOfWeek}');
}
