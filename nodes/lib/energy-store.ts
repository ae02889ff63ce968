// Where each charger's session and lifetime energy survives a restart (durable-store.ts),
// under its ID. A reset, a plug-in, an unplug and every 0.1 kWh of growth are written at once
// (energy-meter.ts says why; within a second, shared with other chargers' urgent saves); the
// rest waits for the context's flush, or a minute for the file.

import type { Node, NodeAPI } from 'node-red';
import type { EnergyStore } from '../../src/coordinator/energy-meter';
import { type EnergyState, parseEnergyState } from '../../src/trydan/session-energy';
import { durableStore } from './durable-store';

/** Of two copies after a crash, the later reading's; at the same time, the larger lifetime. */
export function newerEnergy(first: unknown, second: unknown): EnergyState | undefined {
  const a = parseEnergyState(first);
  const b = parseEnergyState(second);
  if (!a || !b) return a ?? b;
  if (a.at !== b.at) return a.at > b.at ? a : b;
  return a.lifetime >= b.lifetime ? a : b;
}

/**
 * Urgent saves of all chargers share a write within this long: one charger's are a minute
 * apart, a fleet's many a second. A crash loses at most this much of them.
 */
const URGENT_EVERY_MS = 1000;

export function energyStore(RED: NodeAPI, node: Node): EnergyStore | undefined {
  const store = durableStore(RED, node, {
    file: '.v2c-trydan-energy.json',
    prefix: 'v2c-trydan-energy-',
    what: "the charger's energy counters",
    parse: parseEnergyState,
    merge: (context, file) => newerEnergy(context, file),
    fileEveryMs: 60_000,
    urgentEveryMs: URGENT_EVERY_MS,
  });
  if (!store) return undefined;
  // A context store that fails must not stop the readings: the figures go on in memory, and
  // the log says so once, not on every poll, until the store works again.
  let failing = false;
  const guard = <T>(what: string, run: () => T): T | undefined => {
    try {
      const result = run();
      failing = false;
      return result;
    } catch (err) {
      if (!failing) node.warn(`cannot ${what} the charger's energy counters: ${(err as Error).message}`);
      failing = true;
      return undefined;
    }
  };
  return {
    load: (key) => guard('read', () => store.load(key, Date.now())),
    save: (key, state, options) => guard('keep', () => store.save(key, state, options)),
  };
}
