import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Agent } from 'undici';
import { SimAccount, TrydanSimulator } from '../../src/sim';
import { parseCli } from '../../src/sim/cli';
import { get, postJson } from './sim-http';
import { call, header } from './sim-cloud-http';

const D = 'SIMTRYDAN01';

describe('sim cloud control API', () => {
  let sim: TrydanSimulator;
  let lanUrl: string;
  let base: string;
  let root: string;
  let agent: Agent;

  beforeEach(async () => {
    agent = new Agent();
    sim = new TrydanSimulator({ latencyMs: 0, cloud: { latencyMs: 0 } });
    ({ url: lanUrl, cloudUrl: base = '' } = await sim.start());
    root = base.replace('/kong/v2c_service', '');
  });
  afterEach(async () => {
    await sim.stop();
    await agent.close();
  });

  for (const where of ['cloud server', 'LAN server'] as const) {
    it(`works on the ${where}: state, fault, quota, swipe, link, log`, async () => {
      const url = where === 'cloud server' ? root : lanUrl;
      const state = JSON.parse((await get(url, '/_sim/cloud/state')).body) as { url: string; quota: { limit: number }; devices: Array<{ deviceId: string }> };
      assert.equal(state.url, base);
      assert.equal(state.quota.limit, 1000);
      assert.deepEqual(state.devices.map((d) => d.deviceId), [D]);

      assert.equal((await postJson(url, '/_sim/cloud/fault', { outage: true })).status, 200);
      assert.equal((await call(base, 'GET', '/pairings/me', {}, { dispatcher: agent })).status, 401);
      assert.deepEqual((await postJson(url, '/_sim/cloud/fault', {}, 'DELETE')).json, { outage: false, serverError: 0, malformed: false, forbidPairings: false, rateLimitHeaders: 'full', reportedForm: 'alternate' });

      const quota = await postJson(url, '/_sim/cloud/quota', { limit: 50, used: 49 });
      assert.equal((quota.json as { remaining: number }).remaining, 1);
      const last = await call(base, 'GET', '/pairings/me', {}, { dispatcher: agent });
      assert.equal(header(last, 'RateLimit-Remaining'), '0');
      assert.equal((await call(base, 'GET', '/pairings/me', {}, { dispatcher: agent })).status, 429);
      assert.equal(((await postJson(url, '/_sim/cloud/quota', {}, 'DELETE')).json as { used: number }).used, 0);

      await call(base, 'POST', '/device/rfid', { deviceId: D, tag: 'Fob' }, { dispatcher: agent });
      const swipe = await postJson(url, '/_sim/cloud/swipe', { code: '0a1b2c3d' });
      assert.deepEqual((swipe.json as { result: string }).result, 'learned');
      assert.equal(sim.cloud.rfid.find('0a1b2c3d')?.tag, 'Fob');

      assert.equal((await postJson(url, '/_sim/cloud/link', { connected: false })).status, 200);
      assert.equal((await call(base, 'GET', '/device/connected', { deviceId: D }, { dispatcher: agent })).text, 'false');
      await postJson(url, '/_sim/cloud/link', { connected: true, deviceId: D });
      assert.equal(sim.cloud.connected, true);

      const log = JSON.parse((await get(url, '/_sim/cloud/log')).body) as { requests: Array<{ path: string; hasApiKey: boolean }> };
      assert.deepEqual(log.requests.map((r) => r.path), ['/pairings/me', '/pairings/me', '/pairings/me', '/device/rfid', '/device/connected']);
      assert.equal(((await postJson(url, '/_sim/cloud/log', {}, 'DELETE')).json as { requests: unknown[] }).requests.length, 0);
    });
  }

  it('answers 400 with a reason to bad control input, and is never counted', async () => {
    assert.equal((await postJson(root, '/_sim/cloud/fault', { outage: 'yes' })).status, 400);
    assert.match(((await postJson(root, '/_sim/cloud/fault', { rateLimitHeaders: 'some' })).json as { error: string }).error, /rateLimitHeaders must be one of/);
    assert.equal((await postJson(root, '/_sim/cloud/quota', { limit: -3 })).status, 400);
    assert.equal((await postJson(root, '/_sim/cloud/swipe', {})).status, 400);
    assert.equal((await postJson(root, '/_sim/cloud/swipe', { code: 'x', deviceId: 'OTHER' })).status, 400);
    assert.equal((await postJson(root, '/_sim/cloud/link', { connected: 1 })).status, 400);
    assert.equal((await get(root, '/_sim/cloud/nothing')).status, 404);
    assert.equal(sim.account?.quotaUsed, 0);
    assert.equal(sim.account?.requests.length, 0);
  });

  it('the LAN control of a charger without an account has no cloud routes; /_sim/state shows the cloud side', async () => {
    const lanOnly = new TrydanSimulator({ latencyMs: 0 });
    const { url } = await lanOnly.start();
    try {
      assert.equal((await get(url, '/_sim/cloud/state')).status, 404);
      const state = JSON.parse((await get(url, '/_sim/state')).body) as { cloud: { deviceId: string; connected: boolean } };
      assert.deepEqual([state.cloud.deviceId, state.cloud.connected], [D, true]);
    } finally {
      await lanOnly.stop();
    }
  });

  it('asks for a deviceId when the account has several chargers', async () => {
    const a = new TrydanSimulator({ deviceId: 'A', lan: false });
    const b = new TrydanSimulator({ deviceId: 'B', lan: false });
    const account = new SimAccount({ devices: [a, b], latencyMs: 0 });
    const { cloudUrl } = await account.start();
    const url = cloudUrl.replace('/kong/v2c_service', '');
    try {
      assert.equal((await postJson(url, '/_sim/cloud/swipe', { code: 'x' })).status, 400);
      assert.equal((await postJson(url, '/_sim/cloud/swipe', { code: 'x', deviceId: 'B' })).status, 200);
    } finally {
      await account.stop();
    }
  });
});

