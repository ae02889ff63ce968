import { strict as assert } from 'node:assert';
import type { ChargerStatus } from '../../src/coordinator/status';
import { Coordinator } from '../../src/coordinator/coordinator';
import { TrydanSimulator } from '../../src/sim';
import { LanClient } from '../../src/trydan/lan-client';

describe('Coordinator with the real LAN client and the simulator', () => {
  let sim: TrydanSimulator;
  let coordinator: Coordinator;
  let host: string;

  beforeEach(async () => {
    sim = new TrydanSimulator({ latencyMs: 5 });
    ({ host } = await sim.start());
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

  it('after a charger slower than the timeout, recovers without overlaps and polls at the normal pace again', async function () {
    this.timeout(20_000);
    await coordinator.close();
    coordinator = new Coordinator({ lan: new LanClient({ host, gapMs: 20, timeoutMs: 1000 }), cadence: { pollInterval: 0.2, idleInterval: 0.2, maxBackoff: 10 } });
    sim.setFault({ slowMs: 1250 }); // answers after 1.25 s, beyond the 1 s timeout (10 s against 8 s)
    const statuses: ChargerStatus[] = [];
    coordinator.subscribe({ telemetry: () => undefined, status: (s) => statuses.push(s) });
    await waitUntil(() => statuses.some((s) => s.state === 'offline'), 15_000);
    sim.setFault({ slowMs: 0 });
    await waitUntil(() => statuses.at(-1)?.state === 'online', 10_000);
    const healthyFrom = Date.now();
    await new Promise((r) => setTimeout(r, 1_200));
    const healthy = sim.requests.filter((r) => r.start >= healthyFrom);
    assert.ok(healthy.length >= 4, `polls at the normal 0.2 s pace once healthy (${healthy.length} in 1.2 s)`);
    assert.ok(healthy.every((r) => r.status === 200));
    assert.deepEqual(sim.requests.filter((r) => r.overlapped), [], 'no request reached a busy charger');
    assert.equal(statuses.at(-1)?.state, 'online');
  });
});

function waitUntil(check: () => boolean, timeoutMs: number): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (check()) return resolve();
      if (Date.now() - started > timeoutMs) return reject(new Error('timed out'));
      setTimeout(tick, 20);
    };
    tick();
  });
}
