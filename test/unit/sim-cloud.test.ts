import { strict as assert } from 'node:assert';
import { Agent } from 'undici';
import { CLOUD_ROUTES, TrydanSimulator } from '../../src/sim';
import { call, parseLoose, type CloudReply } from './sim-cloud-http';

const NOON = new Date(2025, 5, 21, 12, 0, 0).getTime();
const D = 'SIMTRYDAN01';
const KONG_NO_ROUTE = '{"message":"no Route matched with those values"}';

type Endpoint = [method: string, path: string, query: Record<string, string>, body?: unknown];

// Written from V2C's cloud API spec and docs/charger-protocol.md (cloud quirks), independently of the simulator's table, in an
// order where each call is valid (the card exists before it is renamed, and so on).
const ENDPOINTS: Endpoint[] = [
  ['POST', '/device/startcharge', { deviceId: D }],
  ['POST', '/device/pausecharge', { deviceId: D }],
  ['POST', '/device/intensity', { deviceId: D, value: '16' }],
  ['POST', '/device/locked', { deviceId: D, value: '0' }],
  ['POST', '/device/dynamic', { deviceId: D, value: '1' }],
  ['POST', '/device/chargefvmode', { deviceId: D, value: '1' }],
  ['POST', '/device/maxpower', { deviceId: D, value: '5750' }],
  ['POST', '/device/max_car_int', { deviceId: D, value: '32' }],
  ['POST', '/device/min_car_int', { deviceId: D, value: '6' }],
  ['POST', '/device/charger_until_energy', { deviceId: D, value: '10' }],
  ['POST', '/device/charger_until_minutes', { deviceId: D, value: '60' }],
  ['POST', '/device/startchargekw', { deviceId: D, kw: '15' }],
  ['POST', '/device/startchargeminutes', { deviceId: D, minutes: '120' }],
  ['POST', '/device/timer', { deviceId: D, timerId: '1' }, { start_time: '22:00', end_time: '06:00', active: true }],
  ['POST', '/device/thirdparty_mode', { deviceId: D, mode: '1', value: '1' }],
  ['POST', '/device/inst_type', { deviceId: D, value: '0' }],
  ['POST', '/device/ocpp', { id: D, value: '1' }],
  ['POST', '/device/ocpp_id', { id: D, value: 'V2C_Charger_001' }],
  ['POST', '/device/ocpp_addr', { id: D, value: 'ws://ocpp.server.com/endpoint' }],
  ['POST', '/device/denka/max_power', { deviceId: D, value: '5000' }],
  ['POST', '/device/inverter_ip', { id: D, value: '192.168.1.100' }],
  ['POST', '/device/wifi', { deviceId: D, ssid: 'MyWifiNetwork', password: 'MyWifiPassword123' }],
  ['POST', '/device/slave_type', { deviceId: D, value: '3' }],
  ['POST', '/device/language', { deviceId: D, value: '1' }],
  ['POST', '/device/logo_led', { deviceId: D, value: '1' }],
  ['POST', '/device/reboot', { deviceId: D }],
  ['POST', '/device/currentstatecharge', { deviceId: D }],
  ['GET', '/device/reported', { deviceId: D }],
  ['GET', '/device/connected', { deviceId: D }],
  ['GET', '/device/wifilist', { id: D }],
  ['POST', '/device/rfid', { deviceId: D, tag: 'NewCardName' }],
  ['GET', '/device/rfid', { deviceId: D }],
  ['POST', '/device/rfid/tag', { deviceId: D, code: 'NEW_RFID_UID', tag: 'ManualCardName' }],
  ['PUT', '/device/rfid/tag', { deviceId: D, code: 'NEW_RFID_UID', tag: 'UpdatedCardName' }],
  ['DELETE', '/device/rfid', { deviceId: D, code: 'NEW_RFID_UID' }],
  ['POST', '/device/set_rfid', { deviceId: D, value: '1' }],
  ['GET', '/stadistic/device', { deviceId: D }],
  ['GET', '/stadistic/global/me', {}],
  ['POST', '/device/savepersonalicepower/v2', { deviceId: D, name: 'SolarMode', updateAt: '2023-10-27T10:00:00Z' }, { mode: 'solar', value: 32 }],
  ['POST', '/device/personalicepower/v2', { id: D, name: 'SolarMode', updateAt: '2023-10-27T10:01:00Z' }, { mode: 'solar', value: 16 }],
  ['GET', '/device/personalicepower/v2', { deviceId: D, updateAt: '2023-10-27T10:01:00Z' }],
  ['GET', '/device/personalicepower/all', { deviceId: D }],
  ['DELETE', '/device/personalicepower/v2', { deviceId: D, name: 'SolarMode', updateAt: '2023-10-27T10:01:00Z' }],
  ['POST', '/device/update', { deviceId: D }],
  ['GET', '/version', { deviceId: D }],
  ['GET', '/pairings/me', {}],
];