describe('sim CLI with the cloud', () => {
  it('parses --cloud, --cloud-port, --quota and --api-key', () => {
    assert.deepEqual(parseCli(['--cloud']), { help: false, options: { port: 8180, cloud: { port: 8181 } } });
    assert.deepEqual(parseCli(['--cloud-port', '0', '--quota', '50', '--api-key', 'k1']), {
      help: false,
      options: { port: 8180, cloud: { port: 0, quota: 50, apiKey: 'k1' } },
    });
    assert.deepEqual(parseCli(['--quota', '10']), { help: false, options: { port: 8180, cloud: { port: 8181, quota: 10 } } });
    assert.throws(() => parseCli(['--quota', '-1']), /--quota/);
    assert.throws(() => parseCli(['--cloud-port', '99999']), /--cloud-port/);
    assert.throws(() => parseCli(['--api-key', ' ']), /--api-key/);
  });

  it('prints the cloud URL and the key, serves the cloud, stops on SIGTERM', async function () {
    this.timeout(8000);
    const cli = join(__dirname, '..', '..', 'src', 'sim', 'cli.ts');
    const args = ['--require', 'tsx/cjs', cli, '--port', '0', '--latency', '0', '--cloud-port', '0', '--api-key', 'cli-key'];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const { cloudUrl, key } = await new Promise<{ cloudUrl: string; key: string }>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const url = /cloud simulator listening on (http:\/\/127\.0\.0\.1:\d+\/kong\/v2c_service)/.exec(out);
          const apikey = /apikey: (\S+)/.exec(out);
          if (url?.[1] && apikey?.[1]) resolve({ cloudUrl: url[1], key: apikey[1] });
        });
        child.on('exit', () => reject(new Error(`CLI exited early: ${out}`)));
      });
      assert.equal(key, 'cli-key');
      const agent = new Agent();
      const r = await call(cloudUrl, 'GET', '/pairings/me', {}, { apiKey: key, dispatcher: agent });
      await agent.close();
      assert.equal(r.status, 200);
      assert.equal((JSON.parse(r.text) as Array<{ deviceId: string }>)[0]?.deviceId, D);
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});

describe('sim cloud stop()', () => {
  const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));
  const handles = (): string[] => process.getActiveResourcesInfo().filter((r) => r !== 'Timeout' && r !== 'Immediate').sort();
  const noneAdded = (before: string[], after: string[]): void => {
    for (const kind of new Set(after)) {
      const count = (list: string[]): number => list.filter((k) => k === kind).length;
      assert.ok(count(after) <= count(before), `${kind}: ${count(before)} before, ${count(after)} after stop()`);
    }
  };

  it('leaves no handles: both servers, keep-alive sockets, pending answers', async () => {
    await settle();
    const before = handles();
    const sim = new TrydanSimulator({ latencyMs: 0, cloud: { latencyMs: 0 } });
    const { cloudUrl = '' } = await sim.start();
    const agent = new Agent({ keepAliveTimeout: 60_000 });
    assert.equal((await call(cloudUrl, 'GET', '/pairings/me', {}, { dispatcher: agent })).status, 200);
    if (sim.account) sim.account.latencyMs = 10_000;
    const pending = call(cloudUrl, 'GET', '/pairings/me', {}, { dispatcher: agent }).catch((err: Error) => err);
    await settle();
    assert.ok(handles().length > before.length);
    const t0 = Date.now();
    await sim.stop();
    assert.ok(Date.now() - t0 < 500, 'stop does not wait for the slow answer');
    assert.ok((await pending) instanceof Error, 'the pending client sees the connection end');
    await agent.close();
    await settle();
    noneAdded(before, handles());
    await sim.stop();
  });

  it('an account with a shared clock stops on its own; its chargers stop theirs', async () => {
    await settle();
    const before = handles();
    const sim = new TrydanSimulator({ latencyMs: 0 });
    const account = new SimAccount({ devices: [sim] });
    await Promise.all([sim.start(), account.start()]);
    await Promise.all([sim.stop(), account.stop()]);
    await settle();
    noneAdded(before, handles());
  });
});
