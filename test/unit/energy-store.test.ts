import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Node, NodeAPI } from 'node-red';
import { EnergyMeter, energyKey } from '../../src/coordinator/energy-meter';
import type { EnergyState } from '../../src/trydan/session-energy';
import type { Reading } from '../../src/trydan/telemetry';
import { energyStore, newerEnergy } from '../../nodes/lib/energy-store';

/**
 * Node-RED's global context, in memory; `persistent`: a localfilesystem store is configured
 * (it reaches the disk on a 30 s flush, so a kill -9 is a new, empty memory on the same dir).
 */
function runtime(userDir: string, persistent: boolean): { RED: NodeAPI; node: Node; contextMemory: Map<string, unknown> } {
  const contextMemory = new Map<string, unknown>();
  const global = { get: (k: string) => contextMemory.get(k), set: (k: string, v: unknown) => void contextMemory.set(k, v) };
  const settings = persistent ? { userDir, contextStorage: { default: { module: 'localfilesystem' } } } : { userDir };
  const RED = { settings, log: { warn: () => undefined } } as unknown as NodeAPI;
  const node = { context: () => ({ global }), warn: () => undefined } as unknown as Node;
  return { RED, node, contextMemory };
}

const T0 = Date.UTC(2026, 5, 1, 10);
const reading = (kWh: number, extra: Reading = {}): Reading => ({ ID: 'T1', ChargeState: 2, Paused: 0, ChargePower: 7400, ChargeEnergy: kWh, ...extra });

