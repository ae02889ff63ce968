// v2c-statistics: the charger's sessions or the account's totals for a date range, with a
// summary of energy and cost; optionally one message per session (for a CSV file).

import type { NodeAPI, NodeDef, NodeMessage } from 'node-red';
import { InvalidInput } from '../src/trydan/errors';
import { RANGE_PRESETS, type RangePreset, dateRange, summarise } from '../src/trydan/statistics';
import { registerCloudNode } from './lib/cloud-node';
import { migrate } from './lib/migrate';
import { shown } from '../src/trydan/show';

interface StatisticsDef extends NodeDef {
  server: string;
  /** device: the charger's sessions; account: totals of every charger. */
  scope: 'device' | 'account';
  range: RangePreset;
  from: string;
  to: string;
  /** Also send one message per session on the second output. */
  split: boolean;
  version?: number;
}

type In = { payload?: unknown; range?: unknown };

export = function (RED: NodeAPI): void {
  registerCloudNode<StatisticsDef>(RED, 'v2c-statistics', (def) => migrate(def, { scope: 'device', range: 'last', from: '', to: '', split: false }), {
    request(config, msg) {
      // A message may override the node: msg.range = "lastMonth", or msg.payload = {from, to}.
      const p = (msg as In).payload;
      const given = p !== null && typeof p === 'object' && ('from' in p || 'to' in p) ? (p as { from?: unknown; to?: unknown }) : undefined;
      // A msg.range that is there but not a range name is refused, not quietly replaced by the node's.
      const range = (msg as In).range;
      if (range !== undefined && range !== null && typeof range !== 'string') throw new InvalidInput([`msg.range ${shown(range)} is not a date range; use ${RANGE_PRESETS.join(', ')}`]);
      const preset = (given ? 'custom' : typeof range === 'string' ? range : config.range) as RangePreset;
      if (!RANGE_PRESETS.includes(preset)) throw new InvalidInput([`${shown(preset)} is not a date range; use ${RANGE_PRESETS.join(', ')}`]);
      const { from, to } = dateRange(preset, new Date(), given?.from ?? config.from, given?.to ?? config.to);
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
  });
};
