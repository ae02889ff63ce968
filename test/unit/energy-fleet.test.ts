// A thousand chargers share one energy file: it is read once, not once per charger, and
// their urgent saves share a write instead of rewriting it a thousand times.

import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Node, NodeAPI } from 'node-red';
import { EnergyMeter } from '../../src/coordinator/energy-meter';
import type { EnergyState } from '../../src/trydan/session-energy';
import { energyStore } from '../../nodes/lib/energy-store';

describe('energy store with a fleet', () => {
  let userDir: string;
  const original = { readFileSync: fs.readFileSync, renameSync: fs.renameSync };
  beforeEach(() => {
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'v2c-fleet-'));
  });
  afterEach(() => {
    Object.assign(fs, original);
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  it('reads the file once and writes it a few times for 1000 chargers, and every value reaches it', async () => {
    const file = path.join(userDir, '.v2c-trydan-energy.json');
    fs.writeFileSync(file, JSON.stringify({ C0: { old: true } }));
    let reads = 0;
    let writes = 0;
    fs.readFileSync = ((p: fs.PathOrFileDescriptor, ...rest: []) => {
      if (p === file) reads++;
      return original.readFileSync(p, ...rest);
    }) as typeof fs.readFileSync;
    fs.renameSync = ((from: fs.PathLike, to: fs.PathLike) => {
      if (to === file) writes++;
      return original.renameSync(from, to);
    }) as typeof fs.renameSync;
    const RED = { settings: { userDir }, log: { warn: () => undefined } } as unknown as NodeAPI;
    const warnings: string[] = [];
    const node = { context: () => ({ global: { get: () => undefined, set: () => undefined } }), warn: (w: string) => warnings.push(w) } as unknown as Node;
    const now = Date.now();
    for (let i = 0; i < 1000; i++) {
      // A first reading is urgent (nothing of this charger is on the disk yet).
      new EnergyMeter({ store: energyStore(RED, node)! }).observe({ ID: `C${i}`, ChargeState: 2, Paused: 0, ChargePower: 7400, ChargeEnergy: 1 }, now);
    }
    assert.equal(reads, 1, 'the file was read for each charger');
    assert.ok(writes <= 2, `${writes} writes of the file for 1000 chargers`);
    await new Promise((r) => setTimeout(r, 1100));
    const onDisk = JSON.parse(original.readFileSync(file, 'utf8')) as Record<string, EnergyState>;
    assert.equal(Object.keys(onDisk).length, 1000);
    assert.ok(onDisk.C999 && onDisk.C0 && !('old' in onDisk.C0), 'the last charger and the first (saved over the old value) are on the disk');
    assert.deepEqual(warnings, []);
  });
});
