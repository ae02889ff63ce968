import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Node, NodeAPI } from 'node-red';
import { CloudBudget, type Ledger } from '../../src/coordinator/cloud-budget';
import { EnergyMeter } from '../../src/coordinator/energy-meter';
import { energyStore } from '../../nodes/lib/energy-store';
import { ledgerStore } from '../../nodes/lib/ledger-store';

/**
 * Node-RED with a `localfilesystem` context store: values sit in memory and reach the disk
 * on a 30 s flush. A kill -9 before the flush is a new, empty memory on the same user dir.
 */
function runtime(userDir: string): { RED: NodeAPI; node: Node; contextMemory: Map<string, unknown> } {
  const contextMemory = new Map<string, unknown>();
  const global = { get: (k: string) => contextMemory.get(k), set: (k: string, v: unknown) => void contextMemory.set(k, v) };
  const RED = { settings: { userDir, contextStorage: { default: { module: 'localfilesystem' } } }, log: { warn: () => undefined } } as unknown as NodeAPI;
  const node = { context: () => ({ global }), warn: () => undefined } as unknown as Node;
  return { RED, node, contextMemory };
}

describe('quota ledger store', () => {
  let userDir: string;
  beforeEach(() => {
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'v2c-ledger-'));
  });
  afterEach(() => fs.rmSync(userDir, { recursive: true, force: true }));

  it('keeps a 429 on disk at once, so a kill before the context flush does not forget it', () => {
    const before = runtime(userDir);
    const budget = new CloudBudget({ store: ledgerStore(before.RED, before.node, 'k1') });
    budget.record(429, { remaining: 0, resetSeconds: 3600 });
    // kill -9: the context's memory is gone, the user directory stays.
    const after = runtime(userDir);
    const again = new CloudBudget({ store: ledgerStore(after.RED, after.node, 'k1') });
    assert.equal(again.state, 'spent');
    assert.throws(() => again.check('reboot', 'user'), { code: 'RATE_LIMITED' });
  });

  it('keeps a 429 across a kill -9 while the chargers\' energy is kept in the same context and user directory', () => {
    const before = runtime(userDir);
    const budget = new CloudBudget({ store: ledgerStore(before.RED, before.node, 'k1') });
    const meter = new EnergyMeter({ store: energyStore(before.RED, before.node)! });
    const t0 = Date.now();
    meter.observe({ ID: 'T1', ChargeState: 2, Paused: 0, ChargePower: 7400, ChargeEnergy: 0 }, t0);
    budget.record(429, { remaining: 0, resetSeconds: 60 });
    // Energy saved after the 429, urgent (a reset) and not: neither may take the ledger's place.
    meter.observe({ ID: 'T1', ChargeState: 2, Paused: 0, ChargePower: 7400, ChargeEnergy: 0.5 }, t0 + 1000);
    meter.observe({ ID: 'T1', ChargeState: 2, Paused: 0, ChargePower: 7400, ChargeEnergy: 0 }, t0 + 2000);
    const after = runtime(userDir);
    assert.equal(new CloudBudget({ store: ledgerStore(after.RED, after.node, 'k1') }).state, 'spent');
    assert.ok(fs.existsSync(path.join(userDir, '.v2c-trydan-energy.json')), 'the energy went to its own file');
  });

  it('keeps the last few calls on disk at once', () => {
    const before = runtime(userDir);
    const budget = new CloudBudget({ reserve: 100, store: ledgerStore(before.RED, before.node, 'k1') });
    budget.record(200, { limit: 1000, remaining: 40 });
    const after = runtime(userDir);
    assert.equal(new CloudBudget({ store: ledgerStore(after.RED, after.node, 'k1') }).rateLimit.remaining, 40);
  });

  it('keeps a 401 on disk at once, so a kill before the context flush does not retry at once, and its end too', () => {
    const before = runtime(userDir);
    new CloudBudget({ store: ledgerStore(before.RED, before.node, 'k1') }).record(401, {});
    const after = runtime(userDir);
    const again = new CloudBudget({ store: ledgerStore(after.RED, after.node, 'k1') });
    assert.equal(again.state, 'authFailed');
    assert.throws(() => again.check('currentstatecharge', 'background'), { code: 'AUTH_FAILED' });
    // The key works again: that reaches the disk at once too, or the cautious merge would revive the 401.
    again.record(200, { remaining: 900 });
    const later = runtime(userDir);
    assert.equal(new CloudBudget({ store: ledgerStore(later.RED, later.node, 'k1') }).state, 'ok');
  });

  it('trusts the more cautious of the context and the file', () => {
    const { RED, node, contextMemory } = runtime(userDir);
    const store = ledgerStore(RED, node, 'k1')!;
    const day = Date.now() + 3_600_000;
    const base: Ledger = { limit: 1000, remaining: 30, resetAt: day, blockedUntil: 0, authFailures: 0, authRetryAt: 0 };
    store.save(base, { urgent: true });
    contextMemory.set('v2c-trydan-quota-k1', { ...base, remaining: 500 });
    assert.equal(store.load()?.remaining, 30);
    // A new day in the context beats yesterday's file.
    contextMemory.set('v2c-trydan-quota-k1', { ...base, remaining: 990, resetAt: day + 86_400_000 });
    assert.equal(store.load()?.remaining, 990);
  });
  it('treats a quota file that is not an object (null, a list, a number, text) as absent, and writes over it', () => {
    const file = path.join(userDir, '.v2c-trydan-quota.json');
    const fileOnly = { settings: { userDir }, log: { warn: () => undefined } } as unknown as NodeAPI;
    for (const damaged of ['null', '[1,2]', '42', '"k1"', 'true']) {
      for (const [RED, node] of [[fileOnly, undefined], [runtime(userDir).RED, runtime(userDir).node]] as const) {
        fs.writeFileSync(file, damaged);
        const budget = new CloudBudget({ store: ledgerStore(RED, node, 'k1') });
        assert.equal(budget.state, 'ok', damaged);
        budget.record(429, { remaining: 0, resetSeconds: 60 });
        assert.equal(new CloudBudget({ store: ledgerStore(RED, runtime(userDir).node, 'k1') }).state, 'spent', `${damaged}: the 429 kept`);
      }
    }
  });

  it('leaves a damaged copy out rather than merging it', () => {
    const { RED, node, contextMemory } = runtime(userDir);
    const store = ledgerStore(RED, node, 'k1')!;
    const base: Ledger = { limit: 1000, remaining: 500, resetAt: Date.now() + 3_600_000, blockedUntil: 0, authFailures: 0, authRetryAt: 0 };
    contextMemory.set('v2c-trydan-quota-k1', base);
    fs.writeFileSync(path.join(userDir, '.v2c-trydan-quota.json'), JSON.stringify({ k1: { ...base, remaining: null } }));
    assert.equal(store.load()?.remaining, 500);
  });
});
