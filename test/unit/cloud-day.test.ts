// A simulated day on the cloud: three 4G chargers (no LAN) on one API key, each with its own
// coordinator polling telemetry through the cloud, all sharing one CloudBudget, against the
// simulator's cloud account with its real quota. Time is a fake clock shared by the
// coordinators, the budget and the simulator; HTTP is real (127.0.0.1), awaited between ticks.

import { strict as assert } from 'node:assert';
import { CloudBudget } from '../../src/coordinator/cloud-budget';
import { type CloudAccess, CloudCharger } from '../../src/coordinator/cloud-charger';
import { Coordinator } from '../../src/coordinator/coordinator';
import { SimAccount, SimClock, TrydanSimulator } from '../../src/sim';
import { CloudClient } from '../../src/trydan/cloud-client';
import { type TestClock, fakeClock } from '../helpers/fake-clock';

const DAY = 86_400_000;
const MIDNIGHT = Date.UTC(2026, 10, 21);

describe('a simulated day of cloud telemetry for three chargers on one key', function () {
  this.timeout(120_000);
  let fake: TestClock;
  let account: SimAccount;
  let sims: TrydanSimulator[];
  let clients: CloudClient[];
  let coordinators: Coordinator[];
  let budget: CloudBudget;
  const inflight = new Set<Promise<unknown>>();

  /** Runs the next timer, then lets every HTTP call it started finish. */
  async function step(): Promise<void> {
    await fake.nextAsync();
    while (inflight.size) {
      await Promise.allSettled([...inflight]);
      await fake.tickAsync(0);
    }
  }

  /** Steps until the clock reaches `until`; bounded, so a stuck loop fails instead of spinning. */
  async function runUntil(until: number): Promise<void> {
    for (let i = 0; fake.now < until; i++) {
      if (i > 20_000) throw new Error(`no progress: stuck at ${new Date(fake.now).toISOString()}`);
      await step();
    }
  }

  beforeEach(async () => {
    const made = fakeClock(MIDNIGHT + 1000);
    fake = made.fake;
    const simClock = new SimClock({ startTime: MIDNIGHT + 1000, timeScale: 1, now: () => fake.now });
    sims = ['DAY-A', 'DAY-B', 'DAY-C'].map((deviceId) => new TrydanSimulator({ clock: simClock, deviceId, lan: false }));
    account = new SimAccount({ apiKey: 'day-key', quota: 1000, devices: sims, latencyMs: 0 });
    await Promise.all(sims.map((s) => s.start()));
    const { cloudUrl } = await account.start();
    budget = new CloudBudget({ clock: made.clock });
    clients = sims.map(() => new CloudClient({ baseUrl: cloudUrl, apiKey: 'day-key', budget }));
    coordinators = sims.map((sim, i) => {
      const access: CloudAccess = {
        call: (name, call) => {
          const p = clients[i]!.call(name, { ...call, deviceId: sim.state.ID });
          inflight.add(p);
          void p.finally(() => inflight.delete(p)).catch(() => undefined);
          return p;
        },
        pollInterval: () => budget.pollInterval(),
      };
      budget.pollers.add(access);
      return new Coordinator({ lan: new CloudCharger(access), clock: made.clock });
    });
  });

  afterEach(async () => {
    await Promise.all(coordinators.map((c) => c.close()));
    await Promise.all(clients.map((c) => c.close()));
    await account.stop();
    await Promise.all(sims.map((s) => s.stop()));
  });

  it('stays within the quota all day, keeps calls for a person, and after a 429 waits for the reset', async () => {
    const readings = [0, 0, 0];
    coordinators.forEach((c, i) => c.subscribe({ telemetry: () => readings[i]!++ }));
    await runUntil(MIDNIGHT + DAY - 10 * 60_000);

    const log = account.requests;
    assert.equal(log.filter((r) => r.status === 429).length, 0, 'never hit the limit');
    assert.ok(account.quotaUsed <= 1000 - budget.reserve, `background used ${account.quotaUsed} of 1000, reserve ${budget.reserve} kept`);
    for (const n of readings) assert.ok(n > 200, `each charger got readings all day (${readings.join(', ')})`);
    const gaps = log.slice(1).map((r, i) => r.simTime - log[i]!.simTime);
    assert.ok(Math.min(...gaps.filter((g) => g > 0)) >= 0, 'log is in time order');

    // The end of the day: a person's command still goes through.
    const done = await clients[0]!.call('intensity', { deviceId: 'DAY-A', params: { value: 10 }, priority: 'user' });
    assert.equal((done.payload as { ok: boolean }).ok, true);
    assert.equal(sims[0]!.state.Intensity, 10);

    // Someone else spends the account's quota: the next call gets a 429, and then nothing
    // is sent until the quota resets at midnight.
    account.setQuota({ used: 1000 });
    await assert.rejects(clients[2]!.call('reported', { deviceId: 'DAY-C', priority: 'user' }), { code: 'RATE_LIMITED' });
    assert.equal(account.requests.at(-1)?.status, 429);
    const at429 = account.requests.length;
    await assert.rejects(clients[1]!.call('reboot', { deviceId: 'DAY-B' }), { code: 'RATE_LIMITED' });
    assert.equal(account.requests.length, at429, 'not even a command is sent after a 429');
    const resetAt = MIDNIGHT + DAY;
    await runUntil(resetAt - 1000);
    const early = account.requests.slice(at429).filter((r) => r.simTime < resetAt);
    assert.deepEqual(early.map((r) => r.path), [], 'no call between the 429 and the reset');
    await runUntil(resetAt + 15 * 60_000);
    assert.ok(account.requests.length > at429, 'telemetry resumes after the reset');
    assert.ok(account.requests.slice(at429).every((r) => r.status === 200));
  });
});
