import { strict as assert } from 'node:assert';
import type { InstalledClock } from '@sinonjs/fake-timers';
import { Coordinator } from '../../src/coordinator/coordinator';
import type { ChargerStatus } from '../../src/coordinator/status';
import type { Clock } from '../../src/trydan/clock';
import type { Reading } from '../../src/trydan/telemetry';
import { fakeClock } from '../helpers/fake-clock';
import { FakeLan } from '../helpers/fake-lan';

describe('Coordinator', () => {
  let clock: InstalledClock;
  /** The same fake time as the Clock the coordinator takes. */
  let time: Clock;
  let lan: FakeLan;
  let coordinator: Coordinator;

  beforeEach(() => {
    const made = fakeClock(0);
    clock = made.fake as unknown as InstalledClock;
    time = made.clock;
    lan = new FakeLan(clock);
    coordinator = new Coordinator({ lan, cadence: { pollInterval: 5, idleInterval: 30, maxBackoff: 300 }, clock: time });
  });

  afterEach(async () => {
    await coordinator.close();
  });

  const listen = () => {
    const readings: Reading[] = [];
    const statuses: ChargerStatus[] = [];
    const stop = coordinator.subscribe({ telemetry: (r) => readings.push(r), status: (s) => statuses.push(s) });
    return { readings, statuses, stop };
  };

  it('never asks setTimeout for more than it can wait (a cloud pace of weeks is not a loop)', async () => {
    const slow = Object.assign(new FakeLan(clock), { minPollDelay: () => 3e9 });
    const c = new Coordinator({ lan: slow, clock: time });
    c.subscribe({ telemetry: () => undefined });
    await clock.tickAsync(10_000);
    assert.equal(slow.count('RealTimeData'), 1);
    await c.close();
  });

  it('does not poll while no node wants telemetry', async () => {
    coordinator.subscribe({ status: () => undefined });
    await clock.tickAsync(120_000);
    assert.equal(lan.count('RealTimeData'), 0);
  });

  it('makes one request per interval however many nodes listen', async () => {
    const listeners = [listen(), listen(), listen(), listen(), listen()];
    await clock.tickAsync(61_000);
    // A car is connected: one poll at start, then one every 5 s (after each answer) for a minute.
    assert.equal(lan.count('RealTimeData'), 13);
    for (const l of listeners) assert.equal(l.readings.length, 13);
  });

  it('polls at the idle interval while no car is connected', async () => {
    lan.state.ChargeState = 0;
    listen();
    await clock.tickAsync(91_000);
    assert.equal(lan.count('RealTimeData'), 4);
  });

  it('brings the pending poll forward when a faster cadence joins (a second config node)', async () => {
    coordinator.setCadence({ pollInterval: 3600, idleInterval: 3600, maxBackoff: 3600 });
    listen();
    await clock.tickAsync(1_000);
    assert.equal(lan.count('RealTimeData'), 1);
    coordinator.setCadence({ pollInterval: 2, idleInterval: 2, maxBackoff: 60 });
    await clock.tickAsync(1_100); // 2 s after the first poll's answer
    assert.equal(lan.count('RealTimeData'), 2, 'polled 2 s after the last reading, not after an hour');
    await clock.tickAsync(4_100);
    assert.equal(lan.count('RealTimeData'), 4);
    // Slower again: from the next poll on; the one already timed stays.
    coordinator.setCadence({ pollInterval: 3600, idleInterval: 3600, maxBackoff: 3600 });
    await clock.tickAsync(2_100);
    assert.equal(lan.count('RealTimeData'), 5);
    await clock.tickAsync(60_000);
    assert.equal(lan.count('RealTimeData'), 5);
  });

  it('gives a listener that joins a polled charger a reading at once', async () => {
    coordinator.setCadence({ pollInterval: 3600, idleInterval: 3600, maxBackoff: 3600 });
    listen();
    await clock.tickAsync(1_000);
    const late = listen();
    await clock.tickAsync(100);
    assert.equal(late.readings.length, 1);
    assert.equal(lan.count('RealTimeData'), 2);
    // Joining while a poll is on the wire: that poll serves it.
    void coordinator.refresh();
    await clock.tickAsync(10);
    const third = listen();
    await clock.tickAsync(100);
    assert.equal(third.readings.length, 1);
    assert.equal(lan.count('RealTimeData'), 3);
  });

  it('gives a requested reading to the requester once, through the promise', async () => {
    const mine: Reading[] = [];
    const me = { telemetry: (r: Reading) => mine.push(r) };
    coordinator.subscribe(me);
    const other = listen();
    await clock.tickAsync(100);
    const asked = coordinator.refresh(me);
    await clock.tickAsync(100);
    assert.equal((await asked).ID, 'FAKE01');
    assert.equal(mine.length, 1, 'only the first poll arrived as a broadcast');
    assert.equal(other.readings.length, 2);
  });

  it('stops polling when the last listener leaves', async () => {
    const a = listen();
    await clock.tickAsync(100);
    a.stop();
    await clock.tickAsync(60_000);
    assert.equal(lan.count('RealTimeData'), 1);
  });

  it('backs off while unreachable, up to five minutes, and recovers by itself', async () => {
    const l = listen();
    await clock.tickAsync(100);
    lan.offline = true;
    await clock.tickAsync(5_000);
    const offline = l.statuses.filter((s) => s.state === 'offline');
    assert.ok(offline.length >= 1, 'status says offline');
    const delays = () => l.statuses.flatMap((s) => (s.state === 'offline' ? [s.retryInMs] : []));
    await clock.tickAsync(30 * 60_000);
    const seen = delays();
    assert.deepEqual(seen.slice(0, 5), [10_000, 20_000, 40_000, 80_000, 160_000]);
    assert.equal(Math.max(...seen), 300_000);
    const callsWhileOffline = lan.count('RealTimeData');
    assert.ok(callsWhileOffline < 15, `backoff keeps requests few (${callsWhileOffline})`);
    lan.offline = false;
    await clock.tickAsync(300_000);
    assert.equal(l.statuses.at(-1)?.state, 'online');
    const before = lan.count('RealTimeData');
    await clock.tickAsync(10_000);
    assert.equal(lan.count('RealTimeData') - before, 2, 'back to the normal cadence');
  });

  it('never has two requests in flight, writes included', async () => {
    listen();
    const writes = [];
    for (let i = 0; i < 10; i++) {
      await clock.tickAsync(37);
      writes.push(coordinator.write({ Intensity: 6 + i }));
      void coordinator.refresh();
    }
    await clock.tickAsync(10_000);
    await Promise.all(writes);
    assert.equal(lan.maxInFlight, 1);
  });

  it('runs writes before queued polls', async () => {
    listen();
    await clock.tickAsync(10); // first poll in flight
    const poll = coordinator.refresh();
    const write = coordinator.write({ Intensity: 10 });
    await clock.tickAsync(1_000);
    await Promise.all([poll, write]);
    const order = lan.calls.slice(1, 3);
    assert.deepEqual(order, ['write/Intensity=10', 'RealTimeData']);
  });

  it('collapses queued writes of one keyword to the latest value', async () => {
    listen();
    await clock.tickAsync(10); // a poll is in flight, so the writes queue up
    const a = coordinator.write({ Intensity: 10 });
    const b = coordinator.write({ Intensity: 12 });
    const c = coordinator.write({ Intensity: 14, Paused: 1 });
    await clock.tickAsync(1_000);
    const [ra, rb, rc] = await Promise.all([a, b, c]);
    assert.deepEqual(lan.calls.filter((x) => x.startsWith('write/')), ['write/Intensity=14', 'write/Paused=1']);
    assert.deepEqual(ra.values, { Intensity: 14 });
    assert.deepEqual(rb.values, { Intensity: 14 });
    assert.deepEqual(rc.values, { Intensity: 14, Paused: 1 });
  });

  /** Replays the writes the charger got and returns every state it passed through. */
  const statesOnTheWire = (start: { Intensity: number; Paused: number }) => {
    const state = { ...start };
    const seen = [];
    for (const call of lan.calls) {
      const m = /^write\/(Intensity|Paused)=(\d+)$/.exec(call);
      if (!m) continue;
      state[m[1] as 'Intensity' | 'Paused'] = Number(m[2]);
      seen.push({ ...state });
    }
    return seen;
  };

  for (const [what, inFlightFirst] of [['while the first write is on the wire', true], ['while a poll is on the wire', false]] as const) {
    it(`keeps a message's write order: 32 A, pause, then 6 A + resume never resumes at 32 A (${what})`, async () => {
      lan.state.Paused = 1;
      lan.state.Intensity = 16;
      listen();
      await clock.tickAsync(100); // first poll answered
      if (!inFlightFirst) coordinator.refresh();
      const a = coordinator.write({ Intensity: 32 });
      await clock.tickAsync(10); // the charger is busy: the rest queues up
      const b = coordinator.write({ Paused: 1 });
      const c = coordinator.write({ Intensity: 6, Paused: 0 });
      await clock.tickAsync(3_000);
      const [ra, rb, rc] = await Promise.all([a, b, c]);
      const states = statesOnTheWire({ Intensity: 16, Paused: 1 });
      assert.ok(!states.some((s) => s.Paused === 0 && s.Intensity === 32), `resumed at 32 A: ${JSON.stringify(states)}`);
      assert.deepEqual(states.at(-1), { Intensity: 6, Paused: 0 });
      assert.deepEqual(rc.values, { Intensity: 6, Paused: 0 });
      assert.deepEqual(rb.values, { Paused: 0 }, 'the pause was overtaken by the resume, and its caller learns so');
      assert.equal(typeof ra.values.Intensity, 'number');
    });
  }

  it('sends a message that later ones only partly rewrite whole and in its own order', async () => {
    lan.state.Paused = 1;
    lan.state.Intensity = 32;
    listen();
    await clock.tickAsync(10); // a poll is in flight
    const a = coordinator.write({ Intensity: 6, Paused: 0 });
    const b = coordinator.write({ Intensity: 10 });
    await clock.tickAsync(3_000);
    const [ra, rb] = await Promise.all([a, b]);
    assert.deepEqual(lan.calls.filter((x) => x.startsWith('write/')), ['write/Intensity=6', 'write/Paused=0', 'write/Intensity=10']);
    assert.ok(!statesOnTheWire({ Intensity: 32, Paused: 1 }).some((s) => s.Paused === 0 && s.Intensity === 32));
    assert.deepEqual(ra.values, { Intensity: 10, Paused: 0 }, 'both callers learn the value actually set');
    assert.deepEqual(rb.values, { Intensity: 10 });
  });

  it('never raises the current before a queued pause lands: pause, 32 A, pause again', async () => {
    lan.state.Paused = 0;
    lan.state.Intensity = 16;
    listen();
    await clock.tickAsync(100); // first poll answered
    const slow = coordinator.write({ Intensity: 10 });
    await clock.tickAsync(10); // the charger is busy: the rest queues up
    const writes = [coordinator.write({ Paused: 1 }), coordinator.write({ Intensity: 32 }), coordinator.write({ Paused: 1 })];
    await clock.tickAsync(3_000);
    await Promise.all([slow, ...writes]);
    const states = statesOnTheWire({ Intensity: 16, Paused: 0 });
    assert.ok(!states.some((s) => s.Paused === 0 && s.Intensity === 32), `charged at 32 A: ${JSON.stringify(states)}`);
    assert.deepEqual(states.at(-1), { Intensity: 32, Paused: 1 });
  });

  it('sends a write made the moment the previous one finished', async () => {
    const ticking = clock.tickAsync(10_000);
    const results = [];
    for (const value of [6, 7, 6, 8]) results.push((await coordinator.write({ Intensity: value })).values.Intensity);
    await ticking;
    assert.deepEqual(results, [6, 7, 6, 8]);
    assert.deepEqual(lan.calls.filter((c) => c.startsWith('write/')), ['write/Intensity=6', 'write/Intensity=7', 'write/Intensity=6', 'write/Intensity=8']);
  });

  it('verifies a write by reading back and publishes that reading at once', async () => {
    const l = listen();
    await clock.tickAsync(100);
    const start = clock.now;
    const result = await Promise.all([coordinator.write({ Intensity: 20 }), clock.tickAsync(1_000)]).then(([r]) => r);
    assert.deepEqual(result, { values: { Intensity: 20 }, unverified: [] });
    const seen = l.readings.find((r) => r.Intensity === 20);
    assert.ok(seen, 'listeners got the read-back');
    // write + read-back, 50 ms each on this fake charger
    assert.ok(l.readings.length === 2 && clock.now - start <= 1_000);
  });

  it('rejects a write the charger says OK to but does not apply', async () => {
    lan.ignoreWrites.add('Intensity');
    const pending = coordinator.write({ Intensity: 20 });
    const outcome = pending.then(() => 'resolved', (err: Error & { code?: string }) => err.code);
    await clock.tickAsync(3_000);
    assert.equal(await outcome, 'WRITE_NOT_VERIFIED');
  });

  it('passes a rejected write to the caller', async () => {
    const outcome = coordinator.write({ Reject: 1 }).then(() => 'resolved', (err: Error & { code?: string }) => err.code);
    await clock.tickAsync(1_000);
    assert.equal(await outcome, 'WRITE_REJECTED');
  });

  it('stops a batch of writes at the first unanswered one and sends no more', async () => {
    lan.beforeAnswer = (call) => {
      if (call === 'write/Paused=1') lan.offline = true;
    };
    const outcome = coordinator.write({ Intensity: 10, Paused: 1, MinIntensity: 8 }).then(() => 'resolved', (err: Error & { code?: string }) => err.code);
    await clock.tickAsync(1_000);
    assert.equal(await outcome, 'DEVICE_UNREACHABLE');
    assert.deepEqual(lan.calls, ['write/Intensity=10', 'write/Paused=1']);
  });

  it('reports a write the charger said OK to before it stopped answering as not confirmed', async () => {
    lan.beforeAnswer = (call) => {
      if (call === 'write/Paused=1') lan.offline = true;
    };
    // Queued together behind a write on the wire, they go as one batch.
    const busy = coordinator.write({ MinIntensity: 8 }).catch(() => undefined);
    await clock.tickAsync(10);
    const first = coordinator.write({ Intensity: 10 }).then(() => 'resolved', (err: Error & { code?: string }) => `${err.code}: ${err.message}`);
    const second = coordinator.write({ Paused: 1 }).then(() => 'resolved', (err: Error & { code?: string }) => err.code);
    await clock.tickAsync(3_000);
    await busy;
    assert.equal(await second, 'DEVICE_UNREACHABLE');
    assert.match(await first, /^WRITE_NOT_VERIFIED: the charger said OK to Intensity=10, but it could not be read back/);
  });

  it('reports a write the charger said OK to, whose read-back failed, to Catch as not confirmed', async () => {
    lan.beforeAnswer = (call) => {
      if (call === 'RealTimeData') lan.offline = true;
    };
    const result = coordinator.write({ Intensity: 10 }).then(
      () => 'resolved',
      (err: Error & { code?: string }) => `${err.code}: ${err.message}`,
    );
    await clock.tickAsync(1_000);
    assert.match(await result, /^WRITE_NOT_VERIFIED: the charger said OK to Intensity=10, but it could not be read back \(.*\): it has most likely taken effect$/);
  });

  it('probes an unreachable charger even without telemetry listeners, so the status recovers', async () => {
    const statuses: ChargerStatus[] = [];
    coordinator.subscribe({ status: (s) => statuses.push(s) });
    lan.offline = true;
    await Promise.all([coordinator.write({ Intensity: 10 }).catch(() => undefined), clock.tickAsync(1_000)]);
    assert.equal(statuses.at(-1)?.state, 'offline');
    lan.offline = false;
    await clock.tickAsync(20_000);
    assert.equal(statuses.at(-1)?.state, 'online');
    const calls = lan.calls.length;
    await clock.tickAsync(600_000);
    assert.equal(lan.calls.length, calls, 'no polling once it is back: nobody listens to telemetry');
  });

  it('ends the wait before a second read-back at once on close', async () => {
    lan.ignoreWrites.add('Intensity'); // the first read-back does not show it: a settle wait follows
    const write = coordinator.write({ Intensity: 10 }).then(() => 'resolved', (err: Error & { code?: string }) => err.code);
    await clock.tickAsync(120); // written and read back once: now waiting to read back again
    assert.equal(clock.countTimers(), 1);
    await coordinator.close();
    assert.equal(clock.countTimers(), 0, 'the settle wait outlived the close');
    assert.equal(await write, 'CLOSED');
  });

  it('leaves no timer behind on close and fails what was waiting', async () => {
    listen();
    await clock.tickAsync(100);
    const waiting = coordinator.refresh().then(() => 'resolved', (err: Error & { code?: string }) => err.code);
    await coordinator.close();
    assert.equal(await waiting, 'CLOSED');
    await clock.tickAsync(1_000); // the answer that was on the wire arrives and is ignored
    const calls = lan.calls.length;
    assert.equal(clock.countTimers(), 0);
    await clock.tickAsync(600_000);
    assert.equal(lan.calls.length, calls);
    assert.ok(lan.closed);
  });
});
