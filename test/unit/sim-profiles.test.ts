import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROFILE_NAMES, PROFILES, renderRealTimeData, TrydanSimulator, type KeywordValues, type ProfileName } from '../../src/sim';
import { get } from './sim-http';

const NOON = new Date(2025, 5, 21, 12, 0, 0).getTime();

// The reading every fixture in test/fixtures/realtime describes.
const FIXTURE_VALUES: KeywordValues = {
  ID: 'TRYDAN0001',
  FirmwareVersion: 'from the profile',
  SSID: 'HomeWiFi',
  IP: '192.168.1.50',
  SignalStatus: 3,
  ChargeState: 2,
  ReadyState: 0,
  ChargePower: 7360,
  ChargeEnergy: 3.52,
  SlaveError: 0,
  ChargeTime: 1722,
  HousePower: 450,
  FVPower: 5210,
  BatteryPower: 0,
  GridPower: 2600,
  Paused: 0,
  Locked: 0,
  Timer: 0,
  Intensity: 32,
  Dynamic: 1,
  MinIntensity: 6,
  MaxIntensity: 32,
  PauseDynamic: 1,
  DynamicPowerMode: 2,
  ContractedPower: 4600,
  ChargeMode: 0,
  VoltageInstallation: 230,
  LightLED: 100,
  LogoLED: 1,
  IntensityMeasure_L1: 32,
  IntensityMeasure_L2: 0,
  IntensityMeasure_L3: 0,
  VoltageMeasure_L1: 230,
  VoltageMeasure_L2: 0,
  VoltageMeasure_L3: 0,
};

const render = (name: ProfileName, extraKeys?: Record<string, number | string>): string =>
  renderRealTimeData(PROFILES[name], FIXTURE_VALUES, extraKeys ? { extraKeys } : {});

const parses = (body: string): boolean => {
  try {
    JSON.parse(body);
    return true;
  } catch {
    return false;
  }
};

