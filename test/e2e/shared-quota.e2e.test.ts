// Three Node-RED instances, one V2C account, one quota shared through a real redis-server
// (started here on 127.0.0.1, with a password), against the simulated cloud over a simulated
// day compressed into DAY_REAL_MS, then the first part of the next one:
//   day 1: the instances' calls together never exceed the quota (no 429 of their making),
//          background polling stops at the reserve for commands and commands can use it,
//          a 429 one instance gets stops the other two before they call;
//   day 2: Redis goes away: every instance says so and keeps to its share (bounded, not
//          unlimited); Redis comes back: the statuses clear and sharing resumes, counting
//          what was spent meanwhile. Redeploys leave one Redis connection per instance.
// The Redis password and the API key appear in no log and no exported flow.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createClient } from '@redis/client';
import { SimAccount, SimClock, TrydanSimulator } from '../../src/sim';
import { currentStatuses } from '../helpers/node-status';
import { type NodeRedProcess, delay, deployFlows, getJson, installPackage, nodeId, removeDir, startNodeRed, tempDir, waitFor } from '../helpers/red';
import { type RedisServer, redisServerBinary, startRedis } from '../helpers/redis-server';

const KEY = `e2e-key-shared-${randomBytes(8).toString('hex')}`;
const PASSWORD = `pw-redis-${randomBytes(6).toString('hex')}`;
const QUOTA = 160;
/** CloudBudget's default reserve for commands. */
const RESERVE = 100;
const DAY_MS = 86_400_000;
/** One simulated day lasts this long in real time. */
const DAY_REAL_MS = 45_000;
const DEVICES_PER_SET = 6;
const UNSHARED = 'quota not shared';

type FlowNode = Record<string, unknown> & { id: string; type: string };

interface Answer {
  ok?: boolean;
  code?: string;
  remaining?: number;
}

