// Price series from flow messages, as the common Node-RED price nodes and HTTP APIs give them:
// a list of {start, price} (hourly or 15-minute slots), or Tibber's {startsAt, total},
// aWATTar's {start_timestamp, end_timestamp, marketprice}, Octopus's {valid_from, valid_to,
// value_inc_vat}, Nord Pool nodes' {timestamp, price}; the list alone or inside the wrapper
// those APIs put around it. Pure: a payload in, validated slots (or a clear InvalidInput) out.

import { InvalidInput } from '../trydan/errors';
import { own } from '../trydan/own';
import { shown } from '../trydan/show';

/** One price slot: [start, end) epoch ms, price in whatever unit the series has. */
export interface PriceSlot {
  start: number;
  end: number;
  price: number;
}

/** More slots than this is not a price series (two days of 15-minute slots are 192). */
export const MAX_SLOTS = 2000;

// Names each field goes by, first found wins.
const START = ['start', 'startsAt', 'start_timestamp', 'valid_from', 'timestamp', 'time', 'from'];
const END = ['end', 'endsAt', 'end_timestamp', 'valid_to', 'to'];
const PRICE = ['price', 'total', 'marketprice', 'value_inc_vat', 'value'];
// Wrappers around the list: Tibber's priceInfo {today, tomorrow}, aWATTar's {data},
// Octopus's {results}, or {prices}.
const LISTS = ['today', 'tomorrow', 'data', 'results', 'prices'];

const HOUR_MS = 3_600_000;
/** Epoch numbers below this are seconds (1e11 ms is 1973; 1e11 s is the year 5138). */
const SECONDS_BELOW = 1e11;

function field(o: Record<string, unknown>, names: readonly string[]): unknown {
  for (const n of names) {
    const v = own(o, n);
    if (v !== undefined) return v;
  }
  return undefined;
}

/** A time: ISO text (with its offset, or local time without one) or epoch ms (or s). */
function timeOf(raw: unknown): number | undefined {
  if (typeof raw === 'number' && Number.isFinite(raw) && raw > 0) return raw < SECONDS_BELOW ? raw * 1000 : raw;
  if (typeof raw === 'string' && raw.trim() !== '') {
    const t = raw.trim();
    if (/^\d+(\.\d+)?$/.test(t)) return timeOf(Number(t));
    const ms = Date.parse(t);
    return Number.isFinite(ms) ? ms : undefined;
  }
  return undefined;
}

function priceOf(raw: unknown): number | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
  if (typeof raw === 'string' && raw.trim() !== '' && Number.isFinite(Number(raw.trim()))) return Number(raw.trim());
  return undefined;
}

/** The list inside a payload: the array itself, or the arrays of a known wrapper, joined. */
function listOf(payload: unknown): unknown[] | undefined {
  if (Array.isArray(payload)) return payload;
  if (payload === null || typeof payload !== 'object') return undefined;
  const o = payload as Record<string, unknown>;
  const lists = LISTS.map((k) => own(o, k)).filter((v): v is unknown[] => Array.isArray(v));
  return lists.length ? lists.flat() : undefined;
}

/**
 * Validated slots, sorted by start. A slot without an end lasts until the next one starts;
 * the last one as long as the one before it (an hour when it is alone). An empty list is
 * valid: it clears the prices. Throws InvalidInput naming the problems.
 */
export function parsePrices(payload: unknown): PriceSlot[] {
  const list = listOf(payload);
  if (!list) throw new InvalidInput([`prices: ${shown(payload)} is not a list of {start, price}; send an array such as [{"start": "2026-06-21T22:00:00+02:00", "price": 0.12}, ...]`]);
  if (list.length > MAX_SLOTS) throw new InvalidInput([`prices: ${list.length} slots are more than ${MAX_SLOTS}`]);
  const problems: string[] = [];
  const raw: { start: number; end?: number; price: number }[] = [];
  list.forEach((item, i) => {
    if (problems.length >= 5) return;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      problems.push(`prices[${i}]: ${shown(item)} is not an object with start and price`);
      return;
    }
    const o = item as Record<string, unknown>;
    const start = timeOf(field(o, START));
    const price = priceOf(field(o, PRICE));
    const endRaw = field(o, END);
    const end = endRaw === undefined || endRaw === null ? undefined : timeOf(endRaw);
    if (start === undefined) problems.push(`prices[${i}]: start ${shown(field(o, START))} is not a time (ISO text or epoch ms)`);
    if (price === undefined) problems.push(`prices[${i}]: price ${shown(field(o, PRICE))} is not a number`);
    if (endRaw !== undefined && endRaw !== null && end === undefined) problems.push(`prices[${i}]: end ${shown(endRaw)} is not a time`);
    if (start !== undefined && end !== undefined && end <= start) problems.push(`prices[${i}]: ends before it starts`);
    if (start !== undefined && price !== undefined) raw.push({ start, price, ...(end !== undefined ? { end } : {}) });
  });
  if (problems.length) throw new InvalidInput(problems);
  raw.sort((a, b) => a.start - b.start);
  const slots: PriceSlot[] = raw.map((r, i) => {
    const next = raw[i + 1];
    const prev = raw[i - 1];
    const end = r.end ?? (next ? next.start : prev ? r.start + (r.start - prev.start) : r.start + HOUR_MS);
    return { start: r.start, end, price: r.price };
  });
  for (let i = 1; i < slots.length; i++) {
    if (slots[i]!.start < slots[i - 1]!.end) {
      throw new InvalidInput([`prices: the slots starting ${new Date(slots[i - 1]!.start).toISOString()} and ${new Date(slots[i]!.start).toISOString()} overlap`]);
    }
  }
  return slots;
}

/**
 * New slots over known ones: the new series' span replaces what was known there (tomorrow's
 * prices arrive and extend today's); slots that ended before `now` are dropped.
 */
export function mergePrices(known: readonly PriceSlot[], next: readonly PriceSlot[], now: number): PriceSlot[] {
  if (next.length === 0) return [];
  const from = next[0]!.start;
  const to = next[next.length - 1]!.end;
  const kept = known.filter((s) => s.end > now && (s.end <= from || s.start >= to));
  return [...kept, ...next.filter((s) => s.end > now)].sort((a, b) => a.start - b.start);
}