describe('energy meter and its store', () => {
  let userDir: string;
  beforeEach(() => {
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'v2c-energy-'));
  });
  afterEach(() => fs.rmSync(userDir, { recursive: true, force: true }));

  for (const persistent of [true, false]) {
    it(`continues the session and lifetime after a restart (${persistent ? 'persistent context' : 'file only'})`, () => {
      const before = runtime(userDir, persistent);
      const meter = new EnergyMeter({ store: energyStore(before.RED, before.node)! });
      meter.observe(reading(0), T0);
      meter.observe(reading(1.2), T0 + 600_000);
      meter.observe(reading(0, { Paused: 1, ChargePower: 0 }), T0 + 605_000);
      meter.observe(reading(0.4), T0 + 900_000);
      const figures = meter.observe(reading(0.5), T0 + 950_000);
      meter.close();
      // A clean restart: the context (flushed at close) and the file hold the state.
      const after = runtime(userDir, persistent);
      if (persistent) for (const [k, v] of before.contextMemory) after.contextMemory.set(k, v);
      const again = new EnergyMeter({ store: energyStore(after.RED, after.node)! });
      const next = again.observe(reading(0.6), T0 + 1_000_000);
      assert.ok(Math.abs(next.sessionEnergy - (figures.sessionEnergy + 0.1)) < 0.0011, `${next.sessionEnergy} after ${figures.sessionEnergy}`);
      assert.ok(Math.abs(next.lifetimeEnergy - (figures.lifetimeEnergy + 0.1)) < 0.0011);
    });
  }

  it('survives a kill -9 before the context flush: a reset was written to the file at once', () => {
    const before = runtime(userDir, true);
    const meter = new EnergyMeter({ store: energyStore(before.RED, before.node)! });
    meter.observe(reading(0), T0);
    meter.observe(reading(2), T0 + 1_200_000);
    meter.observe(reading(0, { Paused: 1, ChargePower: 0 }), T0 + 1_200_000);
    meter.observe(reading(0.3), T0 + 1_500_000);
    // kill -9: no close, the context's memory is gone; only the file is left.
    const after = runtime(userDir, true);
    const again = new EnergyMeter({ store: energyStore(after.RED, after.node)! });
    const next = again.observe(reading(0.5), T0 + 1_600_000);
    // 2 before the pause, 0.5 since: the growth the crash lost is told again by the counter.
    assert.equal(next.sessionEnergy, 2.5);
    assert.equal(next.lifetimeEnergy, 2.5);
  });

  it('writes plain growth to the file at most once a minute without a persistent context', () => {
    const rt = runtime(userDir, false);
    const meter = new EnergyMeter({ store: energyStore(rt.RED, rt.node)! });
    const file = path.join(userDir, '.v2c-trydan-energy.json');
    meter.observe(reading(0), T0);
    const first = fs.readFileSync(file, 'utf8');
    meter.observe(reading(0.01), T0 + 5_000);
    meter.observe(reading(0.02), T0 + 10_000);
    assert.equal(fs.readFileSync(file, 'utf8'), first, 'growth waits');
    meter.observe(reading(0, { Paused: 1, ChargePower: 0 }), T0 + 15_000);
    assert.notEqual(fs.readFileSync(file, 'utf8'), first, 'a reset is written at once');
  });

  it('writes every 0.1 kWh of growth at once, so a crash with a reset loses less than that', () => {
    const rt = runtime(userDir, true);
    const meter = new EnergyMeter({ store: energyStore(rt.RED, rt.node)! });
    const file = path.join(userDir, '.v2c-trydan-energy.json');
    const onDisk = () => (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, EnergyState>).T1!.lifetime;
    meter.observe(reading(0), T0);
    meter.observe(reading(0.05), T0 + 60_000);
    assert.equal(onDisk(), 0);
    meter.observe(reading(0.1), T0 + 120_000);
    assert.equal(onDisk(), 0.1);
  });

  it('keeps each charger under its own ID and a strange ID under its hash', () => {
    const rt = runtime(userDir, true);
    const store = energyStore(rt.RED, rt.node)!;
    new EnergyMeter({ store }).observe(reading(1), T0);
    new EnergyMeter({ store }).observe(reading(3, { ID: 'a.b c' }), T0);
    assert.equal((rt.contextMemory.get('v2c-trydan-energy-T1') as EnergyState).lifetime, 1);
    assert.equal((rt.contextMemory.get(`v2c-trydan-energy-${energyKey('a.b c')}`) as EnergyState).lifetime, 3);
    assert.match(energyKey('a.b c'), /^h[0-9a-f]{16}$/);
  });

  it('starts over for another charger at the same address', () => {
    const rt = runtime(userDir, true);
    const meter = new EnergyMeter({ store: energyStore(rt.RED, rt.node)! });
    meter.observe(reading(4), T0);
    const other = meter.observe(reading(1, { ID: 'T2' }), T0 + 5_000);
    assert.equal(other.lifetimeEnergy, 1);
  });

  it('uses the fallback key for readings without an ID, and loads a store given later', () => {
    const rt = runtime(userDir, true);
    const store = energyStore(rt.RED, rt.node)!;
    const first = new EnergyMeter({ store, fallbackKey: () => 'cloud-DEV1' });
    const { ID: _id, ...noId } = reading(2);
    first.observe(noId, T0);
    first.close();
    assert.ok(rt.contextMemory.has('v2c-trydan-energy-cloud-DEV1'));
    const late = new EnergyMeter({ fallbackKey: () => 'cloud-DEV1' });
    late.observe(noId, T0 + 5_000);
    late.useStore(store);
    const figures = late.observe({ ...noId, ChargeEnergy: 2.1 }, T0 + 10_000);
    assert.equal(figures.lifetimeEnergy, 2.1, 'the stored state, not a second count of the same counter');
  });

  it('goes on counting in memory when the context store fails, and says so', () => {
    const rt = runtime(userDir, true);
    const warnings: string[] = [];
    const broken = { get: () => { throw new Error('store down'); }, set: () => { throw new Error('store down'); } };
    const node = { context: () => ({ global: broken }), warn: (w: string) => warnings.push(w) } as unknown as Node;
    const meter = new EnergyMeter({ store: energyStore(rt.RED, node)! });
    meter.observe(reading(1), T0);
    assert.equal(meter.observe(reading(1.5), T0 + 600_000).sessionEnergy, 1.5);
    meter.observe(reading(1.6), T0 + 660_000);
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0]!, /store down/);
  });

  it('merges two copies: the later reading wins, then the larger lifetime, and a damaged one is left out', () => {
    const s = (at: number, lifetime: number): EnergyState => ({ at, plugged: true, carried: 0, base: 0, last: 1, power: 0, lifetime, source: 'charger' });
    assert.equal(newerEnergy(s(1, 5), s(2, 4))!.at, 2);
    assert.equal(newerEnergy(s(2, 4), s(2, 5))!.lifetime, 5);
    assert.equal(newerEnergy({ broken: true }, s(1, 3))!.lifetime, 3);
    assert.equal(newerEnergy(undefined, undefined), undefined);
  });
});
