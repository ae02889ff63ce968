import { strict as assert } from 'node:assert';
import type { TrydanSimulator } from '../../src/sim';
import { CLOUD_ENDPOINTS } from '../../src/trydan/cloud-catalogue';
import { WRITABLE_KEYWORDS } from '../../src/trydan/keywords';
import { config, helper, nodes, startSim } from './flow';

describe('admin endpoints for the editor', () => {
  let sim: TrydanSimulator;
  let host: string;
  let cloudUrl: string;
  let apiKey: string;

  beforeEach(async () => {
    ({ sim, host, cloudUrl, apiKey } = await startSim({ cloud: true }));
    await helper.startServer();
    await helper.load(nodes, [config(host, { cloudUrl })], { cfg: { apiKey } });
  });

  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
    await sim.stop();
  });

  it('serves the keyword table and the cloud catalogue the runtime validates with', async () => {
    const keywords = await helper.request().get('/v2c-trydan/keywords').expect(200);
    assert.deepEqual(keywords.body.map((k: { name: string }) => k.name), WRITABLE_KEYWORDS.map((k) => k.name));
    const endpoints = await helper.request().get('/v2c-trydan/endpoints').expect(200);
    assert.equal(endpoints.body.length, CLOUD_ENDPOINTS.length);
    assert.deepEqual(endpoints.body.find((e: { name: string }) => e.name === 'intensity').params, ['value']);
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
});
