// A fleet deployed at once must not poll at once: each address polls at its own place in the
// interval, reached within a few polls, and no poll moves far from the interval asked for.

import { strict as assert } from 'node:assert';
import FakeTimers from '@sinonjs/fake-timers';
import { POLL_PLACES, pollPhase, spreadDelay } from '../../src/coordinator/cadence';
import { acquireCharger, releaseCharger } from '../../src/coordinator/charger-registry';
import { FakeLan } from '../helpers/fake-lan';

const CADENCE = { pollInterval: 5, idleInterval: 30, maxBackoff: 300 };

describe('polls spread over the interval', () => {
  it('200 chargers deployed in the same instant poll in 20 groups over the interval after a minute', async () => {
    const clock = FakeTimers.createClock(1_700_000_000_000);
    const starts: number[][] = [];
    const users: Array<{ host: string; user: object; stop: () => void }> = [];
    for (let i = 0; i < 200; i++) {
      const host = `10.1.${i >> 6}.${(i & 63) + 2}`;
      const user = {};
      const times: number[] = [];
      starts.push(times);
      const connect = () => {
        const lan = new FakeLan(clock, 60);
        const realtime = lan.realtime.bind(lan);
        lan.realtime = () => {
          times.push(clock.now);
          return realtime();
        };
        return lan;
      };
      const coordinator = acquireCharger(host, user, { connect, clock: { now: () => clock.now, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout }, cadence: CADENCE });
      users.push({ host, user, stop: coordinator.subscribe({ telemetry: () => undefined }) });
    }
    await clock.tickAsync(60_000);
    // Where in the 5 s cycle each charger's last poll started, in 100 ms slots.
    const slots = new Map<number, number>();
    for (const times of starts) {
      assert.ok(times.length >= 11, `${times.length} polls in a minute`);
      for (let k = 1; k < times.length; k++) {
        const gap = times[k]! - times[k - 1]!;
        assert.ok(gap >= 4_400 && gap <= 5_600, `a poll ${gap} ms after the one before`);
      }
      const slot = Math.floor((times.at(-1)! % 5000) / 100);
      slots.set(slot, (slots.get(slot) ?? 0) + 1);
    }
    const busiest = Math.max(...slots.values());
    assert.ok(busiest <= 30, `${busiest} of 200 polls start in the same 100 ms (20 groups: 10 each)`);
    assert.ok(slots.size >= 15, `polls fall in only ${slots.size} of 50 slots`);
    // A group polls in one instant: Node wakes once for all of it.
    const instants = new Set(starts.map((t) => t.at(-1)! % 5000));
    assert.ok(instants.size <= POLL_PLACES, `${instants.size} different instants in the cycle`);
    for (const u of users) {
      u.stop();
      await releaseCharger(u.host, u.user);
    }
  });

  it('moves a poll by a tenth of the interval at most, and not at all once in place', () => {
    assert.equal(spreadDelay(5000, 10_000, 0.5), 5500);
    assert.equal(spreadDelay(5000, 10_000, 0.99), 4950);
    assert.equal(spreadDelay(5000, 12_480, 0.5), 5020);
    assert.equal(spreadDelay(5000, 12_500, 0.5), 5000);
  });

  it('gives an address the same place every time, and addresses different ones', () => {
    assert.equal(pollPhase('http://192.168.1.50'), pollPhase('http://192.168.1.50'));
    const phases = new Set(Array.from({ length: 100 }, (_, i) => pollPhase(`http://192.168.1.${i + 2}`)));
    assert.ok(phases.size >= 16, `100 addresses take ${phases.size} of ${POLL_PLACES} places`);
    assert.ok([...phases].every((p) => p >= 0 && p < 1 && Number.isInteger(p * POLL_PLACES)));
  });
});
