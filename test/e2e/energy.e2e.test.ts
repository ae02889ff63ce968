// End to end: session and lifetime energy in a real Node-RED with a persistent
// (localfilesystem) context store, across a clean restart and a kill -9, while the simulated
// car is paused and resumed (which resets the charger's own counter) behind Node-RED's back.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { URGENT_GROWTH_KWH } from '../../src/coordinator/energy-meter';
import { TrydanSimulator } from '../../src/sim';
import { type NodeRedProcess, getJson, installPackage, nodeId, nodeRedVersion, removeDir, startNodeRed, tempDir, waitFor } from '../helpers/red';

const DEVICE_ID = 'E2EENERGY01';

interface Payload {
  ChargeEnergy?: number;
  Paused?: number;
  sessionEnergy?: number;
  lifetimeEnergy?: number;
}

/** realtime-in; its last payload kept in a memory store (not the persistent one) and served at GET /e2e/energy. */
function buildFlow(host: string): unknown[] {
  const tab = nodeId();
  const cfg = nodeId();
  const keep = nodeId();
  const httpIn = nodeId();
  const read = nodeId();
  const httpOut = nodeId();
  const change = (id: string, rules: unknown[], wires: string[]) => ({ id, type: 'change', z: tab, name: '', rules, action: '', property: '', from: '', to: '', reg: false, x: 400, y: 100, wires: [wires] });
  return [
    { id: tab, type: 'tab', label: 'energy', disabled: false, info: '' },
    { id: cfg, type: 'v2c-config', name: 'Sim', host, deviceId: '', cloudUrl: 'https://v2c.cloud/kong/v2c_service', pollInterval: 1, idleInterval: 30, version: 1 },
    { id: nodeId(), type: 'v2c-realtime-in', z: tab, server: cfg, output: 'every', ignore: '', name: '', version: 1, x: 100, y: 40, wires: [[keep]] },
    change(keep, [{ t: 'set', p: '#:(memory)::last', pt: 'flow', to: 'payload', tot: 'msg' }], []),
    { id: httpIn, type: 'http in', z: tab, name: '', url: '/e2e/energy', method: 'get', upload: false, swaggerDoc: '', x: 100, y: 200, wires: [[read]] },
    change(read, [{ t: 'set', p: 'payload', pt: 'msg', to: '#:(memory)::last', tot: 'flow' }], [httpOut]),
    { id: httpOut, type: 'http response', z: tab, name: '', statusCode: '', headers: {}, x: 600, y: 200, wires: [] },
  ];
}

describe(`e2e: session energy across restarts of a real Node-RED ${nodeRedVersion}`, function () {
  this.timeout(180_000);

  let sim: TrydanSimulator;
  let host: string;
  let userDir: string;
  let red: NodeRedProcess | undefined;
  const extraSettings = { contextStorage: { default: { module: 'localfilesystem' }, memory: { module: 'memory' } } };

  before(async function () {
    sim = new TrydanSimulator({ deviceId: DEVICE_ID, carConnected: true, latencyMs: 10, timeScale: 60 });
    ({ host } = await sim.start());
    userDir = tempDir('v2c-e2e-energy-');
    await installPackage(userDir);
  });

  after(async function () {
    await red?.stop();
    await sim?.stop();
    removeDir(userDir);
  });

  const failWithLog = (err: unknown): never => {
    throw new Error(`${(err as Error).message}\n--- Node-RED output ---\n${red?.output() ?? ''}`);
  };
  const payload = async (): Promise<Payload | undefined> => {
    const p = await getJson<Payload | string>(`${red!.url}/e2e/energy`);
    return typeof p === 'object' && p !== null && typeof p.sessionEnergy === 'number' ? p : undefined;
  };
  const until = (what: string, check: (p: Payload) => boolean): Promise<Payload> =>
    waitFor(what, async () => {
      const p = await payload();
      return p && check(p) ? p : undefined;
    }, 30_000).catch(failWithLog);
  /** Pause and resume: the charger's counter starts again from 0. */
  const pauseAndResume = () => {
    sim.set({ settings: { Paused: 1 } });
    sim.set({ settings: { Paused: 0 } });
  };

  it('keeps the session and the lifetime across a clean restart and a kill -9', async function () {
    red = await startNodeRed({ userDir, flows: buildFlow(host), extraSettings });
    const first = await until('0.3 kWh', (p) => p.sessionEnergy! >= 0.3);
    pauseAndResume();
    await until('the reset counter', (p) => p.ChargeEnergy! < first.ChargeEnergy!);
    const beforeStop = await until('more energy', (p) => p.sessionEnergy! >= first.sessionEnergy! + 0.2);

    // A clean restart: the context is flushed on the way down. Meanwhile the car is paused,
    // which resets the charger's counter behind Node-RED's back.
    await red.stop();
    const global = JSON.parse(fs.readFileSync(path.join(userDir, 'context', 'global', 'global.json'), 'utf8')) as Record<string, { lifetime?: number }>;
    assert.ok((global[`v2c-trydan-energy-${DEVICE_ID}`]?.lifetime ?? 0) >= beforeStop.lifetimeEnergy! - 0.001, 'kept in the persistent context under the charger ID');
    sim.set({ settings: { Paused: 1 } });
    red = await startNodeRed({ userDir, extraSettings });
    const afterStart = await until('telemetry after the restart', () => true);
    assert.equal(afterStart.ChargeEnergy, 0);
    assert.ok(afterStart.sessionEnergy! >= beforeStop.sessionEnergy!, `session ${afterStart.sessionEnergy} after ${beforeStop.sessionEnergy}`);
    assert.ok(afterStart.lifetimeEnergy! >= beforeStop.lifetimeEnergy!, `lifetime ${afterStart.lifetimeEnergy} after ${beforeStop.lifetimeEnergy}`);
    assert.ok(afterStart.sessionEnergy! < beforeStop.sessionEnergy! + 0.5, 'nothing counted twice');
    sim.set({ settings: { Paused: 0 } });

    // kill -9: the context never flushed; the file written at the last 0.1 kWh is what is left.
    const beforeKill = await until('energy after the resume', (p) => p.sessionEnergy! >= afterStart.sessionEnergy! + 0.2);
    process.kill(red.pid, 'SIGKILL');
    await red.stop();
    sim.set({ settings: { Paused: 1 } });
    red = await startNodeRed({ userDir, extraSettings });
    const afterKill = await until('telemetry after the kill', () => true);
    // The counter reset while Node-RED was dead: what grew after the last write (< 0.1 kWh) is lost.
    const lost = URGENT_GROWTH_KWH + 0.011;
    assert.ok(afterKill.sessionEnergy! >= beforeKill.sessionEnergy! - lost, `session ${afterKill.sessionEnergy} after ${beforeKill.sessionEnergy}`);
    assert.ok(afterKill.lifetimeEnergy! >= beforeKill.lifetimeEnergy! - lost, `lifetime ${afterKill.lifetimeEnergy} after ${beforeKill.lifetimeEnergy}`);
    assert.ok(afterKill.sessionEnergy! < beforeKill.sessionEnergy! + 0.5, 'nothing counted twice');
    sim.set({ settings: { Paused: 0 } });
    await until('the session growing on', (p) => p.sessionEnergy! >= afterKill.sessionEnergy! + 0.1);
  });
});
