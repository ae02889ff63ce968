import { strict as assert } from 'node:assert';
import FakeTimers from '@sinonjs/fake-timers';
import { fastestCadence } from '../../src/coordinator/cadence';
import { acquireCharger, activeChargers, releaseCharger } from '../../src/coordinator/charger-registry';
import { FakeLan } from '../helpers/fake-lan';

describe('charger registry', () => {
  const clock = FakeTimers.createClock(0);
  const lans: FakeLan[] = [];
  const connect = () => {
    const lan = new FakeLan(clock);
    lans.push(lan);
    return lan;
  };

  it('gives every user of one address (however written) the same coordinator, closed by the last release', async () => {
    const a = {};
    const b = {};
    const first = acquireCharger('192.0.2.7', a, { connect });
    const second = acquireCharger(' http://192.0.2.7:80/ ', b, { connect });
    assert.equal(first, second);
    assert.equal(lans.length, 1);
    assert.equal(activeChargers(), 1);
    await releaseCharger('192.0.2.7', a);
    assert.equal(lans[0]!.closed, false, 'still used by b');
    await releaseCharger('192.0.2.7:80', b);
    assert.equal(lans[0]!.closed, true);
    assert.equal(activeChargers(), 0);
    // A release by a stranger, or of a bad address, changes nothing.
    await releaseCharger('192.0.2.7', a);
    await releaseCharger('http://x/y', a);
    const third = acquireCharger('192.0.2.7', a, { connect });
    assert.notEqual(third, first, 'a new coordinator after the last one closed');
    await releaseCharger('192.0.2.7', a);
  });

  it('polls a shared charger at the fastest cadence its users ask for', () => {
    assert.deepEqual(
      fastestCadence([{ pollInterval: 5, idleInterval: 60, maxBackoff: 300 }, undefined, { pollInterval: 10, idleInterval: 30, maxBackoff: 300 }]),
      { pollInterval: 5, idleInterval: 30, maxBackoff: 300 },
    );
    assert.deepEqual(fastestCadence([undefined]), { pollInterval: 5, idleInterval: 30, maxBackoff: 300 });
  });
});
