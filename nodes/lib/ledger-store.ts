// Where a key's quota ledger survives a restart (durable-store.ts): the context, and the file
// written at once when it matters: a 429, a 401 or a low count must survive a crash. The key
// itself is never written: entries are named by a hash of it.

import type { Node, NodeAPI } from 'node-red';
import { type LedgerStore, parseLedger } from '../../src/coordinator/cloud-budget';
import { cautiousLedger } from '../../src/coordinator/ledger-merge';
import { durableStore } from './durable-store';

/**
 * `node` gives the global context and a place to warn; without one (the editor's discovery
 * before any config node with the key is deployed) only the file is used.
 */
export function ledgerStore(RED: NodeAPI, node: Node | undefined, keyId: string): LedgerStore | undefined {
  const store = durableStore(RED, node, {
    file: '.v2c-trydan-quota.json',
    prefix: 'v2c-trydan-quota-',
    what: 'the cloud quota ledger',
    parse: (value) => parseLedger(value),
    merge: cautiousLedger,
  });
  return store && { load: (now) => store.load(keyId, now), save: (ledger, options) => store.save(keyId, ledger, options) };
}
