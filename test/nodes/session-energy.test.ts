import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TrydanSimulator } from '../../src/sim';
import { config, helper, nodes, startSim, waitFor } from './flow';

type Payload = { ChargeEnergy?: number; Paused?: number; ChargeState?: number; sessionEnergy: number; lifetimeEnergy: number; sessionEnergySource: string };

// 60 simulated seconds per real second: a 1 s poll sees 0.06 kWh at 3.7 kW, so a pause
// between polls loses at most that much from the charger's counter.
const TIME_SCALE = 60;
const POLL_KWH = (16 * 230 * TIME_SCALE) / 3_600_000;

describe('session and lifetime energy through the runtime', function () {
  this.timeout(30_000);
  let sim: TrydanSimulator;
  let host: string;
  let userDir: string;
  let seen: Payload[];

  beforeEach(async () => {
    ({ sim, host } = await startSim({ timeScale: TIME_SCALE }));
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'v2c-energy-node-'));
    // No persistent context store: the energy is kept in a file in the user directory.
    helper.settings({ userDir });
    await helper.startServer();
  });

  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
    helper.settings({});
    await sim.stop();
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  const flow = [config(host ?? ''), { id: 'rt', type: 'v2c-realtime-in', server: 'cfg', output: 'every', ignore: '', wires: [['out']] }, { id: 'out', type: 'helper' }];
  const load = async (): Promise<void> => {
    await helper.load(nodes, [config(host), ...flow.slice(1)]);
    seen = [];
    helper.getNode('out').on('input', (msg: { payload: Payload }) => seen.push(msg.payload));
  };
  const next = (what: string, check: (p: Payload) => boolean, timeoutMs = 10_000): Promise<Payload> => {
    const from = seen.length;
    return waitFor(what, () => seen.slice(from).find(check), timeoutMs);
  };
  const grows = () => {
    for (let i = 1; i < seen.length; i++) {
      assert.ok(seen[i]!.sessionEnergy >= seen[i - 1]!.sessionEnergy || seen[i]!.ChargeState === 0, `session fell: ${seen[i - 1]!.sessionEnergy} → ${seen[i]!.sessionEnergy}`);
      assert.ok(seen[i]!.lifetimeEnergy >= seen[i - 1]!.lifetimeEnergy, `lifetime fell: ${seen[i - 1]!.lifetimeEnergy} → ${seen[i]!.lifetimeEnergy}`);
    }
  };

  it('keeps the session growing across a pause and a resume, matching what the car received', async () => {
    const carAtStart = sim.car.energyKWh;
    await load();
    const first = await next('telemetry', () => true);
    assert.equal(first.sessionEnergySource, 'charger');
    const beforePause = await next('0.2 kWh', (p) => p.sessionEnergy >= 0.2);
    sim.set({ settings: { Paused: 1 } });
    const paused = await next('the pause', (p) => p.Paused === 1);
    assert.equal(paused.ChargeEnergy, 0, 'the simulator resets the counter on pause, as the firmware does');
    assert.ok(paused.sessionEnergy >= beforePause.sessionEnergy, `${paused.sessionEnergy} after ${beforePause.sessionEnergy}`);
    sim.set({ settings: { Paused: 0 } });
    const resumed = await next('the counter after the resume', (p) => p.Paused === 0 && (p.ChargeEnergy ?? 0) >= 0.1);
    assert.ok(resumed.sessionEnergy >= paused.sessionEnergy + (resumed.ChargeEnergy ?? 0) - 0.011, `${resumed.sessionEnergy} vs ${paused.sessionEnergy} + ${resumed.ChargeEnergy}`);
    // Stopped again, the car's battery and the session must agree within one poll's energy per pause.
    sim.set({ settings: { Paused: 1 } });
    const end = await next('the second pause', (p) => p.Paused === 1);
    const delivered = sim.car.energyKWh - carAtStart;
    assert.ok(Math.abs(end.sessionEnergy - delivered) <= 2 * POLL_KWH + 0.02, `session ${end.sessionEnergy} vs car ${delivered.toFixed(3)}`);
    assert.ok(end.lifetimeEnergy >= end.sessionEnergy - 1e-9);
    grows();
  });

  it('does not lose the session when the firmware resets its counter without a pause', async () => {
    await load();
    const before = await next('0.2 kWh', (p) => p.sessionEnergy >= 0.2);
    sim.set({ ChargeEnergy: 0 });
    const after = await next('the reset counter', (p) => (p.ChargeEnergy ?? 1) < before.ChargeEnergy! - 0.1);
    assert.ok(after.sessionEnergy >= before.sessionEnergy, `${after.sessionEnergy} after ${before.sessionEnergy}`);
    await next('more energy', (p) => p.sessionEnergy >= after.sessionEnergy + 0.1);
    grows();
  });

  it('ends the session when the car is unplugged and keeps the lifetime', async () => {
    await load();
    const charged = await next('0.2 kWh', (p) => p.sessionEnergy >= 0.2);
    sim.unplug();
    const gone = await next('the unplug', (p) => p.ChargeState === 0);
    assert.equal(gone.sessionEnergy, 0);
    assert.ok(gone.lifetimeEnergy >= charged.lifetimeEnergy);
    sim.plugIn();
    const again = await next('a new session', (p) => p.sessionEnergy >= 0.1);
    assert.ok(again.sessionEnergy < charged.sessionEnergy + 0.5, 'the last session is not counted again');
    assert.ok(again.lifetimeEnergy >= gone.lifetimeEnergy + again.sessionEnergy - 0.011);
    grows();
  });

  it('continues the session and the lifetime after a restart, also across a pause while away', async () => {
    await load();
    const before = await next('0.3 kWh', (p) => p.sessionEnergy >= 0.3);
    await helper.unload();
    // While Node-RED is away the car is paused and resumed: the counter starts again from 0.
    sim.set({ settings: { Paused: 1 } });
    sim.set({ settings: { Paused: 0 } });
    await load();
    const after = await next('telemetry after the restart', () => true);
    assert.ok(after.sessionEnergy >= before.sessionEnergy, `session ${after.sessionEnergy} after ${before.sessionEnergy}`);
    assert.ok(after.lifetimeEnergy >= before.lifetimeEnergy, `lifetime ${after.lifetimeEnergy} after ${before.lifetimeEnergy}`);
    assert.ok(after.sessionEnergy < before.sessionEnergy + 1, 'the counter shown before is not counted twice');
    const file = JSON.parse(fs.readFileSync(path.join(userDir, '.v2c-trydan-energy.json'), 'utf8')) as Record<string, unknown>;
    assert.ok(Object.hasOwn(file, sim.state.ID), `kept under the charger ID: ${Object.keys(file).join(', ')}`);
  });
});