const DEVICE_PARAMS = ['deviceId', 'id'];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE'];

describe('sim cloud endpoints', () => {
  let sim: TrydanSimulator;
  let base: string;
  let agent: Agent;

  beforeEach(async () => {
    agent = new Agent();
    sim = new TrydanSimulator({ startTime: NOON, latencyMs: 0, cloud: { quota: 100_000, latencyMs: 0 } });
    base = (await sim.start()).cloudUrl ?? '';
  });
  afterEach(async () => {
    await sim.stop();
    await agent.close();
  });

  const cloud = (method: string, path: string, query: Record<string, string> = {}, body?: unknown, apiKey?: string | null): Promise<CloudReply> =>
    call(base, method, path, query, { dispatcher: agent, ...(body !== undefined ? { body } : {}), ...(apiKey !== undefined ? { apiKey } : {}) });

  it('serves under /kong/v2c_service on 127.0.0.1', () => {
    assert.match(base, /^http:\/\/127\.0\.0\.1:\d+\/kong\/v2c_service$/);
  });

  it('lists the same endpoints as the simulator table', () => {
    const mine = ENDPOINTS.map(([m, p]) => `${m} ${p}`).sort();
    assert.deepEqual(CLOUD_ROUTES.map((r) => `${r.method} ${r.path}`).sort(), mine);
  });

  it('answers every endpoint with its method and spec parameter names', async () => {
    for (const [method, path, query, body] of ENDPOINTS) {
      const r = await cloud(method, path, query, body);
      assert.ok(r.status === 200 || r.status === 204, `${method} ${path}: ${r.status} ${r.text}`);
    }
  });

  it('answers 404 (Kong: no route) to every other method, without counting it', async () => {
    const used = sim.account?.quotaUsed;
    const byPath = new Map<string, Endpoint>();
    for (const e of ENDPOINTS) byPath.set(e[1], e);
    for (const [path, [, , query]] of byPath) {
      const allowed = ENDPOINTS.filter((e) => e[1] === path).map((e) => e[0]);
      for (const method of METHODS.filter((m) => !allowed.includes(m))) {
        const r = await cloud(method, path, query);
        assert.equal(r.status, 404, `${method} ${path}`);
        assert.equal(r.text, KONG_NO_ROUTE);
      }
    }
    assert.equal(sim.account?.quotaUsed, used);
    assert.equal((await cloud('GET', '/device/nothing', { deviceId: D })).status, 404);
    assert.equal((await cloud('POST', '/thirdparty/device/currentstatecharge', { deviceId: D })).status, 404);
    assert.equal((await call(base.replace('/kong/v2c_service', ''), 'POST', '/device/startcharge', { deviceId: D }, { dispatcher: agent })).status, 404);
  });

  it('enforces the device parameter name: id where the facts say id, deviceId elsewhere', async () => {
    for (const [method, path, query, body] of ENDPOINTS) {
      const name = DEVICE_PARAMS.find((p) => p in query);
      if (!name) continue;
      const other = name === 'id' ? 'deviceId' : 'id';
      const { [name]: value, ...rest } = query;
      const r = await cloud(method, path, { ...rest, [other]: value ?? D }, body);
      assert.equal(r.status, 400, `${method} ${path} with ${other}`);
      assert.deepEqual(JSON.parse(r.text), { message: `Missing required parameter: ${name}` });
    }
    const idRoutes = CLOUD_ROUTES.filter((r) => r.scope === 'device' && r.deviceParam === 'id').map((r) => `${r.method} ${r.path}`).sort();
    assert.deepEqual(idRoutes, [
      'GET /device/wifilist',
      'POST /device/inverter_ip',
      'POST /device/ocpp',
      'POST /device/ocpp_addr',
      'POST /device/ocpp_id',
      'POST /device/personalicepower/v2',
    ]);
  });

  it('answers 400 JSON naming each missing parameter (timerId, not "timer id")', async () => {
    for (const [method, path, query, body] of ENDPOINTS) {
      for (const name of Object.keys(query)) {
        const { [name]: _dropped, ...rest } = query;
        const r = await cloud(method, path, rest, body);
        assert.equal(r.status, 400, `${method} ${path} without ${name}`);
        assert.match(r.contentType, /application\/json/);
        assert.deepEqual(JSON.parse(r.text), { message: `Missing required parameter: ${name}` });
      }
    }
    const spaced = await cloud('POST', '/device/timer', { deviceId: D, 'timer id': '1' }, { start_time: '22:00', end_time: '06:00', active: true });
    assert.equal(spaced.status, 400);
  });

  it('answers 400 text/plain to bad values, and changes nothing', async () => {
    const bad: Endpoint[] = [
      ['POST', '/device/intensity', { deviceId: D, value: '40' }],
      ['POST', '/device/intensity', { deviceId: D, value: 'abc' }],
      ['POST', '/device/locked', { deviceId: D, value: '2' }],
      ['POST', '/device/chargefvmode', { deviceId: D, value: '3' }],
      ['POST', '/device/inst_type', { deviceId: D, value: '3' }],
      ['POST', '/device/language', { deviceId: D, value: '7' }],
      ['POST', '/device/max_car_int', { deviceId: D, value: '5' }],
      ['POST', '/device/inverter_ip', { id: D, value: '300.1.1.1' }],
      ['POST', '/device/ocpp_addr', { id: D, value: 'http://ocpp' }],
      ['POST', '/device/charger_until_energy', { deviceId: D, value: '-1' }],
      ['POST', '/device/startchargekw', { deviceId: D, kw: '0' }],
      ['POST', '/device/wifi', { deviceId: D, ssid: 'Net', password: 'short' }],
      ['POST', '/device/timer', { deviceId: D, timerId: '1' }, { start_time: '25:00', end_time: '06:00', active: true }],
      ['POST', '/device/timer', { deviceId: D, timerId: '1' }, { timeStart: '22:00', timeEnd: '06:00', daysOfWeek: '9' }],
      ['POST', '/device/timer', { deviceId: D, timerId: '1' }],
      ['POST', '/device/savepersonalicepower/v2', { deviceId: D, name: 'X', updateAt: 'yesterday' }, { mode: 'solar' }],
      ['POST', '/device/savepersonalicepower/v2', { deviceId: D, name: 'X', updateAt: '2023-10-27T10:00:00Z' }, [1, 2]],
      ['GET', '/stadistic/device', { deviceId: D, chargeDateStart: '2025-13-01' }],
      ['GET', '/stadistic/global/me', { endChargeDateEnd: '2025-02-30' }],
    ];
    for (const [method, path, query, body] of bad) {
      const r = await cloud(method, path, query, body);
      assert.equal(r.status, 400, `${method} ${path} ${JSON.stringify(query)}`);
      assert.match(r.contentType, /^text\/plain/, `${method} ${path}`);
      assert.ok(r.text.length > 0);
    }
    assert.equal(sim.state.Intensity, 16);
    assert.equal(sim.state.Locked, 0);
    assert.equal(sim.cloud.timers.size, 0);
  });

  it('answers 404 to a device outside the account', async () => {
    const r = await cloud('POST', '/device/pausecharge', { deviceId: 'NOTMINE' });
    assert.equal(r.status, 404);
    assert.deepEqual(JSON.parse(r.text), { message: 'Device NOTMINE not found' });
    assert.equal(sim.state.Paused, 0);
  });

  describe('reply shapes', () => {
    it('currentstatecharge: POST, text/plain JSON, strings, kW, cp_level 248, voltage not the mains', async () => {
      const r = await cloud('POST', '/device/currentstatecharge', { deviceId: D });
      assert.equal(r.status, 200);
      assert.match(r.contentType, /^text\/plain/);
      const body = JSON.parse(r.text) as Record<string, unknown>;
      assert.deepEqual(Object.keys(body).sort(), [
        'battery', 'charge_state', 'cp_level', 'energy', 'error', 'house_power', 'intensity', 'phases', 'photovoltaic_on', 'power', 'seconds', 'sun_power', 'voltage',
      ]);
      assert.ok(Object.values(body).every((v) => typeof v === 'string'));
      const lan = sim.state;
      assert.equal(body.power, (lan.ChargePower / 1000).toFixed(6));
      assert.equal(body.power, '3.680000');
      assert.equal(Number(body.house_power), lan.HousePower / 1000);
      assert.equal(Number(body.sun_power), lan.FVPower / 1000);
      assert.equal(body.charge_state, '2');
      assert.equal(body.intensity, '16');
      assert.equal(body.phases, '1');
      assert.equal(body.cp_level, '248.000000');
      assert.notEqual(Number(body.voltage), lan.VoltageInstallation);
    });

    it('currentstatecharge: cloud ChargeState numbering (3 ventilation, 4 pilot, 5 fault)', async () => {
      for (const [lan, cloudState] of [[6, '3'], [5, '4'], [4, '5'], [0, '2']] as const) {
        sim.set({ failure: lan });
        const body = JSON.parse((await cloud('POST', '/device/currentstatecharge', { deviceId: D })).text) as Record<string, string>;
        assert.equal(body.charge_state, cloudState, `LAN ${lan}`);
      }
      sim.unplug();
      assert.equal((JSON.parse((await cloud('POST', '/device/currentstatecharge', { deviceId: D })).text) as Record<string, string>).charge_state, '0');
    });

    it('reported: flat lowercase strings, every other call a JSON string, wifi_info a JSON string', async () => {
      const first = await cloud('GET', '/device/reported', { deviceId: D });
      const second = await cloud('GET', '/device/reported', { deviceId: D });
      assert.match(first.contentType, /application\/json/);
      const obj = JSON.parse(first.text) as Record<string, unknown>;
      assert.equal(typeof obj, 'object');
      const inString: unknown = JSON.parse(second.text);
      assert.equal(typeof inString, 'string');
      assert.deepEqual(JSON.parse(inString as string), obj);
      for (const [k, v] of Object.entries(obj)) {
        assert.equal(k, k.toLowerCase());
        assert.equal(typeof v, 'string', k);
      }
      for (const key of ['connected', 'locked', 'pause', 'charge_state', 'intensity', 'dynamic', 'timer', 'ready_state', 'phases', 'light_led', 'logo_led', 'contract_power', 'device_id', 'version', 'mac', 'wifi_info', 'inst_type', 'slave_type', 'language', 'hourstart_00']) {
        assert.ok(key in obj, key);
      }
      assert.equal(obj.device_id, D);
      assert.equal(obj.contract_power, '46');
      assert.equal(obj.light_led, '1');
      assert.deepEqual(JSON.parse(obj.wifi_info as string), { ssid: 'SimHome', ip: '127.0.0.1', static_mode: '0', status: '3' });
      sim.account?.setFault({ reportedForm: 'always-object' });
      assert.equal(typeof JSON.parse((await cloud('GET', '/device/reported', { deviceId: D })).text), 'object');
      assert.equal(typeof JSON.parse((await cloud('GET', '/device/reported', { deviceId: D })).text), 'object');
    });

    it('connected: bare true, 1 and "true" in turn; false ones while off the cloud', async () => {
      const texts = [];
      for (let i = 0; i < 3; i++) texts.push((await cloud('GET', '/device/connected', { deviceId: D })).text);
      assert.deepEqual(texts, ['true', '1', '"true"']);
      sim.account?.setConnected(D, false);
      for (let i = 0; i < 3; i++) texts.push((await cloud('GET', '/device/connected', { deviceId: D })).text);
      assert.deepEqual(texts.slice(3), ['false', '0', '"false"']);
      const cmd = await cloud('POST', '/device/pausecharge', { deviceId: D });
      assert.equal(cmd.status, 502);
      assert.equal(sim.state.Paused, 0);
      assert.equal((await cloud('GET', '/device/reported', { deviceId: D })).status, 200, 'the shadow still answers');
    });

    it('commands: message JSON, text OK, bare true, 204 or message as text, fixed per endpoint', async () => {
      const message = await cloud('POST', '/device/startcharge', { deviceId: D });
      assert.match(message.contentType, /application\/json/);
      assert.deepEqual(JSON.parse(message.text), { message: 'Command executed successfully' });
      const ok = await cloud('POST', '/device/intensity', { deviceId: D, value: '10' });
      assert.match(ok.contentType, /^text\/plain/);
      assert.equal(ok.text, 'OK');
      const yes = await cloud('POST', '/device/locked', { deviceId: D, value: '0' });
      assert.equal(yes.text, 'true');
      const none = await cloud('POST', '/device/maxpower', { deviceId: D, value: '5750' });
      assert.equal(none.status, 204);
      assert.equal(none.text, '');
      assert.equal(none.headers['content-type'], undefined);
      const textMessage = await cloud('POST', '/device/reboot', { deviceId: D });
      assert.match(textMessage.contentType, /^text\/plain/);
      assert.deepEqual(JSON.parse(textMessage.text), { message: 'Command executed successfully' });
      for (const route of CLOUD_ROUTES) assert.ok(route.reply.length > 0);
    });

    it('version: {versionId} then a bare string; wifilist: a JSON string holding an array', async () => {
      const a = await cloud('GET', '/version', { deviceId: D });
      const b = await cloud('GET', '/version', { deviceId: D });
      assert.deepEqual(JSON.parse(a.text), { versionId: '2.5.0', deviceId: D });
      assert.equal(b.text, '2.5.0');
      const wifi = await cloud('GET', '/device/wifilist', { id: D });
      assert.equal(typeof JSON.parse(wifi.text), 'string');
      const list = parseLoose(wifi.text) as Array<Record<string, string>>;
      assert.ok(Array.isArray(list) && list.length > 1);
      assert.ok(list.some((n) => n.ssid === 'SimHome'));
      assert.ok(list.every((n) => typeof n.rssi === 'string'));
    });

    it('pairings/me: [{deviceId, tag, ip, model, modelName}], not the spec {id, name}', async () => {
      const list = JSON.parse((await cloud('GET', '/pairings/me')).text) as Array<Record<string, unknown>>;
      assert.equal(list.length, 1);
      assert.equal(list[0]?.deviceId, D);
      assert.equal(list[0]?.tag, `Trydan ${D}`);
      assert.equal(list[0]?.ip, '127.0.0.1');
      assert.equal(list[0]?.model, 'trydan');
      assert.equal(typeof list[0]?.modelName, 'string');
      assert.ok(!('name' in (list[0] ?? {})));
    });
  });

  describe('api key', () => {
    it('401 without the header or with a wrong key; not counted; the key never in the log', async () => {
      const none = await cloud('POST', '/device/pausecharge', { deviceId: D }, undefined, null);
      assert.equal(none.status, 401);
      assert.deepEqual(JSON.parse(none.text), { message: 'No API key found in request' });
      const wrong = await cloud('POST', '/device/pausecharge', { deviceId: D }, undefined, 'not-the-key');
      assert.equal(wrong.status, 401);
      assert.deepEqual(JSON.parse(wrong.text), { message: 'Unauthorized' });
      assert.equal(sim.state.Paused, 0);
      assert.equal(sim.account?.quotaUsed, 0);
      assert.equal(none.headers['ratelimit-remaining'], undefined);
      const log = sim.account?.requests ?? [];
      assert.deepEqual(log.map((r) => [r.status, r.hasApiKey, r.counted]), [[401, false, false], [401, true, false]]);
      assert.ok(!JSON.stringify(log).includes('sim-api-key'));
      assert.ok(!JSON.stringify(log).includes('not-the-key'));
    });

    it('outage: 401 with the right key until it ends', async () => {
      sim.account?.setFault({ outage: true });
      const r = await cloud('GET', '/pairings/me');
      assert.equal(r.status, 401);
      assert.equal(sim.account?.quotaUsed, 0);
      sim.account?.setFault({ outage: false });
      assert.equal((await cloud('GET', '/pairings/me')).status, 200);
    });

    it('forbidPairings: 403 on /pairings/me while device calls work', async () => {
      sim.account?.setFault({ forbidPairings: true });
      const r = await cloud('GET', '/pairings/me');
      assert.equal(r.status, 403);
      assert.equal((await cloud('GET', '/device/reported', { deviceId: D })).status, 200);
      assert.equal(sim.account?.quotaUsed, 2, 'a 403 passed auth, so it counts');
    });
  });

  describe('request log', () => {
    it('keeps method, path without base, query, JSON body, status, simTime; redacts a Wi-Fi password', async () => {
      await cloud('POST', '/device/timer', { deviceId: D, timerId: '2' }, { timeStart: '01:00', timeEnd: '05:00', daysOfWeek: '135' });
      await cloud('POST', '/device/wifi', { deviceId: D, ssid: 'Other', password: 'secret-password' });
      const [timer, wifi] = sim.account?.requests ?? [];
      assert.deepEqual(
        { ...timer, simTime: undefined, receivedAt: undefined, answeredAt: undefined, remaining: undefined },
        {
          method: 'POST',
          path: '/device/timer',
          query: { deviceId: D, timerId: '2' },
          body: { timeStart: '01:00', timeEnd: '05:00', daysOfWeek: '135' },
          status: 204,
          hasApiKey: true,
          counted: true,
          simTime: undefined,
          receivedAt: undefined,
          answeredAt: undefined,
          remaining: undefined,
        },
      );
      assert.ok(Math.abs((timer?.simTime ?? 0) - NOON) < 60_000);
      assert.equal(wifi?.query.password, '***');
      assert.equal(sim.state.SSID, 'Other');
      sim.account?.clearLog();
      assert.equal(sim.account?.requests.length, 0);
    });
  });
});
