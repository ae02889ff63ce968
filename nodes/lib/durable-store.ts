// Records that must survive a restart, even a kill -9: Node-RED's global context in a
// persistent store when one is configured (contextStorage with the localfilesystem module),
// otherwise a small JSON file in the user directory. That context reaches the disk on a 30 s
// flush, so a record saved as urgent is also written to the file at once, and loading merges
// the two copies (after a crash either may be the newer). Used for the cloud quota ledger
// (ledger-store.ts) and the chargers' energy (energy-store.ts).

import fs from 'node:fs';
import path from 'node:path';
import type { Node, NodeAPI } from 'node-red';

export interface DurableStore<T> {
  load(key: string, now: number): T | undefined;
  /** `urgent`: it must reach the disk now, not at a later flush. */
  save(key: string, value: T, options?: { urgent: boolean }): void;
}

export interface DurableSpec<T> {
  /** The file's name in the user directory. */
  file: string;
  /** Context names are this plus the key. */
  prefix: string;
  /** What is kept, for the warning when the file cannot be written. */
  what: string;
  /** A stored value if it is whole, else undefined (a damaged copy is never trusted). */
  parse(value: unknown): T | undefined;
  /** The context's and the file's copies as one (each may be damaged or missing). */
  merge(context: unknown, file: unknown, now: number): T | undefined;
  /**
   * Without a persistent context, saves that are not urgent reach the file at most this often
   * (a value saved every few seconds must not wear an SD card); 0: every save.
   */
  fileEveryMs?: number;
}

function persistentContextStore(RED: NodeAPI): string | undefined {
  const stores = (RED.settings as unknown as { contextStorage?: Record<string, { module?: unknown }> }).contextStorage ?? {};
  return Object.entries(stores).find(([, s]) => s?.module === 'localfilesystem')?.[0];
}

/**
 * `node` gives the global context and a place to warn; without one (the editor's discovery
 * before any config node is deployed) only the file is used.
 */
export function durableStore<T>(RED: NodeAPI, node: Node | undefined, spec: DurableSpec<T>): DurableStore<T> | undefined {
  const file = fileStore(RED, node, spec);
  const store = persistentContextStore(RED);
  if (store && node) {
    const global = node.context().global;
    return {
      load: (key, now) => spec.merge(global.get(spec.prefix + key, store), file?.read(key), now),
      save: (key, value, options) => {
        global.set(spec.prefix + key, value, store);
        if (options?.urgent) file?.write(key, value);
      },
    };
  }
  if (!file) return undefined;
  const written = new Map<string, number>();
  return {
    load: (key) => spec.parse(file.read(key)),
    save: (key, value, options) => {
      const now = Date.now();
      const every = spec.fileEveryMs ?? 0;
      if (!options?.urgent && every > 0 && now - (written.get(key) ?? -Infinity) < every) return;
      written.set(key, now);
      file.write(key, value);
    },
  };
}

/** Every key's value in one small JSON file in the user directory, written atomically. */
function fileStore<T>(RED: NodeAPI, node: Node | undefined, spec: DurableSpec<T>): { read(key: string): unknown; write(key: string, value: T): void } | undefined {
  const userDir = (RED.settings as unknown as { userDir?: string }).userDir;
  if (!userDir) return undefined;
  const file = path.join(userDir, spec.file);
  // A file that is missing, unreadable or not an object of values (null, a list) counts as
  // empty: a damaged file must never stand between a config node and its charger.
  const readAll = (): Record<string, unknown> => {
    try {
      const all: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
      return all !== null && typeof all === 'object' && !Array.isArray(all) ? (all as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  };
  return {
    read: (key) => {
      const all = readAll();
      return Object.hasOwn(all, key) ? all[key] : undefined;
    },
    write: (key, value) => {
      try {
        // Write then rename, so a crash mid-write never leaves a half file (every key's value lost).
        const temp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(temp, JSON.stringify({ ...readAll(), [key]: value }));
        fs.renameSync(temp, file);
      } catch (err) {
        (node ?? RED.log).warn(`cannot keep ${spec.what} in ${file}: ${(err as Error).message}`);
      }
    },
  };
}
