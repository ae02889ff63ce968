import { strict as assert } from 'node:assert';
import { Agent } from 'undici';
import { SimAccount, SimClock, TrydanSimulator } from '../../src/sim';
import { call, header, type CloudReply } from './sim-cloud-http';

// 23:58 UTC: two simulated minutes before the quota's day ends.
const BEFORE_MIDNIGHT = Date.UTC(2025, 5, 21, 23, 58, 0);

describe('sim cloud quota', () => {
  let realMs: number;
  let sim: TrydanSimulator;
  let base: string;
  let agent: Agent;

  const start = async (options: ConstructorParameters<typeof TrydanSimulator>[0] = {}): Promise<void> => {
    realMs = 1_000_000;
    sim = new TrydanSimulator({ startTime: BEFORE_MIDNIGHT, now: () => realMs, latencyMs: 0, cloud: { latencyMs: 0 }, ...options });
    base = (await sim.start()).cloudUrl ?? '';
  };
  const cloud = (method: string, path: string, query: Record<string, string> = {}, apiKey?: string | null): Promise<CloudReply> =>
    call(base, method, path, query, { dispatcher: agent, ...(apiKey !== undefined ? { apiKey } : {}) });
  const pause = (): Promise<CloudReply> => cloud('POST', '/device/pausecharge', { deviceId: 'SIMTRYDAN01' });

  beforeEach(() => {
    agent = new Agent();
  });
  afterEach(async () => {
    await sim.stop();
    await agent.close();
  });

  it('defaults to 1000 a day and counts down in RateLimit-* headers, Reset in seconds', async () => {
    await start();
    const a = await cloud('GET', '/pairings/me');
    const b = await cloud('GET', '/device/reported', { deviceId: 'SIMTRYDAN01' });
    assert.equal(header(a, 'RateLimit-Limit'), '1000');
    assert.equal(header(a, 'RateLimit-Remaining'), '999');
    assert.equal(header(b, 'RateLimit-Remaining'), '998');
    assert.equal(header(a, 'RateLimit-Reset'), '120');
    assert.equal(sim.account?.quotaUsed, 2);
    assert.equal(sim.account?.quotaRemaining, 998);
  });

  it('counts calls that pass auth, 400s included; not 401s or unknown routes', async () => {
    await start();
    const bad = await cloud('POST', '/device/intensity', { deviceId: 'SIMTRYDAN01', value: '99' });
    assert.equal(bad.status, 400);
    assert.equal(header(bad, 'RateLimit-Remaining'), '999');
    await cloud('GET', '/pairings/me', {}, null);
    await cloud('GET', '/pairings/me', {}, 'wrong');
    await cloud('GET', '/no/such/route');
    assert.equal(sim.account?.quotaUsed, 1);
    assert.deepEqual(sim.account?.requests.map((r) => r.counted), [true, false, false, false]);
  });

  it('answers 429 with the headers once spent, and the call has no effect', async () => {
    await start({ cloud: { quota: 2, latencyMs: 0 } });
    assert.equal((await cloud('GET', '/pairings/me')).status, 200);
    const last = await cloud('GET', '/pairings/me');
    assert.equal(header(last, 'RateLimit-Remaining'), '0');
    const refused = await pause();
    assert.equal(refused.status, 429);
    assert.deepEqual(JSON.parse(refused.text), { message: 'API rate limit exceeded' });
    assert.equal(header(refused, 'RateLimit-Limit'), '2');
    assert.equal(header(refused, 'RateLimit-Remaining'), '0');
    assert.ok(Number(header(refused, 'RateLimit-Reset')) > 0);
    assert.equal(sim.state.Paused, 0);
    assert.equal(sim.account?.quotaUsed, 2);
    assert.equal(sim.account?.requests.at(-1)?.counted, false);
  });

  it('resets at simulated UTC midnight', async () => {
    await start({ cloud: { quota: 1, latencyMs: 0 } });
    assert.equal((await pause()).status, 200);
    assert.equal((await pause()).status, 429);
    realMs += 119_000; // 23:59:59
    assert.equal((await pause()).status, 429);
    realMs += 2_000; // 00:00:01 the next day
    const fresh = await cloud('POST', '/device/startcharge', { deviceId: 'SIMTRYDAN01' });
    assert.equal(fresh.status, 200);
    assert.equal(header(fresh, 'RateLimit-Remaining'), '0');
    assert.equal(header(fresh, 'RateLimit-Reset'), String(24 * 3600 - 1));
    assert.equal(sim.state.Paused, 0);
  });

  it('gives RateLimit-Reset in real seconds under a time scale', async () => {
    await start({ timeScale: 60 });
    const r = await cloud('GET', '/pairings/me');
    assert.equal(header(r, 'RateLimit-Reset'), '2', '120 simulated seconds at 60x');
    realMs += 2_000; // two real seconds = two simulated minutes: midnight
    assert.equal(header(await cloud('GET', '/pairings/me'), 'RateLimit-Remaining'), '999');
  });

  it('can omit the headers: none, no-reset, alternate', async () => {
    await start({ cloud: { latencyMs: 0, faults: { rateLimitHeaders: 'none' } } });
    const none = await cloud('GET', '/pairings/me');
    assert.equal(header(none, 'RateLimit-Remaining'), undefined);
    assert.equal(header(none, 'RateLimit-Limit'), undefined);
    sim.account?.setFault({ rateLimitHeaders: 'no-reset' });
    const noReset = await cloud('GET', '/pairings/me');
    assert.equal(header(noReset, 'RateLimit-Remaining'), '998');
    assert.equal(header(noReset, 'RateLimit-Reset'), undefined);
    sim.account?.setFault({ rateLimitHeaders: 'alternate' });
    const remaining = [];
    for (let i = 0; i < 4; i++) remaining.push(header(await cloud('GET', '/pairings/me'), 'RateLimit-Remaining'));
    assert.deepEqual(remaining, ['997', undefined, '995', undefined]);
    assert.equal(sim.account?.quotaUsed, 6, 'counted with or without headers');
  });

  it('can be set and reset', async () => {
    await start();
    await cloud('GET', '/pairings/me');
    assert.deepEqual(sim.account?.setQuota({ limit: 10, used: 9 }).remaining, 1);
    assert.equal(header(await cloud('GET', '/pairings/me'), 'RateLimit-Remaining'), '0');
    assert.equal((await cloud('GET', '/pairings/me')).status, 429);
    sim.account?.resetQuota();
    assert.equal((await cloud('GET', '/pairings/me')).status, 200);
    assert.throws(() => sim.account?.setQuota({ limit: -1 }), RangeError);
  });
});

