import { strict as assert } from 'node:assert';
import { Coordinator } from '../../src/coordinator/coordinator';
import { TrydanSimulator } from '../../src/sim';
import { LanClient } from '../../src/trydan/lan-client';

describe('Coordinator with the real LAN client and the simulator', () => {
  let sim: TrydanSimulator;
  let coordinator: Coordinator;

  beforeEach(async () => {
    sim = new TrydanSimulator({ latencyMs: 5 });
    const { host } = await sim.start();
    coordinator = new Coordinator({ lan: new LanClient({ host, gapMs: 20 }), cadence: { pollInterval: 60, idleInterval: 60 } });
  });

  afterEach(async () => {
    await coordinator.close();
    await sim.stop();
  });

  it('sends a write made the moment the previous one finished, whatever the caller awaits between', async () => {
    // The caller resumes a few microtask hops after its write resolved, while the queue is
    // winding down; every hop count must still see its next write sent.
    for (let hops = 0; hops < 12; hops++) {
      await coordinator.write({ Intensity: 6 });
      for (let i = 0; i < hops; i++) await Promise.resolve();
      const next = coordinator.write({ Intensity: 7 });
      const outcome = await Promise.race([next, new Promise((r) => setTimeout(() => r('stuck'), 1_500))]);
      assert.notEqual(outcome, 'stuck', `write after ${hops} hops was never sent`);
    }
  });

  it('keeps to one request at a time when polls and writes race', async () => {
    coordinator.subscribe({ telemetry: () => undefined });
    const all = [];
    for (let i = 0; i < 10; i++) all.push(coordinator.write({ Intensity: 6 + i }), coordinator.refresh());
    await Promise.all(all);
    assert.equal(sim.maxConcurrent, 1);
    assert.equal(sim.state.Intensity, 15);
  });
});
