// Where a key's quota ledger survives a restart: Node-RED's global context in a persistent
// store when one is configured (contextStorage with the localfilesystem module), otherwise
// a small JSON file in the user directory. The key itself is never written: entries are
// named by a hash of it.

import fs from 'node:fs';
import path from 'node:path';
import type { Node, NodeAPI } from 'node-red';
import type { Ledger, LedgerStore } from '../../src/coordinator/cloud-budget';

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
  const name = `v2c-trydan-quota-${keyId}`;
  const store = persistentContextStore(RED);
  if (store && node) {
    const global = node.context().global;
    return {
      load: () => (global.get(name, store) as Ledger | undefined) ?? undefined,
      save: (ledger) => global.set(name, ledger, store),
    };
  }
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
    load: () => readAll()[keyId],
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
