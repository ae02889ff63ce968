// v2c-statistics: charging sessions (of the charger or the account) for a date range, with a
// summary of energy and cost; optionally one message per session (for a CSV file).

import type { NodeAPI, NodeDef, NodeMessage } from 'node-red';
import { InvalidInput } from '../src/trydan/errors';
import { RANGE_PRESETS, type RangePreset, dateRange, summarise } from '../src/trydan/statistics';
import { registerCloudNode } from './lib/cloud-node';
import { migrate } from './lib/migrate';
import { TYPED_INPUTS, type TypedProperty } from './lib/typed-value';
import { shown } from '../src/trydan/show';

interface StatisticsDef extends NodeDef {
  server: string;
  /** device: the charger's sessions; account: totals of every charger. */
  scope: 'device' | 'account';
  range: RangePreset;
  /** The custom range's dates: fixed (str, YYYY-MM-DD) or from msg/flow/global/env (typed inputs). */
  from: string;
  fromType: string;
  to: string;
  toType: string;
  /** Also send one message per session on the second output. */
  split: boolean;
  version?: number;
}

type In = { payload?: unknown; range?: unknown };

/** The message's own dates (msg.payload = {from, to}), which come before the node's. */
function givenDates(msg: In): { from?: unknown; to?: unknown } | undefined {
  const p = msg.payload;
  return p !== null && typeof p === 'object' && ('from' in p || 'to' in p) ? (p as { from?: unknown; to?: unknown }) : undefined;
}

/** The range asked for: msg.payload dates (custom), msg.range, else the node's. */
function presetOf(config: StatisticsDef, msg: In): RangePreset {
  // A msg.range that is there but not a range name is refused, not quietly replaced by the node's.
  const range = msg.range;
  if (range !== undefined && range !== null && typeof range !== 'string') throw new InvalidInput([`msg.range ${shown(range)} is not a date range; use ${RANGE_PRESETS.join(', ')}`]);
  const preset = (givenDates(msg) ? 'custom' : typeof range === 'string' ? range : config.range) as RangePreset;
  if (!RANGE_PRESETS.includes(preset)) throw new InvalidInput([`${shown(preset)} is not a date range; use ${RANGE_PRESETS.join(', ')}`]);
  return preset;
}

const property = (value: string, type: string): { property: TypedProperty; types: readonly string[] } => ({ property: { value, type }, types: TYPED_INPUTS['v2c-statistics'].from });

export = function (RED: NodeAPI): void {
  registerCloudNode<StatisticsDef>(
    RED,
    'v2c-statistics',
    (def) => migrate(def, { scope: 'device', range: 'last', from: '', fromType: 'str', to: '', toType: 'str', split: false }),
    {
      // The node's dates are looked up only when they are used: a custom range the message does not date itself.
      typed(config, msg) {
        const given = givenDates(msg as In);
        let preset: RangePreset;
        try {
          preset = presetOf(config, msg as In);
        } catch {
          return {}; // request() reports it
        }
        if (preset !== 'custom') return {};
        return {
          ...(given?.from === undefined ? { from: property(config.from, config.fromType) } : {}),
          ...(given?.to === undefined ? { to: property(config.to, config.toType) } : {}),
        };
      },
      request(config, msg, values) {
        // A message may override the node: msg.range = "lastMonth", or msg.payload = {from, to}.
        const given = givenDates(msg as In);
        const preset = presetOf(config, msg as In);
        const { from, to } = dateRange(preset, new Date(), given?.from ?? values.from, given?.to ?? values.to);
        if (config.scope === 'account') {
          return { endpoint: 'stadistic/global/me', params: { ...(from ? { endChargeDateStart: from } : {}), ...(to ? { endChargeDateEnd: to } : {}) } };
        }
        return { endpoint: 'stadistic/device', params: { ...(from ? { chargeDateStart: from } : {}), ...(to ? { chargeDateEnd: to } : {}) } };
      },
      output(config, msg, result) {
        if (config.scope === 'account') return [Object.assign(msg, { payload: result.payload }), null];
        const sessions = result.payload as Record<string, unknown>[];
        const summary = summarise(sessions);
        const first = Object.assign(msg, { payload: { summary, sessions } });
        if (!config.split) return [first, null];
        const each: NodeMessage[] = sessions.map((session, i) => ({ topic: msg.topic, payload: session, index: i, count: sessions.length, rateLimit: msg.rateLimit } as NodeMessage));
        return [first, each] as unknown as NodeMessage[];
      },
    },
  );
};
