import { strict as assert } from 'node:assert';
import { reportOf, statusOf } from '../../src/surplus';
import { site } from './surplus-site';

describe('surplus report and status', () => {
  it('reports rounded figures, timers in whole seconds, and whether the command went out', () => {
    const s = site();
    s.run(30, 1912.6);
    const r = reportOf(s.last(), false);
    assert.equal(r.state, 'starting');
    assert.equal(r.surplus.smoothedW, 1913);
    assert.equal(r.timers.startIn, 31);
    assert.equal(r.sent, false, 'no command in this decision');
    assert.equal(reportOf(s.decisions[0]!, false).sent, true);
    assert.equal(reportOf(s.decisions[0]!, true).sent, false, 'a dry run sends nothing');
  });

  it('says the state in a few words', () => {
    const s = site();
    s.run(30, 500);
    assert.deepEqual(statusOf(s.last(), false), { fill: 'blue', shape: 'ring', key: 'waiting', params: {} });
    s.run(20, 2500);
    assert.deepEqual(statusOf(s.last(), false), { fill: 'yellow', shape: 'dot', key: 'startIn', params: { time: '0:57' } });
    s.run(200, 2500);
    assert.deepEqual(statusOf(s.last(), false), { fill: 'green', shape: 'dot', key: 'pv', params: { amps: 10, phases: '' } });
    s.run(60, 0);
    assert.deepEqual(statusOf(s.last(), true), { fill: 'yellow', shape: 'ring', key: 'stopIn', params: { time: '2:04', amps: 6 } });
    s.silent(120);
    assert.equal(statusOf(s.last(), false).key, 'stale');
    assert.equal(statusOf(s.mode('off'), false).key, 'off');
    assert.equal(statusOf(s.mode('fast'), false).key, 'fast');
  });
});
