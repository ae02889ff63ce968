// A node's status is translated (RED._) only when what it says changes: every node hears
// every poll of its charger, and most polls change nothing a status shows.

import { strict as assert } from 'node:assert';
import type { Node, NodeAPI, NodeStatus } from 'node-red';
import { statusView } from '../../nodes/lib/status';
import type { ChargerStatus } from '../../src/coordinator/status';
import { SOURCE, lookup, readCatalogue } from '../helpers/locales';

function harness() {
  const catalogue = { common: readCatalogue(SOURCE, 'common.json') };
  let translations = 0;
  const RED = {
    _: (key: string, params?: Record<string, string | number>) => {
      translations++;
      return lookup(catalogue, key, params);
    },
  } as unknown as NodeAPI;
  const shown: NodeStatus[] = [];
  const node = { status: (s: NodeStatus) => shown.push(s) } as unknown as Node;
  return { view: statusView(RED, node), shown, translations: () => translations };
}

describe('node status view', () => {
  it('translates nothing for polls that change nothing shown', () => {
    const h = harness();
    const charging = (power: number): ChargerStatus => ({ state: 'online', charging: true, carConnected: true, power });
    for (let i = 0; i < 100; i++) h.view.charger(charging(7300 + (i % 40)));
    assert.equal(h.translations(), 1, 'RED._ ran for polls that showed the same text');
    assert.deepEqual(h.shown.map((s) => s.text), ['charging 7.3 kW']);
    h.view.charger(charging(7400));
    h.view.charger({ state: 'online', charging: false, carConnected: true, power: 0 });
    for (let i = 0; i < 10; i++) h.view.charger({ state: 'online', charging: false, carConnected: true, power: i });
    assert.deepEqual(h.shown.map((s) => s.text), ['charging 7.3 kW', 'charging 7.4 kW', 'car connected']);
    assert.equal(h.translations(), 3);
  });

  it('still shows every change: offline retries, the quota, a failure and its end', () => {
    const h = harness();
    const online: ChargerStatus = { state: 'online', charging: false, carConnected: false };
    h.view.charger(online);
    h.view.charger({ state: 'offline', error: 'x', code: 'DEVICE_UNREACHABLE', failures: 1, retryInMs: 10_000 });
    h.view.charger({ state: 'offline', error: 'x', code: 'DEVICE_UNREACHABLE', failures: 2, retryInMs: 10_000 });
    h.view.charger({ state: 'offline', error: 'x', code: 'DEVICE_UNREACHABLE', failures: 3, retryInMs: 20_000 });
    h.view.charger({ ...online, quota: 'low' });
    h.view.failed(Object.assign(new Error('no'), { code: 'INVALID_INPUT' }));
    h.view.charger({ ...online, quota: 'low' });
    h.view.succeeded();
    assert.equal(h.shown.length, 6, JSON.stringify(h.shown));
    assert.equal(h.shown[5]!.text, h.shown[3]!.text, 'the charger status is back after the failure ended');
  });
});
