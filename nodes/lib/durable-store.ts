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
  /**
   * Urgent saves of other keys share one write of the file within this many ms of the last
   * (a thousand chargers each saving every minute would rewrite it many times a second): they
   * wait at most this long, and whatever waits is written as the process exits. A key saved
   * again, alone, is written at once. 0: every urgent save at once.
   */
  urgentEveryMs?: number;
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
  return {
    load: (key) => spec.parse(file.read(key)),
    save: (key, value, options) => {
      // Without an urgent reason, the file is rewritten at most every fileEveryMs, for every
      // charger at once: the values saved meanwhile wait in memory for that write.
      const every = spec.fileEveryMs ?? 0;
      if (!options?.urgent && every > 0 && Date.now() - file.writtenAt() < every) file.keep(key, value);
      else file.write(key, value);
    },
  };
}

/** The file's values as last read or written by this process, and the file's stat then. */
interface Cached {
  all: Record<string, unknown>;
  stat: string;
  writtenAt: number;
  /** The key whose urgent save was last written at once. */
  writtenKey?: string;
  /** Set while urgent values wait for their shared write. */
  timer?: NodeJS.Timeout;
  flush?: () => void;
}

/** One per file for the whole process: a thousand chargers must not each re-read the file. */
const cache = new Map<string, Cached>();

// Values waiting for a shared write reach the file when Node-RED stops (it exits after closing
// the nodes, whose last saves are urgent).
process.once('exit', () => {
  for (const entry of cache.values()) if (entry.timer) entry.flush?.();
});

function statOf(file: string): string {
  try {
    const s = fs.statSync(file);
    return `${s.size}:${s.mtimeMs}:${s.ino}`;
  } catch {
    return 'missing';
  }
}

/** Every key's value in one small JSON file in the user directory, written atomically. */
function fileStore<T>(
  RED: NodeAPI,
  node: Node | undefined,
  spec: DurableSpec<T>,
): { read(key: string): unknown; write(key: string, value: T): void; keep(key: string, value: T): void; writtenAt(): number } | undefined {
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
  // Read again only when someone else changed the file (a restore, another process).
  const current = (): Cached => {
    const stat = statOf(file);
    let entry = cache.get(file);
    if (!entry || entry.stat !== stat) {
      // Values still waiting for their write stay: they are newer than the file's.
      entry = { ...entry, all: { ...readAll(), ...(entry?.timer ? entry.all : {}) }, stat, writtenAt: entry?.writtenAt ?? -Infinity };
      cache.set(file, entry);
    }
    return entry;
  };
  const persist = (entry: Cached): void => {
    clearTimeout(entry.timer);
    entry.timer = undefined;
    entry.writtenAt = Date.now();
    try {
      // Write then rename, so a crash mid-write never leaves a half file (every key's value lost).
      const temp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(temp, JSON.stringify(entry.all));
      fs.renameSync(temp, file);
      entry.stat = statOf(file);
    } catch (err) {
      (node ?? RED.log).warn(`cannot keep ${spec.what} in ${file}: ${(err as Error).message}`);
    }
  };
  return {
    read: (key) => {
      const all = current().all;
      return Object.hasOwn(all, key) ? all[key] : undefined;
    },
    keep: (key, value) => {
      // Every poll of every charger comes here: the file is looked at again when it is written.
      (cache.get(file) ?? current()).all[key] = value;
    },
    writtenAt: () => cache.get(file)?.writtenAt ?? -Infinity,
    write: (key, value) => {
      const entry = current();
      entry.all[key] = value;
      const wait = (spec.urgentEveryMs ?? 0) - (Date.now() - entry.writtenAt);
      if (wait <= 0 || (key === entry.writtenKey && !entry.timer)) {
        entry.writtenKey = key;
        return persist(entry);
      }
      entry.flush = () => persist(entry);
      entry.timer ??= setTimeout(() => persist(entry), wait).unref();
    },
  };
}