describe('session energy over the cloud', function () {
  let sim: TrydanSimulator;
  let userDir: string;

  beforeEach(async () => {
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'v2c-energy-cloud-'));
    helper.settings({ userDir });
    await helper.startServer();
  });

  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
    helper.settings({});
    await sim.stop();
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  it("counts from the cloud's energy field, kept apart from the LAN's count of the same charger", async () => {
    let cloudUrl: string;
    let apiKey: string;
    ({ sim, cloudUrl, apiKey } = await startSim({ cloud: true, timeScale: TIME_SCALE }));
    await helper.load(nodes, [config('', { cloudUrl }), { id: 'rt', type: 'v2c-realtime-in', server: 'cfg', output: 'every', ignore: '', wires: [['out']] }, { id: 'out', type: 'helper' }], { cfg: { apiKey } });
    const seen: Payload[] = [];
    helper.getNode('out').on('input', (msg: { payload: Payload }) => seen.push(msg.payload));
    const first = await waitFor('cloud telemetry', () => seen[0]);
    assert.equal(first.sessionEnergySource, 'charger');
    assert.equal(first.sessionEnergy, Math.round(first.ChargeEnergy! * 1000) / 1000, 'a session already running counts what the counter shows');
    assert.equal(first.lifetimeEnergy, first.sessionEnergy);
    const file = JSON.parse(fs.readFileSync(path.join(userDir, '.v2c-trydan-energy.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(file), [`cloud-${sim.state.ID}`]);
  });
});
