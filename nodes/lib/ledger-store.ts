// Where a key's quota ledger survives a restart: Node-RED's global context in a persistent
// store when one is configured (contextStorage with the localfilesystem module), otherwise
// a small JSON file in the user directory. That context reaches the disk on a 30 s flush, so
// a 429 or a low count is also written to the file at once: a crash must not forget it. The
// key itself is never written: entries are named by a hash of it.

import fs from 'node:fs';
import path from 'node:path';
import type { Node, NodeAPI } from 'node-red';
import type { Ledger, LedgerStore } from '../../src/coordinator/cloud-budget';
import { cautiousLedger } from '../../src/coordinator/ledger-merge';

const FILE = '.v2c-trydan-quota.json';

function persistentContextStore(RED: NodeAPI): string | undefined {
  const stores = (RED.settings as unknown as { contextStorage?: Record<string, { module?: unknown }> }).contextStorage ?? {};
  return Object.entries(stores).find(([, s]) => s?.module === 'localfilesystem')?.[0];
}

/**
 * `node` gives the global context and a place to warn; without one (the editor's discovery
 * before any config node with the key is deployed) only the file is used.
 */
export function ledgerStore(RED: NodeAPI, node: Node | undefined, keyId: string): LedgerStore | undefined {
  const file = fileStore(RED, node, keyId);
  const store = persistentContextStore(RED);
  if (store && node) {
    const name = `v2c-trydan-quota-${keyId}`;
    const global = node.context().global;
    return {
      load: () => cautiousLedger(global.get(name, store), file?.load()),
      save: (ledger, options) => {
        global.set(name, ledger, store);
        if (options?.urgent) file?.save(ledger);
      },
    };
  }
  return file;
}

/** The ledger in a small JSON file in the user directory, written atomically on every save. */
function fileStore(RED: NodeAPI, node: Node | undefined, keyId: string): LedgerStore | undefined {
  const userDir = (RED.settings as unknown as { userDir?: string }).userDir;
  if (!userDir) return undefined;
  const file = path.join(userDir, FILE);
  const readAll = (): Record<string, Ledger> => {
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, Ledger>;
    } catch {
      return {};
    }
  };
  return {
    load: () => {
      const all = readAll();
      return Object.hasOwn(all, keyId) ? all[keyId] : undefined;
    },
    save: (ledger) => {
      try {
        // Write then rename, so a crash mid-write never leaves a half file (every key's ledger lost).
        const temp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(temp, JSON.stringify({ ...readAll(), [keyId]: ledger }));
        fs.renameSync(temp, file);
      } catch (err) {
        (node ?? RED.log).warn(`cannot keep the cloud quota ledger in ${file}: ${(err as Error).message}`);
      }
    },
  };
}
