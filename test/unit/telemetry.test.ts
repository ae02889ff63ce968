import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { changedKeys, parseJsonTolerant, parseRealtime, toPayload } from '../../src/trydan/telemetry';

const dir = path.resolve(__dirname, '../fixtures/realtime');
const fixture = (name: string) => readFileSync(path.join(dir, name), 'utf8');
const quirks = readdirSync(dir).filter((f) => f.endsWith('.txt') && f !== 'clean-2.5.0.txt');

describe('/RealTimeData parser', () => {
  const clean = parseRealtime(fixture('clean-2.5.0.txt'));

  it('reads a clean 2.5.0 reading with numbers as numbers', () => {
    assert.equal(clean.ID, 'TRYDAN0001');
    assert.equal(clean.ChargePower, 7360);
    assert.equal(clean.ChargeEnergy, 3.52);
    assert.equal(clean.FirmwareVersion, '2.5.0');
  });

  it('has a fixture for every firmware quirk of docs/charger-protocol.md', () => {
    for (const quirk of ['unquoted-version', 'missing-comma-after-id', 'missing-comma-before-readystate', 'duplicate-keys', 'trailing-percent', 'missing-keys', 'unknown-keys']) {
      assert.ok(quirks.some((f) => f.startsWith(quirk)), quirk);
    }
  });

  for (const name of quirks) {
    it(`${name} parses to the same typed payload as a clean reading`, () => {
      const reading = parseRealtime(fixture(name));
      for (const [key, value] of Object.entries(reading)) {
        if (key === 'FirmwareVersion') assert.equal(typeof value, 'string');
        else if (key in clean) assert.deepEqual(value, clean[key], key);
        else assert.match(key, /^New/, `only the unknown-keys fixture adds keys (${key})`);
      }
      assert.deepEqual(toPayload(reading).charging, toPayload(clean).charging);
    });
  }

  it('really needed repair for the malformed fixtures', () => {
    for (const name of quirks.filter((f) => /unquoted|missing-comma|trailing/.test(f))) {
      assert.throws(() => JSON.parse(fixture(name)), SyntaxError, name);
    }
  });

  it('passes unknown keys through', () => {
    const reading = parseRealtime(fixture('unknown-keys.txt'));
    assert.equal(reading.NewField, 5);
    assert.equal(reading.NewText, 'abc');
  });

  it('turns numbers sent as text into numbers and keeps the version a string', () => {
    const reading = parseRealtime('{"ChargePower":"7.2","LightLED":"50%","FirmwareVersion":2.5,"Odd":"x"}');
    assert.deepEqual(reading, { ChargePower: 7.2, LightLED: 50, FirmwareVersion: '2.5', Odd: 'x' });
  });

  it('keeps the last of duplicate keys', () => {
    assert.equal(parseJsonTolerant('{"A":1,"A":2}') && (parseJsonTolerant('{"A":1,"A":2}') as { A: number }).A, 2);
  });

  it('refuses what is no object even after repair, with a readable message', () => {
    assert.throws(() => parseRealtime('<html>busy</html>'), { code: 'INVALID_RESPONSE' });
    assert.throws(() => parseRealtime('[1,2]'), { code: 'INVALID_RESPONSE', message: /not an object/ });
  });

  it('derives charging and readable texts', () => {
    const p = toPayload({ ChargeState: 2, Paused: 1, DynamicPowerMode: 3, SlaveError: 250 });
    assert.equal(p.charging, false, 'ChargeState stays 2 after a pause');
    assert.equal(p.ChargeStateText, 'charging');
    assert.equal(p.DynamicPowerModeText, 'exclusive PV');
    assert.equal(p.SlaveErrorText, 'Modbus error 250');
    assert.equal(toPayload({ ChargeState: 2, Paused: 0 }).charging, true);
    assert.equal(toPayload({ ChargeState: 9 }).ChargeStateText, 'unknown (9)');
  });

  it('lists the keys that changed', () => {
    assert.deepEqual(changedKeys({ A: 1, B: 2 }, { A: 1, B: 3, C: 4 }), ['B', 'C']);
    assert.deepEqual(changedKeys(undefined, { A: 1 }), ['A']);
  });
  it('refuses telemetry cut short rather than completing it into a wrong reading', () => {
    const whole = fixture('clean-2.5.0.txt');
    for (const cut of ['{"ID":"X","ChargeState":2,"Paused":0,"ChargePower":23', '{"ID":"X","ChargeState":2,"SSID":"Home', '{"ID":"X","ChargeState":2,', '{"ID":"X","Nested":{"A":1}', whole.slice(0, whole.length / 2)]) {
      assert.throws(() => parseRealtime(cut), { code: 'INVALID_RESPONSE', message: /cut short/ }, cut);
    }
    for (const name of quirks) {
      const body = fixture(name);
      assert.throws(() => parseRealtime(body.slice(0, body.indexOf('"Intensity"'))), { code: 'INVALID_RESPONSE' }, `${name} cut short`);
    }
  });

  it('refuses a reading without a single field the charger sends', () => {
    for (const body of ['{}', '{"error":"busy"}', '{"Odd":1,"Other":"x"}']) {
      assert.throws(() => parseRealtime(body), { code: 'INVALID_RESPONSE', message: /no field/ }, body);
    }
  });
});