describe('sim cloud account with three chargers', () => {
  const NOON = new Date(2025, 5, 21, 12, 0, 0).getTime();
  let chargers: TrydanSimulator[];
  let account: SimAccount;
  let agent: Agent;

  beforeEach(() => {
    agent = new Agent();
  });
  afterEach(async () => {
    await Promise.all([account.stop(), ...chargers.map((c) => c.stop())]);
    await agent.close();
  });

  it('shares one key and one quota; a 4G charger has no LAN', async () => {
    const clock = new SimClock({ startTime: NOON, timeScale: 1 });
    chargers = [
      new TrydanSimulator({ clock, deviceId: 'GARAGE', tag: 'Garage', latencyMs: 0 }),
      new TrydanSimulator({ clock, deviceId: 'OFFICE', tag: 'Office', latencyMs: 0, carConnected: false }),
      new TrydanSimulator({ clock, deviceId: 'FARM4G', tag: 'Farm', lan: false }),
    ];
    account = new SimAccount({ apiKey: 'shared-key', quota: 5, devices: chargers, latencyMs: 0 });
    const [garage, office, farm] = await Promise.all(chargers.map((c) => c.start()));
    const { cloudUrl } = await account.start();
    assert.match(garage?.url ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(office?.url ?? '', /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.deepEqual(farm, { host: '', url: '' });
    assert.equal(chargers[2]?.account, account);

    const cloud = (method: string, path: string, query: Record<string, string> = {}): Promise<CloudReply> =>
      call(cloudUrl, method, path, query, { apiKey: 'shared-key', dispatcher: agent });
    const pairings = JSON.parse((await cloud('GET', '/pairings/me')).text) as Array<{ deviceId: string; tag: string }>;
    assert.deepEqual(pairings.map((p) => [p.deviceId, p.tag]), [['GARAGE', 'Garage'], ['OFFICE', 'Office'], ['FARM4G', 'Farm']]);
    const remaining = [];
    for (const deviceId of ['GARAGE', 'OFFICE', 'FARM4G']) {
      remaining.push(header(await cloud('POST', '/device/pausecharge', { deviceId }), 'RateLimit-Remaining'));
    }
    assert.deepEqual(remaining, ['3', '2', '1']);
    assert.ok(chargers.every((c) => c.state.Paused === 1), 'each command reached its own charger');
    assert.equal((await cloud('POST', '/device/currentstatecharge', { deviceId: 'FARM4G' })).status, 200);
    assert.equal((await cloud('POST', '/device/startcharge', { deviceId: 'GARAGE' })).status, 429);
    assert.equal(chargers[0]?.state.Paused, 1);
    assert.equal(account.quotaRemaining, 0);
    assert.equal((await call(cloudUrl, 'GET', '/pairings/me', {}, { dispatcher: agent })).status, 401, 'the default key is not this account’s');
    assert.throws(() => account.addDevice(new TrydanSimulator({ clock, deviceId: 'GARAGE' })), /already in this account/);
  });
});
