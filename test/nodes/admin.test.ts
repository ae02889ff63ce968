import { strict as assert } from 'node:assert';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TrydanSimulator } from '../../src/sim';
import { CLOUD_ENDPOINTS } from '../../src/trydan/cloud-catalogue';
import { WRITABLE_KEYWORDS } from '../../src/trydan/keywords';
import { config, helper, nodes, startSim } from './flow';
import { PROBE_DEADLINE_MS } from '../../nodes/lib/admin';
import { cadenceLimits } from '../../src/coordinator/cadence';
import { GRID_FORMATS, GRID_SOURCES, SETTINGS } from '../../src/surplus';
import { RANGE_PRESETS } from '../../src/trydan/statistics';

describe('admin endpoints for the editor', () => {
  let sim: TrydanSimulator;
  let host: string;
  let cloudUrl: string;
  let apiKey: string;

  beforeEach(async () => {
    ({ sim, host, cloudUrl, apiKey } = await startSim({ cloud: true }));
    // The simulator is on loopback, which the editor's Check refuses unless this setting allows it.
    helper.settings({ v2cConfigAllowLoopback: true });
    await helper.startServer();
    await helper.load(nodes, [config(host, { cloudUrl })], { cfg: { apiKey } });
  });

  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
    helper.settings({});
    await sim.stop();
  });

  it('serves the keyword table and the cloud catalogue the runtime validates with', async () => {
    const keywords = await helper.request().get('/v2c-trydan/keywords').expect(200);
    assert.deepEqual(keywords.body.map((k: { name: string }) => k.name), WRITABLE_KEYWORDS.map((k) => k.name));
    const endpoints = await helper.request().get('/v2c-trydan/endpoints').expect(200);
    assert.equal(endpoints.body.length, CLOUD_ENDPOINTS.length);
    assert.deepEqual(endpoints.body.find((e: { name: string }) => e.name === 'intensity').params, ['value']);
  });

  it('serves the tables the dialogs take their choices, ranges and rules from', async () => {
    const { body } = await helper.request().get('/v2c-trydan/tables').expect(200);
    assert.deepEqual(body.cadence, cadenceLimits());
    // The surplus settings: every range and choice as the runtime validates them, and their order.
    assert.deepEqual(body.surplus.settings, JSON.parse(JSON.stringify(SETTINGS)));
    assert.deepEqual(body.surplus.settings.minCurrent, { kind: 'number', default: 6, min: 6, max: 32, unit: 'A', description: SETTINGS.minCurrent.description });
    assert.deepEqual(body.surplus.ordered, [
      { high: 'maxCurrent', low: 'minCurrent' },
      { high: 'bufferStartSoc', low: 'bufferSoc' },
      { high: 'bufferSoc', low: 'batteryPrioritySoc', unlessHigh: 100 },
    ]);
    assert.deepEqual(body.surplus.meter.gridSource.choices, [...GRID_SOURCES]);
    assert.deepEqual(body.surplus.meter.gridFormat.choices, [...GRID_FORMATS]);
    assert.deepEqual(body.surplus.meter.unit, { choices: ['W', 'kW'] });
    assert.deepEqual(body.statistics, { ranges: [...RANGE_PRESETS], scopes: ['device', 'account'] });
    // Actions with the parameters their cloud calls take (from the cloud catalogue).
    assert.deepEqual(body.actions['v2c-rfid'].map((a: { name: string }) => a.name), ['list', 'learn', 'add', 'rename', 'delete', 'reader']);
    assert.deepEqual(body.actions['v2c-rfid'].find((a: { name: string }) => a.name === 'add').params, ['code', 'tag']);
    assert.deepEqual(body.actions['v2c-power-profile'].map((a: { name: string }) => a.name), ['list', 'get', 'create', 'update', 'delete']);
    assert.deepEqual(body.actions['v2c-power-profile'].find((a: { name: string }) => a.name === 'delete').params, ['name', 'updateAt']);
    assert.deepEqual(body.typedInputs['v2c-write-out'], { value: ['msg', 'flow', 'global', 'env', 'num', 'json'] });
    assert.deepEqual(body.typedInputs['v2c-statistics'].from, ['str', 'msg', 'flow', 'global', 'env']);
    // Telemetry's change detection: the rule the runtime refuses keys and deadbands by.
    assert.deepEqual(body.realtime.output.choices, ['every', 'change']);
    assert.deepEqual(body.realtime.watch.choices, ['all', 'keys']);
    assert.deepEqual(body.realtime.deadband, { min: 0, max: 100000, default: 100, unit: 'W' });
    const key = new RegExp(body.realtime.key);
    assert.ok(key.test('ChargePower') && !key.test('Paused; rm') && !key.test(''));
  });

  it('checks an address with the runtime\'s rule, without contacting it', async () => {
    sim.clearLog();
    const check = async (host: string) => (await helper.request().get('/v2c-trydan/address').query({ host }).expect(200)).body;
    assert.deepEqual(await check(''), { ok: true, origin: '' });
    assert.deepEqual(await check('192.168.1.50'), { ok: true, origin: 'http://192.168.1.50' });
    assert.deepEqual(await check('http://trydan.local:8080/'), { ok: true, origin: 'http://trydan.local:8080' });
    assert.deepEqual(await check(host), { ok: true, origin: `http://${host}` });
    const path = await check('192.168.1.50/RealTimeData');
    assert.equal(path.ok, false);
    assert.match(path.error, /should be just an address like 192\.168\.1\.50/);
    assert.match((await check('https://192.168.1.50')).error, /plain http, not https/);
    assert.match((await check('user:pw@192.168.1.50')).error, /just an address/);
    assert.match((await check('no spaces allowed')).error, /is not an IP address or hostname/);
    assert.deepEqual(sim.requests, [], 'nothing was sent to the address');
  });

  it('finds the account\'s chargers with the key typed in the dialog, or the saved one', async () => {
    const typed = await helper.request().post('/v2c-trydan/discover').send({ apiKey, cloudUrl }).expect(200);
    assert.deepEqual(typed.body.pairings.map((p: { deviceId: string }) => p.deviceId), [sim.state.ID]);
    const saved = await helper.request().post('/v2c-trydan/discover').send({ id: 'cfg', apiKey: '__PWRD__', cloudUrl }).expect(200);
    assert.equal(saved.body.pairings[0].deviceId, sim.state.ID);
    assert.equal(typeof saved.body.rateLimit.remaining, 'number');
    const wrong = await helper.request().post('/v2c-trydan/discover').send({ apiKey: 'not-the-key', cloudUrl }).expect(401);
    assert.match(wrong.body.error, /refused the API key/);
    assert.ok(!JSON.stringify(wrong.body).includes('not-the-key'));
    await helper.request().post('/v2c-trydan/discover').send({ cloudUrl }).expect(400);
    // The saved key never goes to another URL than the one it was deployed with.
    const elsewhere = await helper.request().post('/v2c-trydan/discover').send({ id: 'cfg', apiKey: '__PWRD__', cloudUrl: 'http://127.0.0.1:9/other' }).expect(400);
    assert.match(elsewhere.body.error, /enter the V2C cloud API key/);
    const plain = await helper.request().post('/v2c-trydan/discover').send({ apiKey, cloudUrl: 'http://example.invalid/kong' }).expect(400);
    assert.match(plain.body.error, /must start with https/);
  });

  it('checks the LAN address typed in the dialog, and only that one', async () => {
    sim.clearLog();
    const ok = await helper.request().post('/v2c-trydan/probe').send({ host }).expect(200);
    assert.deepEqual(ok.body, { ID: sim.state.ID, FirmwareVersion: '2.5.0', ChargeState: sim.state.ChargeState });
    assert.deepEqual(sim.requests.map((r) => r.path), ['/RealTimeData']);
    const bad = await helper.request().post('/v2c-trydan/probe').send({ host: 'http://x/y' }).expect(400);
    assert.match(bad.body.error, /just an address/);
  });

  it('answers a Check in bounded time when the charger never finishes its reply', async function () {
    this.timeout(40_000);
    // `{` and then nothing: each try ends at its deadline, the retry too; the Check answers anyway.
    const { host: slow, server } = await impostor((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{');
    });
    try {
      const started = Date.now();
      const res = await helper.request().post('/v2c-trydan/probe').send({ host: slow });
      assert.equal(res.status, 502);
      assert.ok(Date.now() - started <= PROBE_DEADLINE_MS + 2_000, `answered after ${Date.now() - started} ms`);
    } finally {
      await closeServer(server);
    }
  });

  /** A server on 127.0.0.1 that is no Trydan: it answers with a body the Check must not echo. */
  async function impostor(handler: Parameters<typeof createServer>[1]): Promise<{ host: string; server: Server }> {
    const server = createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { host: `127.0.0.1:${(server.address() as AddressInfo).port}`, server };
  }
  const closeServer = (s: Server) => new Promise<void>((resolve) => { s.closeAllConnections(); s.close(() => resolve()); });

  it('does not echo what a non-Trydan answers, and says the same for refused, reset and garbage', async () => {
    const secret = 'SECRET-BODY-0123456789 admin panel of some other device';
    const html = await impostor((_req, res) => res.end(`<html>${secret}</html>`));
    const json = await impostor((_req, res) => res.end(JSON.stringify({ ID: secret, FirmwareVersion: secret, ChargeState: 1 })));
    const reset = await impostor((req) => req.socket.destroy());
    const refused = await impostor(() => undefined);
    await closeServer(refused.server);
    try {
      const answers = [];
      for (const target of [html.host, json.host, reset.host, refused.host]) {
        const res = await helper.request().post('/v2c-trydan/probe').send({ host: target });
        assert.ok(!JSON.stringify(res.body).includes('SECRET'), `echoed: ${JSON.stringify(res.body)}`);
        answers.push({ status: res.status, body: res.body });
      }
      assert.equal(answers[0]!.status, 502);
      for (const a of answers) assert.deepEqual(a, answers[0], 'one answer for every way of not being a Trydan');
    } finally {
      await Promise.all([closeServer(html.server), closeServer(json.server), closeServer(reset.server)]);
    }
  });

  it('refuses loopback, link-local, unspecified and multicast targets unless a setting allows loopback', async () => {
    helper.settings({});
    await helper.unload();
    await helper.stopServer();
    await helper.startServer();
    await helper.load(nodes, [config(host, { cloudUrl })], { cfg: { apiKey } });
    sim.clearLog();
    for (const target of [host, 'localhost:8080', '[::1]', '169.254.10.20', '[fe80::1]', '0.0.0.0', '224.0.0.1', '255.255.255.255']) {
      const res = await helper.request().post('/v2c-trydan/probe').send({ host: target });
      assert.equal(res.status, 400, `${target}: ${JSON.stringify(res.body)}`);
      assert.match(res.body.error, /not a charger address the editor may check/);
    }
    assert.equal(sim.requests.length, 0, 'nothing reached the simulator');
    const discover = await helper.request().post('/v2c-trydan/discover').send({ apiKey, cloudUrl });
    assert.equal(discover.status, 400);
    assert.match(discover.body.error, /not a cloud address the editor may use/);
  });
});
