import { strict as assert } from 'node:assert';
import { DEFAULT_METER, GridAssembler, type MeterOptions, readMessage } from '../../src/surplus';
import { InvalidInput } from '../../src/trydan/errors';

const read = (msg: Record<string, unknown>, options: Partial<MeterOptions> = {}) => readMessage(msg, { ...DEFAULT_METER, ...options });
const problems = (msg: Record<string, unknown>, options: Partial<MeterOptions> = {}): string => {
  try {
    read(msg, options);
  } catch (err) {
    assert.ok(err instanceof InvalidInput);
    return err.message;
  }
  assert.fail('expected InvalidInput');
};

describe('surplus meter messages', () => {
  it('takes a bare number, or numeric text, as the grid power', () => {
    assert.deepEqual(read({ payload: 850 }).parts, { grid: 850 });
    assert.deepEqual(read({ payload: ' -1200.5 ', topic: 'tele/meter/SENSOR' }).parts, { grid: -1200.5 });
  });

  it('inverts the sign and converts kW', () => {
    assert.deepEqual(read({ payload: 1.2 }, { invertGrid: true, unit: 'kW' }).parts, { grid: -1200 });
  });

  it('takes other inputs by topic, also as the last segment of a path', () => {
    assert.deepEqual(read({ topic: 'pv', payload: 4200 }).sample, { pvW: 4200 });
    assert.deepEqual(read({ topic: 'home/battery/SOC', payload: '64' }).sample, { soc: 64 });
    assert.deepEqual(read({ topic: 'Battery', payload: 1.5 }, { unit: 'kW', invertBattery: true }).sample, { batteryW: -1500 });
    assert.deepEqual(read({ topic: 'carPower', payload: 2300 }).sample, { carW: 2300 });
  });

  it('takes several inputs in one object', () => {
    const m = read({ payload: { grid: -300, pv: 4000, battery: -1000, soc: 55, other: 'ignored' } });
    assert.deepEqual(m.parts, { grid: -300 });
    assert.deepEqual(m.sample, { pvW: 4000, batteryW: -1000, soc: 55 });
  });

  it('takes an import/export pair and three phases by name, object or array', () => {
    assert.deepEqual(read({ payload: { import: 0, export: 1200 } }, { gridFormat: 'importExport' }).parts, { import: 0, export: 1200 });
    assert.deepEqual(read({ topic: 'meter/L2', payload: 300 }, { gridFormat: 'phases' }).parts, { L2: 300 });
    assert.deepEqual(read({ payload: [100, -200, 300] }, { gridFormat: 'phases', invertGrid: true }).parts, { L1: -100, L2: 200, L3: -300 });
    assert.deepEqual(read({ payload: { grid: [1, 2, 3] } }, { gridFormat: 'phases', unit: 'kW' }).parts, { L1: 1000, L2: 2000, L3: 3000 });
  });

  it('changes the mode by msg.mode or topic "mode", ignoring an inject\'s timestamp beside it', () => {
    assert.equal(read({ topic: 'mode', payload: 'FAST' }).mode, 'fast');
    const m = read({ mode: 'min+pv', payload: 1767225600000 });
    assert.equal(m.mode, 'minpv');
    assert.deepEqual(m.parts, {});
  });

  it('passes msg.settings on', () => {
    assert.deepEqual(read({ settings: { maxCurrent: 10 } }).settings, { maxCurrent: 10 });
  });

  for (const [what, msg, options, pattern] of [
    ['a grid value that is not a number', { payload: 'n/a' }, {}, /msg.payload: "n\/a" is not a number/],
    ['nothing at all', {}, {}, /undefined is not a number/],
    ['a boolean', { payload: true }, {}, /true is not a number/],
    ['an unknown mode', { topic: 'mode', payload: 'turbo' }, {}, /"turbo" is not a mode; expected pv, minpv, fast, off/],
    ['a phase without its name', { payload: 300 }, { gridFormat: 'phases' }, /does not say which part of the grid this is: use L1, L2, L3/],
    ['a phase for a one-value meter', { topic: 'L1', payload: 300 }, {}, /the grid is set to arrive as one signed value/],
    ['a negative export', { topic: 'export', payload: -5 }, { gridFormat: 'importExport' }, /import and export are both counted upwards/],
    ['a state of charge above 100', { topic: 'soc', payload: 140 }, {}, /140 is not a state of charge/],
    ['an object with nothing known', { payload: { power: 5 } }, {}, /msg.payload has none of the inputs/],
    ['settings that are not an object', { settings: 5 }, {}, /msg.settings must be an object/],
  ] as const) {
    it(`rejects ${what}`, () => {
      assert.match(problems(msg, options), pattern);
    });
  }

  it('names every problem of a message at once', () => {
    assert.match(problems({ payload: { grid: 'x', soc: 'y' } }), /grid.*not a number; .*soc.*not a number/);
  });
});

describe('surplus grid from parts', () => {
  it('sums three phases once all are there, and only while all are fresh', () => {
    const g = new GridAssembler('phases', 60_000);
    assert.equal(g.add({ L1: 100 }, 0), undefined);
    assert.equal(g.add({ L2: -400 }, 1000), undefined);
    assert.equal(g.add({ L3: 50 }, 2000), -250);
    assert.equal(g.add({ L1: 200 }, 3000), -150);
    assert.equal(g.add({ L1: 200 }, 61_500), undefined, 'L2 went silent');
  });

  it('subtracts export from import', () => {
    const g = new GridAssembler('importExport', 60_000);
    assert.equal(g.add({ import: 0, export: 1500 }, 0), -1500);
    assert.equal(g.add({ import: 300 }, 1000), -1200);
  });

  it('passes a signed value through and says nothing without grid parts', () => {
    const g = new GridAssembler('signed', 60_000);
    assert.equal(g.add({ grid: 700 }, 0), 700);
    assert.equal(g.add({}, 1000), undefined);
  });
});
