import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Node, NodeAPI } from 'node-red';
import { CloudBudget, type Ledger } from '../../src/coordinator/cloud-budget';
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

  it('keeps the last few calls on disk at once', () => {
    const before = runtime(userDir);
    const budget = new CloudBudget({ reserve: 100, store: ledgerStore(before.RED, before.node, 'k1') });
    budget.record(200, { limit: 1000, remaining: 40 });
    const after = runtime(userDir);
    assert.equal(new CloudBudget({ store: ledgerStore(after.RED, after.node, 'k1') }).rateLimit.remaining, 40);
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
  it('leaves a damaged copy out rather than merging it', () => {
    const { RED, node, contextMemory } = runtime(userDir);
    const store = ledgerStore(RED, node, 'k1')!;
    const base: Ledger = { limit: 1000, remaining: 500, resetAt: Date.now() + 3_600_000, blockedUntil: 0, authFailures: 0, authRetryAt: 0 };
    contextMemory.set('v2c-trydan-quota-k1', base);
    fs.writeFileSync(path.join(userDir, '.v2c-trydan-quota.json'), JSON.stringify({ k1: { ...base, remaining: null } }));
    assert.equal(store.load()?.remaining, 500);
  });
});
