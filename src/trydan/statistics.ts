// Charging statistics: the date ranges people ask for, and a summary of sessions that a
// flow can put straight into a dashboard or a CSV file. Pure: no I/O, time passed in.

import { isCalendarDay } from './cloud-values';
import { InvalidInput } from './errors';
import { shown } from './show';

export type RangePreset = 'last' | 'today' | 'yesterday' | 'thisWeek' | 'thisMonth' | 'lastMonth' | 'thisYear' | 'custom';
export const RANGE_PRESETS: readonly RangePreset[] = ['last', 'today', 'yesterday', 'thisWeek', 'thisMonth', 'lastMonth', 'thisYear', 'custom'];

/** Whose sessions: the charger's (device) or every charger's of the account. */
export const STATISTICS_SCOPES = ['device', 'account'] as const;

const day = (d: Date): string => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

/**
 * The from/to dates (local calendar days, inclusive) for a preset; `last` has none (the
 * cloud then gives the last five sessions). `custom` takes `from` and `to` as YYYY-MM-DD.
 */
export function dateRange(preset: RangePreset, now: Date, from?: unknown, to?: unknown): { from?: string; to?: string } {
  const y = now.getFullYear();
  const m = now.getMonth();
  const d = now.getDate();
  switch (preset) {
    case 'last':
      return {};
    case 'today':
      return { from: day(now), to: day(now) };
    case 'yesterday': {
      const t = new Date(y, m, d - 1);
      return { from: day(t), to: day(t) };
    }
    case 'thisWeek': {
      const monday = new Date(y, m, d - ((now.getDay() + 6) % 7));
      return { from: day(monday), to: day(now) };
    }
    case 'thisMonth':
      return { from: day(new Date(y, m, 1)), to: day(now) };
    case 'lastMonth':
      return { from: day(new Date(y, m - 1, 1)), to: day(new Date(y, m, 0)) };
    case 'thisYear':
      return { from: day(new Date(y, 0, 1)), to: day(now) };
    case 'custom': {
      const problems: string[] = [];
      if (typeof from !== 'string' || !isCalendarDay(from)) problems.push(`"from" must be a date that exists, like 2026-01-31, got ${shown(from)}`);
      if (typeof to !== 'string' || !isCalendarDay(to)) problems.push(`"to" must be a date that exists, like 2026-01-31, got ${shown(to)}`);
      if (!problems.length && String(from) > String(to)) problems.push(`"from" (${from}) is after "to" (${to})`);
      if (problems.length) throw new InvalidInput(problems);
      return { from: from as string, to: to as string };
    }
    default:
      throw new InvalidInput([`"${String(preset)}" is not a date range; use ${RANGE_PRESETS.join(', ')}`]);
  }
}

export interface SessionSummary {
  sessions: number;
  /** kWh */
  energy: number;
  cost: number;
  costFv: number;
  /** kWh per session */
  averageEnergy: number;
  first?: string;
  last?: string;
  /** kWh per RFID card name (or code); sessions without a card under "". */
  byCard: Record<string, number>;
}

const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const round = (v: number, digits = 3): number => Math.round(v * 10 ** digits) / 10 ** digits;

export function summarise(sessions: readonly Record<string, unknown>[]): SessionSummary {
  let energy = 0;
  let cost = 0;
  let costFv = 0;
  // Card names come from the account: a map, so a card named "__proto__" is a card like any other.
  const byCard = new Map<string, number>();
  const starts: string[] = [];
  for (const s of sessions) {
    energy += n(s.energy);
    cost += n(s.cost);
    costFv += n(s.costFv);
    const card = String(s.rfidName ?? s.rfidCode ?? '');
    byCard.set(card, round((byCard.get(card) ?? 0) + n(s.energy)));
    if (typeof s.startChargeDate === 'string') starts.push(s.startChargeDate);
  }
  starts.sort();
  return {
    sessions: sessions.length,
    energy: round(energy),
    cost: round(cost, 2),
    costFv: round(costFv, 2),
    averageEnergy: sessions.length ? round(energy / sessions.length) : 0,
    ...(starts.length ? { first: starts[0]!, last: starts[starts.length - 1]! } : {}),
    byCard: Object.fromEntries(byCard),
  };
}