describe('Shared quota: three Node-RED instances on one key through Redis', function () {
  this.timeout(300_000);
  let redis: RedisServer | undefined;
  let account: SimAccount;
  let clock: SimClock;
  let cloudUrl = '';
  const reds: NodeRedProcess[] = [];
  const dirs: string[] = [];

  before(async function () {
    // Absent redis-server fails here, saying how to get it: CI installs it (.ci/run).
    redisServerBinary();
    redis = await startRedis({ password: PASSWORD });
    for (let i = 0; i < 3; i++) dirs.push(tempDir(`v2c-shared-${i}-`));
    await Promise.all(dirs.map((d) => installPackage(d)));
    // One after the other: three Node-RED start-ups at once starve a 2-core machine.
    for (const userDir of dirs) reds.push(await startNodeRed({ userDir }));
  });

  after(async function () {
    await Promise.all(reds.map((r) => r.stop()));
    await account?.stop();
    await redis?.stop();
    for (const d of dirs) removeDir(d);
  });

  const ids = { tab: nodeId(), cmd: nodeId(), command: nodeId(), ok: nodeId(), fail: nodeId(), catcher: nodeId(), httpIn: nodeId(), out: nodeId(), watch: nodeId() };
  const config = (id: string, deviceId: string): FlowNode => ({
    id,
    type: 'v2c-config',
    name: deviceId,
    host: '',
    deviceId,
    cloudUrl,
    pollInterval: 5,
    idleInterval: 30,
    version: 1,
    credentials: { apiKey: KEY, redisUrl: redis!.url },
  });

  /** POST /e2e/cmd → a cloud command (user priority) → {ok, remaining} or {code}. Pollers: a realtime-in per device. */
  function flows(pollerSets: string[][], watchCmd = false): FlowNode[] {
    const t = ids.tab;
    const nodes: FlowNode[] = [
      { id: t, type: 'tab', label: 'shared quota' },
      config(ids.cmd, 'E2ESHARED00'),
      { id: ids.httpIn, type: 'http in', z: t, url: '/e2e/cmd', method: 'post', upload: false, swaggerDoc: '', wires: [[ids.command]] },
      { id: ids.command, type: 'v2c-cloud-command', z: t, server: ids.cmd, command: 'connected', params: 'payload', paramsType: 'msg', wires: [[ids.ok]] },
      { id: ids.ok, type: 'function', z: t, func: 'msg.payload = { ok: true, remaining: msg.rateLimit.remaining };\nreturn msg;', outputs: 1, wires: [[ids.out]] },
      { id: ids.catcher, type: 'catch', z: t, scope: [ids.command], uncaught: false, wires: [[ids.fail]] },
      {
        id: ids.fail,
        type: 'function',
        z: t,
        // Node-RED 4.0 does not copy error.code; the message says which it was.
        func: "const e = msg.error || {};\nconst m = String(e.message || '');\nmsg.payload = { code: e.code || (/quota is spent|share of the V2C/.test(m) ? 'RATE_LIMITED' : /kept for your own/.test(m) ? 'QUOTA_RESERVED' : m) };\nreturn msg;",
        outputs: 1,
        wires: [[ids.out]],
      },
      { id: ids.out, type: 'http response', z: t, statusCode: '200', headers: {}, wires: [] },
    ];
    if (watchCmd) nodes.push({ id: ids.watch, type: 'v2c-realtime-in', z: t, server: ids.cmd, output: 'every', watch: 'all', keys: '', wires: [[]] });
    pollerSets.flat().forEach((deviceId, i) => {
      const cfg = `${ids.cmd.slice(0, 10)}c${String(i).padStart(5, '0')}`;
      nodes.push(config(cfg, deviceId), { id: `${ids.cmd.slice(0, 10)}p${String(i).padStart(5, '0')}`, type: 'v2c-realtime-in', z: t, server: cfg, output: 'every', watch: 'all', keys: '', wires: [[]] });
    });
    return nodes;
  }

  const deployAll = (nodes: FlowNode[]): Promise<void[]> => Promise.all(reds.map((r) => deployFlows(r.url, nodes)));

  async function command(red: NodeRedProcess): Promise<Answer> {
    const res = await fetch(`${red.url}/e2e/cmd`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', signal: AbortSignal.timeout(20_000) });
    if (!res.ok) throw new Error(`POST /e2e/cmd: ${res.status} ${await res.text()}`);
    return (await res.json()) as Answer;
  }

  /** `n` commands at once through each instance named by `through` (instance indices). */
  async function burst(through: number[], n: number): Promise<Answer[]> {
    return Promise.all(Array.from({ length: n }, (_, i) => command(reds[through[i % through.length]!]!)));
  }

  const okCount = (answers: Answer[]): number => answers.filter((a) => a.ok).length;
  const codes = (answers: Answer[]): string[] => [...new Set(answers.filter((a) => !a.ok).map((a) => String(a.code)))];
  const refusedByCloud = (): number => account.requests.filter((r) => r.status === 429).length;
  const requestCount = (): number => account.requests.length;

  /** Waits until no request has reached the cloud for `quietMs`. */
  async function settled(quietMs = 1500): Promise<void> {
    let last = -1;
    await waitFor('the cloud to go quiet', async () => {
      const now = requestCount();
      if (now === last) return true;
      last = now;
      await delay(quietMs);
      return requestCount() === last ? true : undefined;
    }, 30_000, 0);
  }

  /** What each instance's nodes show. */
  const statusTexts = async (): Promise<string[][]> =>
    Promise.all(reds.map(async (r) => [...(await currentStatuses(r.url)).values()].map((s) => s.text ?? '')));

  const withLogs = (err: unknown): never => {
    throw new Error(`${(err as Error).message}\n${reds.map((r, i) => `--- Node-RED ${i} ---\n${r.output().slice(-4000)}`).join('\n')}`);
  };

  it('over a simulated day the three instances stay within the quota, keep the reserve and all stop after one 429', async function () {
    // A simulated day from midnight, compressed; every charger of the account on its clock.
    const dayStart = Math.floor(Date.now() / DAY_MS) * DAY_MS;
    clock = new SimClock({ startTime: dayStart, timeScale: DAY_MS / DAY_REAL_MS });
    const deviceIds = Array.from({ length: 1 + 2 * DEVICES_PER_SET }, (_, i) => `E2ESHARED${String(i).padStart(2, '0')}`);
    const chargers = deviceIds.map((deviceId) => new TrydanSimulator({ deviceId, lan: false, clock }));
    account = new SimAccount({ apiKey: KEY, quota: QUOTA, latencyMs: 1, clock, devices: chargers });
    cloudUrl = (await account.start()).cloudUrl;
    const realStart = Date.now();
    const set1 = deviceIds.slice(1, 1 + DEVICES_PER_SET);
    const set2 = deviceIds.slice(1 + DEVICES_PER_SET);

    try {
      // 1. Deploy: each instance polls its 6 chargers once (background): 18 calls; the
      //    cloud's RateLimit headers teach the shared ledger the limit and the reset.
      await deployAll(flows([set1]));
      await waitFor('the first polls', () => (account.quota.used >= 3 * DEVICES_PER_SET ? true : undefined), 30_000);
      await settled();
      assert.equal(account.quota.used, 3 * DEVICES_PER_SET, 'each instance polled each of its chargers once (the command node alone does not poll)');

      // 2. Commands through all three bring what is left to the reserve + 10.
      const toSpend = account.quota.remaining - (RESERVE + 10);
      const spent = await burst([0, 1, 2], toSpend);
      assert.equal(okCount(spent), toSpend, `codes: ${codes(spent).join(', ')}`);
      assert.equal(account.quota.remaining, RESERVE + 10);

      // 3. Six new chargers on each instance: 18 background polls at once, 10 fit above the
      //    reserve. Each instance alone would let all its 6 through (local ledgers ignore the others).
      await deployAll(flows([set1, set2]));
      await delay(3000);
      await settled();
      assert.equal(account.quota.remaining, RESERVE, 'background polling stopped at the reserve for commands');

      // 4. Commands may use the reserve: 40 of them, through all three.
      const reserveUse = await burst([0, 1, 2], 40);
      assert.equal(okCount(reserveUse), 40, `codes: ${codes(reserveUse).join(', ')}`);
      assert.equal(refusedByCloud(), 0, 'no call of the instances went past the quota');

      // 5. The V2C app spends the rest: instance 0 gets the 429; 1 and 2 then call nobody.
      account.setQuota({ used: QUOTA });
      const first = await command(reds[0]!);
      assert.equal(first.code, 'RATE_LIMITED');
      assert.equal(refusedByCloud(), 1);
      const before = requestCount();
      const others = await burst([1, 2], 20);
      assert.equal(okCount(others), 0);
      assert.deepEqual(codes(others), ['RATE_LIMITED']);
      assert.equal(requestCount(), before, 'after the 429 the other instances made no cloud call');
      assert.ok(Date.now() - realStart < DAY_REAL_MS, `day 1 took ${Date.now() - realStart} ms, longer than the simulated day: make DAY_REAL_MS larger`);
      // The instances' calls that the cloud counted on day 1: within the quota, with what the app took.
      const counted = account.requests.filter((r) => r.counted && r.simTime < dayStart + DAY_MS).length;
      assert.ok(counted <= QUOTA, `${counted} calls counted on day 1`);
      console.log(`      day 1: ${counted} calls by the three instances (quota ${QUOTA}, the app took the last ${QUOTA - counted}), 1 answered 429`);
    } catch (err) {
      withLogs(err);
    }
  });

  it('the next day, Redis gone: every instance says so and keeps to its share; Redis back: sharing resumes', async function () {
    try {
      // The day ends for the cloud and for the ledger (its reset came in the 429's headers).
      await waitFor('the next simulated day', () => (account.quota.used === 0 ? true : undefined), DAY_REAL_MS + 10_000, 250);
      await delay(2500);
      await deployAll(flows([], true));
      await settled();
      const probe = createClient({ url: redis!.url });
      await probe.connect();
      try {
        const clients = String(await probe.sendCommand(['CLIENT', 'LIST'])).trim().split('\n');
        assert.equal(clients.length - 1, 3, `one connection per instance after redeploys:\n${clients.join('\n')}`);
      } finally {
        probe.destroy();
      }
      const left = account.quota.remaining;

      // Redis goes away: the nodes of all three say so.
      const port = redis!.port;
      await redis!.stop();
      await waitFor('"quota not shared" on every instance', async () => ((await statusTexts()).every((texts) => texts.some((t) => t.includes(UNSHARED))) ? true : undefined), 20_000, 500);

      // Instance 0 wants far more than its share: it gets a third of what was left, not more.
      const greedy = await burst([0], 90);
      const modest = await burst([1, 2], 20);
      const share = Math.floor(left / 3);
      assert.ok(okCount(greedy) <= share && okCount(greedy) >= share - 3, `instance 0 made ${okCount(greedy)} calls; its share: ${share}`);
      assert.deepEqual(codes(greedy), ['RATE_LIMITED']);
      assert.equal(okCount(modest), 20);
      assert.equal(refusedByCloud(), 1, 'still only the 429 of day 1');
      console.log(`      Redis away: instance 0 made ${okCount(greedy)} of 90 calls (a third of ${left} left), instances 1 and 2 all their 20`);

      // Redis comes back (empty: it kept nothing on disk): what each spent meanwhile is counted in.
      redis = await startRedis({ port, password: PASSWORD });
      await waitFor('the statuses to clear', async () => ((await statusTexts()).every((texts) => !texts.some((t) => t.includes(UNSHARED))) ? true : undefined), 20_000, 500);
      await settled();
      const remaining = account.quota.remaining;
      const after = await burst([0, 1, 2], 150);
      assert.ok(okCount(after) <= remaining && okCount(after) >= remaining - 25, `${okCount(after)} calls after Redis came back, ${remaining} were left`);
      assert.equal(refusedByCloud(), 1, 'sharing again: nobody went past the quota');
      assert.deepEqual(codes(after), ['RATE_LIMITED']);
      console.log(`      Redis back: ${okCount(after)} of 150 calls went through, ${remaining} were left at the cloud`);
      for (const r of reds) assert.match(r.output(), /the shared quota ledger \(Redis\) is reachable again/);
    } catch (err) {
      withLogs(err);
    }
  });

  it('shows the Redis password and the API key nowhere: logs and exported flows', async function () {
    for (const r of reds) {
      const flowsText = JSON.stringify(await getJson(`${r.url}/flows`));
      for (const secret of [PASSWORD, KEY]) {
        assert.ok(!r.output().includes(secret), 'a secret in the log');
        assert.ok(!flowsText.includes(secret), 'a secret in the exported flows');
      }
      // Saying what the connection failed on, not a bare dash.
      assert.match(r.output(), /the shared quota ledger \(Redis\) is unreachable: (?!-;)\S/);
    }
  });
});
