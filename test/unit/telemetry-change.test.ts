import { strict as assert } from 'node:assert';
import { changeRule, changeTracker, changesWorthSending } from '../../src/trydan/telemetry-change';

describe('telemetry change detection', () => {
  const all = changeRule({ watch: 'all', ignore: 'ChargeTime', deadband: 100 });

  it('does not count a power that moved less than the deadband', () => {
    assert.deepEqual(changesWorthSending(all, { ChargePower: 3000, GridPower: -500 }, { ChargePower: 3040, GridPower: -430 }), []);
  });

  it('counts a power once it has drifted the deadband away from the value last sent', () => {
    assert.deepEqual(changesWorthSending(all, { ChargePower: 3000 }, { ChargePower: 3100 }), ['ChargePower']);
    assert.deepEqual(changesWorthSending(all, { GridPower: 0 }, { GridPower: -99.9 }), []);
  });

  it('counts any change of a state or a setting, and new or vanished keys', () => {
    assert.deepEqual(changesWorthSending(all, { ChargeState: 1, Intensity: 6 }, { ChargeState: 2, Intensity: 6 }), ['ChargeState']);
    assert.deepEqual(changesWorthSending(all, { A: 1 }, { B: 1 }), ['A', 'B']);
  });

  it('gives the other measured values their own bands', () => {
    const before = { IntensityMeasure_L1: 10, VoltageMeasure_L1: 230, ChargeEnergy: 1.0, ChargeTime: 100 };
    const small = { IntensityMeasure_L1: 10.4, VoltageMeasure_L1: 234, ChargeEnergy: 1.09, ChargeTime: 150 };
    const big = { IntensityMeasure_L1: 10.5, VoltageMeasure_L1: 235, ChargeEnergy: 1.1, ChargeTime: 160 };
    const noIgnore = changeRule({ watch: 'all', ignore: '', deadband: 100 });
    assert.deepEqual(changesWorthSending(noIgnore, before, small), []);
    assert.deepEqual(changesWorthSending(noIgnore, before, big), ['IntensityMeasure_L1', 'VoltageMeasure_L1', 'ChargeEnergy', 'ChargeTime']);
  });

  it('counts every move with a deadband of 0', () => {
    const exact = changeRule({ watch: 'all', ignore: '', deadband: 0 });
    assert.deepEqual(changesWorthSending(exact, { ChargePower: 3000, ChargeTime: 1 }, { ChargePower: 3001, ChargeTime: 2 }), ['ChargePower', 'ChargeTime']);
  });

  it('leaves out ignored keys, or watches only the listed ones', () => {
    assert.deepEqual(changesWorthSending(all, { ChargeTime: 1 }, { ChargeTime: 999 }), []);
    const some = changeRule({ watch: 'keys', keys: 'Paused, Intensity', ignore: 'Paused', deadband: 100 });
    assert.deepEqual(changesWorthSending(some, { Paused: 0, Intensity: 6, ChargeState: 1 }, { Paused: 1, Intensity: 6, ChargeState: 2 }), ['Paused']);
  });

  it('sends every watched key on the first reading', () => {
    const some = changeRule({ watch: 'keys', keys: 'Paused', deadband: 100 });
    assert.deepEqual(changesWorthSending(some, undefined, { Paused: 0, Intensity: 6 }), ['Paused']);
    assert.deepEqual(changesWorthSending(all, undefined, { Paused: 0, ChargeTime: 3 }), ['Paused']);
  });

  it('takes a missing deadband as the default and numbers typed as text', () => {
    assert.equal(changeRule({}).deadbandW, 100);
    assert.equal(changeRule({ deadband: '250' }).deadbandW, 250);
  });

  it('refuses bad settings, naming each', () => {
    assert.throws(() => changeRule({ deadband: -1 }), (e: Error & { code?: string }) => e.code === 'INVALID_INPUT' && /deadband/.test(e.message));
    assert.throws(() => changeRule({ deadband: 'lots' }), /deadband/);
    assert.throws(() => changeRule({ deadband: 1e9 }), /deadband/);
    assert.throws(() => changeRule({ watch: 'keys', keys: ' , ' }), /at least one key/);
    assert.throws(() => changeRule({ watch: 'keys', keys: 'Paused; rm -rf' }), /not a telemetry key/);
    assert.throws(() => changeRule({ watch: 'some' }), /watch/);
    assert.throws(() => changeRule({ ignore: '__proto__x y' }), /ignore/);
  });
});

describe('change tracking per node', () => {
  /** A field whose comparison is counted: only objects are compared through their JSON. */
  const counted = () => {
    let n = 0;
    return { value: (v: number) => ({ toJSON: () => (n++, v) }), count: () => n };
  };

  it('on every poll works out msg.changed only when it is read, and once', () => {
    const c = counted();
    const track = changeTracker(undefined);
    const first = track({ A: 1, Box: c.value(1) })!;
    const second = track({ A: 2, Box: c.value(1) })!;
    assert.equal(c.count(), 0, 'compared although nobody read msg.changed');
    assert.deepEqual(first(), ['A', 'Box']);
    assert.deepEqual(second(), ['A']);
    assert.deepEqual(second(), ['A']);
    assert.equal(c.count(), 2, 'one comparison of Box, the first reading has nothing to compare with');
  });

  it('only when a value changed compares each reading once, and drops the unchanged ones', () => {
    const c = counted();
    const track = changeTracker(changeRule({ watch: 'all', ignore: '', deadband: 100 }));
    assert.deepEqual(track({ Box: c.value(1), ChargePower: 3000 })!(), ['Box', 'ChargePower']);
    assert.equal(track({ Box: c.value(1), ChargePower: 3050 }), undefined);
    assert.equal(c.count(), 2, 'the unchanged reading was compared more than once');
    assert.deepEqual(track({ Box: c.value(2), ChargePower: 3050 })!(), ['Box']);
    // Asked for (an input message): sent even though nothing moved.
    assert.deepEqual(track({ Box: c.value(2), ChargePower: 3050 }, true)!(), []);
  });
});
