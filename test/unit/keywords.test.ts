import { strict as assert } from 'node:assert';
import { InvalidInput } from '../../src/trydan/errors';
import { WRITABLE_KEYWORDS, findKeyword, keywordCatalogue, validateWrite } from '../../src/trydan/keywords';

const problemsOf = (input: Record<string, unknown>): string[] => {
  try {
    validateWrite(input);
  } catch (err) {
    assert.ok(err instanceof InvalidInput);
    return [...err.problems];
  }
  assert.fail('expected InvalidInput');
};

describe('keyword table and write validation', () => {
  it('accepts values in range and canonicalises names', () => {
    assert.deepEqual(validateWrite({ intensity: 16, Paused: 0, DynamicPowerMode: 3 }), { Intensity: 16, Paused: 0, DynamicPowerMode: 3 });
  });

  it('takes true/false and "on"/"off" for 0/1 keywords', () => {
    assert.deepEqual(validateWrite({ Paused: true, Locked: 'off', Timer: 'ON', LogoLED: false }), { Paused: 1, Locked: 0, Timer: 1, LogoLED: 0 });
  });

  it('takes whole numbers written as text', () => {
    assert.deepEqual(validateWrite({ Intensity: ' 10 ', ContractedPower: '-1' }), { Intensity: 10, ContractedPower: -1 });
  });

  it('rejects out-of-range values with the allowed range', () => {
    const [problem] = problemsOf({ Intensity: 40 });
    assert.match(problem!, /Intensity: 40 is out of range; expected 6\.\.32 A/);
  });

  it('rejects unknown keywords, wrong types and fractions, naming each', () => {
    const problems = problemsOf({ Foo: 1, Intensity: 'fast', MaxIntensity: 10.5, Paused: 'maybe', Dynamic: null });
    assert.equal(problems.length, 5);
    assert.match(problems[0]!, /"Foo" is not a writable keyword/);
    assert.match(problems[1]!, /"fast" is not a value for Intensity/);
    assert.match(problems[2]!, /10\.5 is not a whole number/);
    assert.match(problems[3]!, /expected 0 or 1/);
    assert.match(problems[4]!, /null is not a value for Dynamic/);
  });

  it('rejects booleans for keywords that are not switches', () => {
    assert.match(problemsOf({ Intensity: true })[0]!, /not a value for Intensity/);
  });

  it('rejects values outside an enumeration', () => {
    assert.match(problemsOf({ ChargeMode: 3 })[0]!, /expected 0 \(single-phase\), 1 \(three-phase\), 2 \(mixed\)/);
  });

  it('rejects an empty request', () => {
    assert.match(problemsOf({})[0]!, /nothing to write/);
  });

  it('lists every writable keyword of docs/charger-protocol.md once', () => {
    const names = WRITABLE_KEYWORDS.map((k) => k.name);
    assert.deepEqual(new Set(names).size, names.length);
    for (const n of ['VoltageInstallation', 'Paused', 'Locked', 'Timer', 'Intensity', 'Dynamic', 'MinIntensity', 'MaxIntensity',
      'PauseDynamic', 'DynamicPowerMode', 'ContractedPower', 'ChargeMode', 'LightLED', 'LogoLED']) {
      assert.ok(findKeyword(n), n);
    }
    assert.equal(keywordCatalogue().find((k) => k.name === 'Intensity')?.range, '6..32 A');
  });
});
