import { strict as assert } from 'node:assert';
import { Agent } from 'undici';
import { TrydanSimulator } from '../../src/sim';
import { get } from './sim-http';
import { call, parseLoose, type CloudReply } from './sim-cloud-http';

const NOON = new Date(2025, 5, 21, 12, 0, 0).getTime();
const D = 'SIMTRYDAN01';

describe('sim cloud and the charger', () => {
  let realMs: number;
  let sim: TrydanSimulator;
  let lanUrl: string;
  let base: string;
  let agent: Agent;

  const cloud = (method: string, path: string, query: Record<string, string> = {}, body?: unknown): Promise<CloudReply> =>
    call(base, method, path, { deviceId: D, ...query }, { dispatcher: agent, ...(body !== undefined ? { body } : {}) });
  const json = async (method: string, path: string, query: Record<string, string> = {}): Promise<unknown> => parseLoose((await cloud(method, path, query)).text);
  const advanceMinutes = (minutes: number): void => void (realMs += minutes * 60_000);

  beforeEach(async () => {
    realMs = 1_000_000;
    agent = new Agent();
    sim = new TrydanSimulator({ startTime: NOON, now: () => realMs, latencyMs: 0, environment: { cloudiness: 0 }, cloud: { latencyMs: 0 } });
    ({ url: lanUrl, cloudUrl: base = '' } = await sim.start());
  });
  afterEach(async () => {
    await sim.stop();
    await agent.close();
  });

  describe('one DeviceState for LAN and cloud', () => {
    it('a cloud pause shows on the LAN: Paused=1, ChargeState stays 2, power 0', async () => {
      assert.equal((await cloud('POST', '/device/pausecharge')).status, 200);
      const lan = JSON.parse((await get(lanUrl, '/RealTimeData')).body) as Record<string, number>;
      assert.equal(lan.Paused, 1);
      assert.equal(lan.ChargeState, 2);
      assert.equal(lan.ChargePower, 0);
      assert.deepEqual(sim.writes.map((w) => [w.keyword, w.value, w.source]), [['Paused', 1, 'cloud']]);
      await cloud('POST', '/device/startcharge');
      assert.equal((await get(lanUrl, '/read/Paused')).body, '0');
    });

    it('a LAN write shows in reported and currentstatecharge', async () => {
      assert.equal((await get(lanUrl, '/write/Intensity=20')).body, 'OK');
      assert.equal((await get(lanUrl, '/write/Locked=1')).body, 'OK');
      assert.equal((await get(lanUrl, '/write/LightLED=50')).body, 'OK');
      const shadow = (await json('GET', '/device/reported')) as Record<string, string>;
      assert.equal(shadow.intensity, '20');
      assert.equal(shadow.locked, '1');
      assert.equal(shadow.light_led, '0.5');
      const state = (await json('POST', '/device/currentstatecharge')) as Record<string, string>;
      assert.equal(state.intensity, '20');
      assert.equal(state.power, '0.000000');
    });

    it('cloud settings reach the keywords: intensity, locked, dynamic, chargefvmode, maxpower, car limits, logo_led', async () => {
      await cloud('POST', '/device/intensity', { value: '10' });
      await cloud('POST', '/device/dynamic', { value: '0' });
      await cloud('POST', '/device/chargefvmode', { value: '1' });
      await cloud('POST', '/device/maxpower', { value: '5750' });
      await cloud('POST', '/device/max_car_int', { value: '20' });
      await cloud('POST', '/device/min_car_int', { value: '8' });
      await cloud('POST', '/device/logo_led', { value: '0' });
      const s = sim.state;
      assert.deepEqual(
        [s.Intensity, s.Dynamic, s.DynamicPowerMode, s.ContractedPower, s.MaxIntensity, s.MinIntensity, s.LogoLED],
        [10, 0, 3, 5750, 20, 8, 0],
      );
      assert.equal(s.ChargePower, 10 * 230);
      assert.equal(sim.cloud.settings.chargeFvMode, 1);
    });

    it('cloud-only settings show in reported: OCPP, inverter, language, timers in both body forms', async () => {
      await call(base, 'POST', '/device/ocpp', { id: D, value: '1' }, { dispatcher: agent });
      await call(base, 'POST', '/device/ocpp_id', { id: D, value: 'CP-7' }, { dispatcher: agent });
      await call(base, 'POST', '/device/ocpp_addr', { id: D, value: 'wss://ocpp.example/cs' }, { dispatcher: agent });
      await call(base, 'POST', '/device/inverter_ip', { id: D, value: '192.168.1.100' }, { dispatcher: agent });
      await cloud('POST', '/device/language', { value: '2' });
      await cloud('POST', '/device/inst_type', { value: '2' });
      await cloud('POST', '/device/slave_type', { value: '4' });
      await cloud('POST', '/device/set_rfid', { value: '0' });
      await cloud('POST', '/device/timer', { timerId: '1' }, { start_time: '22:00', end_time: '06:00', active: true });
      await cloud('POST', '/device/timer', { timerId: '5' }, { timeStart: '01:30', timeEnd: '04:00', daysOfWeek: '8' });
      const r = (await json('GET', '/device/reported')) as Record<string, string>;
      assert.deepEqual(
        [r.ocpp, r.ocpp_id, r.ocpp_addr, r.inverter_ip, r.language, r.inst_type, r.slave_type, r.rfid],
        ['1', 'CP-7', 'wss://ocpp.example/cs', '192.168.1.100', '2', '2', '4', '0'],
      );
      assert.deepEqual([r.hourstart_01, r.hourend_01, r.houractive_01], ['22:00', '06:00', '1']);
      assert.deepEqual([r.hourstart_05, r.hourend_05, r.houractive_05], ['01:30', '04:00', '0']);
      assert.equal(r.hourstart_00, '00:00');
    });
  });

  describe('charge limits', () => {
    it('charger_until_energy pauses once the energy is delivered', async () => {
      assert.equal((await cloud('POST', '/device/charger_until_energy', { value: '1' })).text, 'true');
      advanceMinutes(10); // 3.68 kW × 10 min ≈ 0.61 kWh
      assert.equal(sim.state.Paused, 0);
      advanceMinutes(10);
      assert.equal(sim.state.Paused, 1);
      assert.deepEqual(sim.cloud.limits, {});
      assert.deepEqual(sim.writes.map((w) => [w.keyword, w.value, w.source]), [['Paused', 1, 'cloud']]);
    });

    it('startchargeminutes resumes a paused charger and pauses it after the minutes', async () => {
      await cloud('POST', '/device/pausecharge');
      await cloud('POST', '/device/startchargeminutes', { minutes: '30' });
      assert.equal(sim.state.Paused, 0);
      advanceMinutes(29);
      assert.equal(sim.state.Paused, 0);
      advanceMinutes(2);
      const lan = JSON.parse((await get(lanUrl, '/RealTimeData')).body) as Record<string, number>;
      assert.equal(lan.Paused, 1, 'a LAN poll sees the limit');
    });

    it('unplugging drops the limits; value 0 removes one', async () => {
      await cloud('POST', '/device/charger_until_minutes', { value: '30' });
      await cloud('POST', '/device/charger_until_energy', { value: '5' });
      await cloud('POST', '/device/charger_until_energy', { value: '0' });
      assert.deepEqual(Object.keys(sim.cloud.limits), ['time']);
      sim.unplug();
      assert.deepEqual(sim.cloud.limits, {});
    });
  });

  describe('RFID', () => {
    it('learn → swipe → list → rename → delete', async () => {
      assert.deepEqual(await json('GET', '/device/rfid'), []);
      assert.equal((await cloud('POST', '/device/rfid', { tag: 'Vicente' })).status, 200);
      assert.equal(sim.cloud.snapshot().rfid.learning, 'Vicente');
      assert.deepEqual(sim.swipeCard('aa23b601'), {
        result: 'learned',
        card: { code: 'aa23b601', tag: 'Vicente', createdAt: sim.cloud.rfid.find('aa23b601')?.createdAt },
      });
      assert.equal(sim.swipeCard('aa23b601').result, 'authorized');
      assert.equal(sim.swipeCard('ffff0000').result, 'unknown', 'learning mode ended with the first card');
      const list = (await json('GET', '/device/rfid')) as Array<Record<string, string>>;
      assert.deepEqual(list.map((c) => [c.code, c.tag]), [['aa23b601', 'Vicente']]);
      assert.equal((await cloud('PUT', '/device/rfid/tag', { code: 'aa23b601', tag: 'Vicente B' })).text, 'OK');
      assert.equal((await cloud('POST', '/device/rfid/tag', { code: 'cc00dd11', tag: 'Spare' })).status, 200);
      assert.equal((await cloud('POST', '/device/rfid/tag', { code: 'cc00dd11', tag: 'Again' })).status, 409);
      assert.deepEqual(((await json('GET', '/device/rfid')) as Array<Record<string, string>>).map((c) => [c.code, c.tag]), [
        ['aa23b601', 'Vicente B'],
        ['cc00dd11', 'Spare'],
      ]);
      assert.equal((await cloud('DELETE', '/device/rfid', { code: 'aa23b601' })).status, 204);
      assert.equal((await cloud('DELETE', '/device/rfid', { code: 'aa23b601' })).status, 404);
      assert.equal((await cloud('PUT', '/device/rfid/tag', { code: 'aa23b601', tag: 'X' })).status, 404);
      assert.deepEqual(((await json('GET', '/device/rfid')) as Array<Record<string, string>>).map((c) => c.code), ['cc00dd11']);
    });

    it('a reader switched off ignores cards', async () => {
      await cloud('POST', '/device/set_rfid', { value: '0' });
      await cloud('POST', '/device/rfid', { tag: 'Ignored' });
      assert.equal(sim.swipeCard('aa23b601').result, 'reader-off');
      assert.deepEqual(await json('GET', '/device/rfid'), []);
    });
  });

  describe('statistics', () => {
    type Session = { id: number; deviceId: string; startChargeDate: string; endChargeDate: string | null; energy: number; energyByHour: string; finished: boolean; rfidName: string | null; cost: number };

    it('without dates: the last 5 sessions, newest first, with the spec fields', async () => {
      const list = (await json('GET', '/stadistic/device')) as Session[];
      assert.equal(list.length, 5);
      const starts = list.map((s) => s.startChargeDate);
      assert.deepEqual([...starts].sort().reverse(), starts);
      assert.equal(list[0]?.finished, false, 'the car plugged in now is an open session');
      assert.equal(list[0]?.endChargeDate, null);
      for (const s of list.slice(1)) {
        assert.equal(s.deviceId, D);
        assert.equal(typeof s.energy, 'number');
        assert.match(s.startChargeDate, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
        assert.ok(s.finished);
        const hourly = s.energyByHour.split('|').map(Number);
        assert.ok(Math.abs(hourly.reduce((a, b) => a + b, 0) - s.energy) < 0.1 * hourly.length);
      }
    });

    it('records a live session: energy by hour, the card swiped, finished on unplug', async () => {
      await cloud('POST', '/device/rfid/tag', { code: 'aa23b601', tag: 'Vicente' });
      sim.swipeCard('aa23b601');
      advanceMinutes(90);
      sim.unplug();
      const [latest] = (await json('GET', '/stadistic/device')) as Session[];
      assert.equal(latest?.finished, true);
      assert.equal(latest?.startChargeDate, '2025-06-21T12:00:00');
      assert.equal(latest?.endChargeDate, '2025-06-21T13:30:00');
      assert.equal(latest?.rfidName, 'Vicente');
      assert.ok(Math.abs((latest?.energy ?? 0) - 3.68 * 1.5) < 0.05);
      assert.deepEqual(latest?.energyByHour.split('|').map(Number), [3.7, 1.8]);
      assert.equal(latest?.cost, Math.round((latest?.energy ?? 0) * 0.15 * 100) / 100);
    });

    it('filters by date (chargeDateStart/End) and totals finished sessions in global/me', async () => {
      const today = await json('GET', '/stadistic/device', { chargeDateStart: '2025-06-21', chargeDateEnd: '2025-06-21' });
      assert.equal((today as Session[]).length, 1);
      const month = (await json('GET', '/stadistic/device', { chargeDateStart: '2025-05-01' })) as Session[];
      assert.equal(month.length, 13, '12 seeded sessions and the open one');
      const total = JSON.parse((await call(base, 'GET', '/stadistic/global/me', {}, { dispatcher: agent })).text) as Array<{ totalEnergy: number; totalCharges: number }>;
      const finished = month.filter((s) => s.finished);
      assert.equal(total[0]?.totalCharges, finished.length);
      assert.equal(total[0]?.totalEnergy, Math.round(finished.reduce((a, s) => a + s.energy, 0) * 100) / 100);
      const none = JSON.parse((await call(base, 'GET', '/stadistic/global/me', { endChargeDateStart: '2030-01-01' }, { dispatcher: agent })).text) as unknown;
      assert.deepEqual(none, [{ totalEnergy: 0, totalCharges: 0 }]);
    });
  });

  describe('power profiles', () => {
    it('save → update (id) → get by updateAt → all → delete', async () => {
      const t0 = '2023-10-27T10:00:00Z';
      const t1 = '2023-10-27T10:01:00Z';
      assert.equal((await cloud('POST', '/device/savepersonalicepower/v2', { name: 'SolarMode', updateAt: t0 }, { mode: 'solar', value: 32 })).text, 'OK');
      assert.equal((await cloud('POST', '/device/savepersonalicepower/v2', { name: 'SolarMode', updateAt: t1 }, { mode: 'solar', value: 1 })).status, 409);
      const upd = await call(base, 'POST', '/device/personalicepower/v2', { id: D, name: 'SolarMode', updateAt: t1 }, { dispatcher: agent, body: { mode: 'solar', value: 16 } });
      assert.equal(upd.status, 200);
      assert.equal((await cloud('GET', '/device/personalicepower/v2', { updateAt: t0 })).status, 404, 'the update moved it to t1');
      const one = await cloud('GET', '/device/personalicepower/v2', { updateAt: t1, name: 'SolarMode' });
      assert.match(one.contentType, /^text\/plain/);
      assert.deepEqual(JSON.parse(one.text), { deviceId: D, name: 'SolarMode', updateAt: t1, profile: { mode: 'solar', value: 16 } });
      assert.deepEqual(await json('GET', '/device/personalicepower/all'), [{ deviceId: D, name: 'SolarMode', updateAt: t1, profile: { mode: 'solar', value: 16 } }]);
      assert.equal((await cloud('DELETE', '/device/personalicepower/v2', { name: 'SolarMode', updateAt: t0 })).status, 404);
      assert.equal((await cloud('DELETE', '/device/personalicepower/v2', { name: 'SolarMode', updateAt: t1 })).status, 204);
      assert.deepEqual(await json('GET', '/device/personalicepower/all'), []);
      const missing = await call(base, 'POST', '/device/personalicepower/v2', { id: D, name: 'Nope', updateAt: t1 }, { dispatcher: agent, body: {} });
      assert.equal(missing.status, 404);
    });
  });

  describe('firmware', () => {
    it('update moves an old charger to the newest firmware; version follows', async () => {
      sim.setFirmware('2.3.20');
      assert.deepEqual(JSON.parse((await cloud('GET', '/version')).text), { versionId: '2.3.20', deviceId: D });
      assert.match((await cloud('POST', '/device/update')).contentType, /^text\/plain/);
      assert.equal(sim.firmware, '2.5.0');
      assert.equal((await cloud('GET', '/version')).text, '2.5.0');
      assert.equal((await get(lanUrl, '/read/FirmwareVersion')).body, '2.5.0');
      await cloud('POST', '/device/update');
      assert.equal(sim.cloud.updateRequests, 2);
      await cloud('POST', '/device/reboot');
      assert.equal(sim.cloud.reboots, 1);
    });
  });
});
