import { strict as assert } from 'node:assert';
import { DEFAULT_SETTINGS, SETTINGS, parseMode, settingsFrom } from '../../src/surplus';
import { InvalidInput } from '../../src/trydan/errors';

const problemsOf = (input: Record<string, unknown>): string[] => {
  try {
    settingsFrom(input);
  } catch (err) {
    assert.ok(err instanceof InvalidInput);
    return [...err.problems];
  }
  assert.fail('expected InvalidInput');
};

describe('surplus settings', () => {
  it('keep evcc\'s currents and rounding; shorter timers, as the replayed days showed', () => {
    const { minCurrent, maxCurrent, startDelay, stopDelay, rounding, phases, voltage } = DEFAULT_SETTINGS;
    assert.deepEqual({ minCurrent, maxCurrent, startDelay, stopDelay, rounding, phases, voltage }, {
      minCurrent: 6,
      maxCurrent: 16,
      startDelay: 20,
      stopDelay: 120,
      rounding: 'noImport',
      phases: 1,
      voltage: 230,
    });
  });

  it('read a node\'s config: text numbers, empty = default, empty thresholds = auto', () => {
    const s = settingsFrom({ minCurrent: '8', startDelay: '', startSurplus: '', stopSurplus: '900', phases: '3', phaseSwitching: 'true', mode: 'MINPV' });
    assert.equal(s.minCurrent, 8);
    assert.equal(s.startDelay, 20);
    assert.equal(s.startSurplus, null);
    assert.equal(s.stopSurplus, 900);
    assert.equal(s.phases, 3);
    assert.equal(s.phaseSwitching, true);
    assert.equal(s.mode, 'minpv');
  });

  it('change over a base, as msg.settings does', () => {
    const base = settingsFrom({ maxCurrent: 20 });
    assert.equal(settingsFrom({ minCurrent: 7 }, base).maxCurrent, 20);
  });

  it('name every problem, and apply none of them', () => {
    const problems = problemsOf({ minCurrent: 4, stopDelay: 'soon', rounding: 'up', turbo: 1 });
    assert.equal(problems.length, 4);
    assert.match(problems[0]!, /minCurrent: 4 is out of range; expected 6\.\.32 A/);
    assert.match(problems[1]!, /stopDelay: "soon" is not a number/);
    assert.match(problems[2]!, /rounding: "up" is not one of noImport, nearest, pvRatio/);
    assert.match(problems[3]!, /"turbo" is not a setting/);
  });

  it('refuse a maximum below the minimum', () => {
    assert.match(problemsOf({ minCurrent: 10, maxCurrent: 8 })[0]!, /maxCurrent 8 A is below minCurrent 10 A/);
  });

  it('have a default inside their range for every entry of the table', () => {
    for (const [name, spec] of Object.entries(SETTINGS)) {
      if (spec.kind === 'number') assert.ok(spec.default >= spec.min && spec.default <= spec.max, name);
      if (spec.kind === 'choice') assert.ok((spec.choices as readonly unknown[]).includes(spec.default), name);
    }
  });

  it('know the four modes and nothing else', () => {
    assert.equal(parseMode(' PV '), 'pv');
    assert.equal(parseMode('min+pv'), 'minpv');
    assert.throws(() => parseMode('eco'), /"eco" is not a mode/);
    assert.throws(() => parseMode(3), /3 is not a mode/);
  });
});
