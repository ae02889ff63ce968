import { strict as assert } from 'node:assert';
import { CADENCE_LIMITS, MAX_TIMER_MS, backoffDelay, cadenceFrom } from '../../src/coordinator/cadence';

describe('cadence settings', () => {
  it('takes numbers and numeric text within bounds; empty means the default', () => {
    assert.deepEqual(cadenceFrom({ pollInterval: '10', idleInterval: 3600, maxBackoff: '' }), { pollInterval: 10, idleInterval: 3600, maxBackoff: 300 });
    assert.deepEqual(cadenceFrom({}), { pollInterval: 5, idleInterval: 30, maxBackoff: 300 });
  });

  it('refuses every value out of bounds or not a number, naming each', () => {
    assert.throws(() => cadenceFrom({ pollInterval: 3000000, idleInterval: 0 }), {
      code: 'INVALID_INPUT',
      message: 'poll interval 3000000 s is out of range; expected 1..3600 s; idle poll interval 0 s is out of range; expected 1..3600 s',
    });
    assert.throws(() => cadenceFrom({ pollInterval: 'often' }), { message: /poll interval "often" is not a number of seconds/ });
    assert.throws(() => cadenceFrom({ idleInterval: Infinity }), { message: /idle poll interval/ });
    assert.throws(() => cadenceFrom({ pollInterval: { valueOf: () => 5 } }), { message: /not a number/ });
  });

  it('keeps every delay it can produce within what setTimeout takes', () => {
    const longest = cadenceFrom({ pollInterval: CADENCE_LIMITS.pollInterval.max, idleInterval: CADENCE_LIMITS.idleInterval.max, maxBackoff: CADENCE_LIMITS.maxBackoff.max });
    assert.ok(backoffDelay(longest, 1_000) <= MAX_TIMER_MS);
    assert.ok(longest.idleInterval * 1000 <= MAX_TIMER_MS);
  });
});