describe('sim firmware profiles', () => {
  it('2.5.0 sends clean JSON with every field', () => {
    const body = render('2.5.0');
    const data = JSON.parse(body) as Record<string, unknown>;
    for (const key of ['ChargeMode', 'IntensityMeasure_L1', 'IntensityMeasure_L3', 'VoltageMeasure_L2', 'SSID', 'IP', 'SignalStatus', 'GridPower', 'BatteryPower']) {
      assert.ok(key in data, `${key} present`);
    }
    assert.equal(data.FirmwareVersion, '2.5.0');
    assert.equal(data.ChargePower, 7360);
    assert.match(body, /"ChargePower":7360\.00,/, 'powers with two decimals like real firmware');
  });

  it('2.4.1 leaves ChargeMode and the 2.5.0 measures out', () => {
    const data = JSON.parse(render('2.4.1')) as Record<string, unknown>;
    for (const key of ['ChargeMode', 'GridPower', 'IntensityMeasure_L1', 'VoltageMeasure_L1']) assert.ok(!(key in data), `${key} absent`);
    for (const key of ['BatteryPower', 'SSID', 'SignalStatus']) assert.ok(key in data, `${key} present`);
  });

  it('2.3.20 repeats FirmwareVersion and has no /read/', () => {
    const body = render('2.3.20');
    assert.equal(body.match(/"FirmwareVersion"/g)?.length, 2);
    assert.equal(PROFILES['2.3.20'].contentType, 'text');
    assert.equal(PROFILES['2.3.20'].hasReadEndpoint, false);
  });

  it('1.7.20 drops the comma after the ID value', () => {
    const body = render('1.7.20');
    assert.ok(body.startsWith('{"ID":"TRYDAN0001""ChargeState":2,'), body);
    assert.equal(parses(body), false);
    assert.ok(!body.includes('BatteryPower') && !body.includes('SSID'), 'older firmware sends fewer fields');
  });

  it('1.6.13 leaves the FirmwareVersion value unquoted', () => {
    const body = render('1.6.13');
    assert.ok(body.includes('"FirmwareVersion":1.6.13,'), body);
    assert.equal(parses(body), false);
  });

  it('no-comma-readystate drops the comma before "ReadyState"', () => {
    const body = render('no-comma-readystate');
    assert.match(body, /"ChargeState":2"ReadyState":0,/);
    assert.equal(parses(body), false);
  });

  it('trailing-percent appends a % after the closing brace', () => {
    const body = render('trailing-percent');
    assert.ok(body.endsWith('}%'));
    assert.equal(parses(body), false);
    assert.equal(parses(body.slice(0, -1)), true);
  });

  it('passes extra keys through', () => {
    const data = JSON.parse(render('2.5.0', { NewField: 5, NewText: 'abc' })) as Record<string, unknown>;
    assert.equal(data.NewField, 5);
    assert.equal(data.NewText, 'abc');
  });

  it('every profile describes the same reading', () => {
    const clean = JSON.parse(render('2.5.0')) as Record<string, unknown>;
    for (const name of PROFILE_NAMES) {
      const p = PROFILES[name];
      // Undo only the profile's own quirks, then compare key by key.
      let body = render(name);
      if (p.quirks.trailingPercent) body = body.slice(0, -1);
      if (p.quirks.unquotedVersion) body = body.replace(/"FirmwareVersion":([\d.]+)/, '"FirmwareVersion":"$1"');
      body = body.replace(/("|\d)"(?=[A-Za-z_0-9]+":)/g, '$1,"');
      const data = JSON.parse(body) as Record<string, unknown>;
      assert.equal(data.FirmwareVersion, p.firmwareVersion, name);
      for (const [key, value] of Object.entries(data)) if (key !== 'FirmwareVersion') assert.deepEqual(value, clean[key], `${name}: ${key}`);
    }
  });

  it('matches the raw fixtures in test/fixtures/realtime', () => {
    const dir = join(__dirname, '..', 'fixtures', 'realtime');
    const expected: Record<string, string> = {
      'clean-2.5.0.txt': render('2.5.0'),
      'unquoted-version-1.6.13.txt': render('1.6.13'),
      'missing-comma-after-id-1.7.20.txt': render('1.7.20'),
      'missing-comma-before-readystate.txt': render('no-comma-readystate'),
      'duplicate-keys-2.3.20.txt': render('2.3.20'),
      'trailing-percent.txt': render('trailing-percent'),
      'missing-keys-old-firmware.txt': render('2.4.1'),
      'unknown-keys.txt': render('2.5.0', { NewField: 5, NewText: 'abc' }),
    };
    for (const [file, body] of Object.entries(expected)) assert.equal(readFileSync(join(dir, file), 'utf8'), body, file);
  });

  describe('over HTTP', () => {
    let sim: TrydanSimulator | undefined;
    afterEach(async () => {
      await sim?.stop();
      sim = undefined;
    });

    async function start(firmware: ProfileName): Promise<string> {
      sim = new TrydanSimulator({ firmware, startTime: NOON, latencyMs: 1 });
      return (await sim.start()).url;
    }

    it('2.5.0 answers application/json', async () => {
      const url = await start('2.5.0');
      const r = await get(url, '/RealTimeData');
      assert.equal(r.status, 200);
      assert.equal(r.headers['content-type'], 'application/json');
      assert.equal((JSON.parse(r.body) as { ID: string }).ID, 'SIMTRYDAN01');
    });

    it('2.4.1 reads ChargeMode through /read/ although /RealTimeData lacks it', async () => {
      const url = await start('2.4.1');
      assert.ok(!(await get(url, '/RealTimeData')).body.includes('ChargeMode'));
      assert.equal((await get(url, '/read/ChargeMode')).body, '0');
      assert.equal((await get(url, '/read/GridPower')).body, 'ERROR', 'not a field of this firmware');
    });

    it('2.3.20 answers Content-Type: text and 404 on /read/', async () => {
      const url = await start('2.3.20');
      const r = await get(url, '/RealTimeData');
      assert.equal(r.headers['content-type'], 'text');
      const read = await get(url, '/read/Intensity');
      assert.equal(read.status, 404);
      assert.equal(read.body, 'This URI does not exist');
      assert.equal((await get(url, '/write/Intensity=10')).body, 'OK', 'writes still work');
    });

    it('1.7.20 serves its malformed body', async () => {
      const url = await start('1.7.20');
      const r = await get(url, '/RealTimeData');
      assert.ok(r.body.startsWith('{"ID":"SIMTRYDAN01""ChargeState":'), r.body);
      assert.throws(() => JSON.parse(r.body));
    });

    it('switches firmware at runtime', async () => {
      const url = await start('2.5.0');
      sim?.setFirmware('1.6.13');
      const r = await get(url, '/RealTimeData');
      assert.ok(r.body.includes('"FirmwareVersion":1.6.13'));
      assert.equal(sim?.state.FirmwareVersion, '1.6.13');
      assert.equal((await get(url, '/read/Intensity')).status, 404);
    });
  });
});
