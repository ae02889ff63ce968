// The shared quota's reservation logic (quota-lua.ts through RedisQuota) against a real
// redis-server started here on 127.0.0.1: atomic takes, the commands' reserve, a 429 seen by
// one client refusing the others until the reset, lost reservations counted, deadlines kept,
// nothing of the API key or the Redis password stored or shown.

import { strict as assert } from 'node:assert';
import { createClient } from '@redis/client';
import { keyId } from '../../src/coordinator/budget-registry';
import { nextMidnightUtc } from '../../src/coordinator/cloud-budget';
import type { OpBase, SharedLedger, Verdict } from '../../src/coordinator/quota-share-types';
import { COMMAND_TIMEOUT_MS, RedisQuota, quotaKeys, redisUrlProblem } from '../../src/coordinator/redis-quota';
import { delay } from '../helpers/red';
import { redisSuite, startRedis } from '../helpers/redis-server';

// Real time: Redis expires the keys by its own clock, a day after the reset.
const NOW = Date.now();
const RESET = nextMidnightUtc(NOW);

async function ready(q: RedisQuota): Promise<RedisQuota> {
  const deadline = Date.now() + 5000;
  while (!q.available) {
    if (Date.now() > deadline) throw new Error('RedisQuota did not connect');
    await delay(10);
  }
  return q;
}

describe('RedisQuota (a real redis-server)', function () {
  this.timeout(30_000);
  const suite = redisSuite<RedisQuota>('test');
  const open = suite.opened;

  const quota = (url = suite.redis.url): Promise<RedisQuota> => {
    const q = new RedisQuota({ url, keyId: suite.keyId });
    open.push(q);
    return ready(q);
  };
  const base = (limit = 10, now = NOW): OpBase => ({ now, limit, resetAt: RESET });
  let r = 0;
  const take = (q: RedisQuota, background = false, reserve = 0, now = NOW, limit = 10): Promise<{ verdict: Verdict; ledger: SharedLedger }> =>
    q.run({ ...base(limit, now), op: 'take', id: `r${++r}`, background, reserve, holdMs: 60_000 });

  it('lets exactly the quota through when three clients take at once', async () => {
    const qs = await Promise.all([quota(), quota(), quota()]);
    const answers = await Promise.all(Array.from({ length: 45 }, (_, i) => take(qs[i % 3]!, false, 0, NOW, 20)));
    assert.equal(answers.filter((a) => a.verdict === 'ok').length, 20);
    assert.ok(answers.filter((a) => a.verdict !== 'ok').every((a) => a.verdict === 'spent'));
  });

  it('stops background calls at the reserve and keeps it for commands', async () => {
    const q = await quota();
    const background = [];
    for (let i = 0; i < 10; i++) background.push((await take(q, true, 3)).verdict);
    assert.deepEqual(background, [...Array<Verdict>(7).fill('ok'), 'reserved', 'reserved', 'reserved']);
    const user = [];
    for (let i = 0; i < 4; i++) user.push((await take(q, false, 3)).verdict);
    assert.deepEqual(user, ['ok', 'ok', 'ok', 'spent']);
  });

  it('a 429 settled by one client refuses every other until the reset, then a new day starts', async () => {
    const [a, b] = await Promise.all([quota(), quota()]);
    const first = await take(a);
    assert.equal(first.verdict, 'ok');
    const settled = await a.run({ ...base(), op: 'settle', id: `r${r}`, status: 429 });
    assert.equal(settled.ledger.blockedUntil, RESET);
    assert.equal((await take(b)).verdict, 'blocked');
    assert.equal((await take(b, false, 0, RESET - 1)).verdict, 'blocked');
    const next = await take(b, false, 0, RESET + 1);
    assert.equal(next.verdict, 'ok');
    assert.equal(next.ledger.blockedUntil, 0);
    assert.equal(next.ledger.remaining, 10);
  });

  it('takes the lowest RateLimit-Remaining of answers that arrive out of order, and a later reset as a new day', async () => {
    const q = await quota();
    await take(q);
    await take(q);
    let l = (await q.run({ ...base(), op: 'settle', id: `r${r}`, status: 200, headerRemaining: 4, headerResetAt: RESET })).ledger;
    assert.equal(l.remaining, 4);
    l = (await q.run({ ...base(), op: 'settle', id: `r${r - 1}`, status: 200, headerRemaining: 5, headerResetAt: RESET })).ledger;
    assert.equal(l.remaining, 4, 'the older answer does not give calls back');
    // The cloud's day ended earlier than this record thought, and its new day has begun.
    await take(q);
    l = (await q.run({ ...base(), op: 'settle', id: `r${r}`, status: 200, headerRemaining: 9, headerResetAt: RESET + 86_400_000 })).ledger;
    assert.deepEqual([l.remaining, l.resetAt], [9, RESET + 86_400_000]);
  });

  it('counts spent calls, gives released ones back and counts a reservation never answered as spent', async () => {
    const q = await quota();
    await take(q);
    assert.equal((await q.run({ ...base(), op: 'spend', id: `r${r}` })).ledger.remaining, 9);
    await take(q);
    const released = (await q.run({ ...base(), op: 'release', id: `r${r}` })).ledger;
    assert.deepEqual([released.remaining, released.inFlight], [9, 0]);
    await take(q);
    const later = (await q.run({ ...base(10, NOW + 60_001), op: 'beat', id: 'me', staleBefore: 0 })).ledger;
    assert.deepEqual([later.remaining, later.inFlight], [8, 0], 'the holder died mid-call: it may have reached the cloud');
  });

  it('counts the instances that beat lately and forgets the silent ones', async () => {
    const q = await quota();
    await q.run({ ...base(), op: 'beat', id: 'a', staleBefore: NOW - 30_000 });
    await q.run({ ...base(10, NOW + 1000), op: 'beat', id: 'b', staleBefore: NOW - 29_000 });
    assert.equal((await q.run({ ...base(10, NOW + 2000), op: 'beat', id: 'c', staleBefore: NOW - 28_000 })).ledger.instances, 3);
    assert.equal((await q.run({ ...base(10, NOW + 40_000), op: 'beat', id: 'c', staleBefore: NOW + 500 })).ledger.instances, 2);
  });

  it('takes in what an instance spent while Redis was away, and a 429 it saw', async () => {
    const q = await quota();
    await take(q);
    const l = (await q.run({ ...base(), op: 'report', id: 'me', spent: 3, remaining: 8 })).ledger;
    assert.equal(l.remaining, 7);
    const blocked = (await q.run({ ...base(), op: 'report', id: 'me', spent: 0, blockedUntil: RESET })).ledger;
    assert.deepEqual([blocked.remaining, blocked.blockedUntil], [0, RESET]);
  });

  it('stores neither the API key nor anything but a hash of it, and lets the keys expire after the reset', async () => {
    const apiKey = 'secret-api-key-123';
    suite.keyId = keyId(apiKey, 'https://v2c.cloud/kong/v2c_service');
    const q = await quota();
    await take(q);
    await q.run({ ...base(), op: 'beat', id: 'me', staleBefore: 0 });
    const probe = createClient({ url: suite.redis.url });
    await probe.connect();
    try {
      const keys = await probe.keys('*');
      assert.ok(keys.length > 0 && keys.every((k) => !k.includes(apiKey)));
      for (const key of quotaKeys(suite.keyId)) {
        assert.equal(await probe.pExpireTime(key), RESET + 86_400_000, key);
        const dump = JSON.stringify(await probe.sendCommand(['DUMP', key]));
        assert.ok(!dump.includes(apiKey));
      }
    } finally {
      probe.destroy();
    }
  });

  it('fails within its deadline when Redis stops answering, and works again when it answers', async () => {
    const q = await quota();
    suite.redis.freeze();
    try {
      const started = Date.now();
      await assert.rejects(take(q), (err: Error) => (err as { code?: string }).code === 'QUOTA_STORE_UNAVAILABLE');
      assert.ok(Date.now() - started < COMMAND_TIMEOUT_MS + 500, `took ${Date.now() - started} ms`);
      assert.equal(q.available, false);
      await assert.rejects(take(q), /unreachable/);
    } finally {
      suite.redis.thaw();
    }
    await ready(q);
    assert.equal((await take(q)).verdict, 'ok');
  });

  it('shows no part of a password-holding URL in its errors', async () => {
    const secured = await startRedis({ password: 'pw-s3cret-redis' });
    try {
      const wrong = secured.url.replace('pw-s3cret-redis', 'pw-wrong-guess');
      const q = new RedisQuota({ url: wrong, keyId: suite.keyId });
      open.push(q);
      await assert.rejects(take(q), (err: Error) => !err.message.includes('pw-wrong-guess'));
      const problem = String(q.problem);
      assert.match(problem, /WRONGPASS|AUTH|password/i, 'the failed AUTH is reported');
      assert.ok(!problem.includes('pw-wrong-guess') && !problem.includes(wrong), problem);
      const good = await quota(secured.url);
      assert.equal((await take(good)).verdict, 'ok');
    } finally {
      await Promise.all(open.splice(0).map((q) => q.close()));
      await secured.stop();
    }
  });

  it('refuses URLs that are not redis:// without echoing them', () => {
    for (const url of ['http://user:pw-x@host', 'not a url pw-x', 'redis://h/abc']) {
      const problem = redisUrlProblem(url);
      assert.ok(problem && !problem.includes('pw-x') && !problem.includes('abc'), `${url}: ${problem}`);
    }
    assert.equal(redisUrlProblem('rediss://u:p@redis.example:6380/2'), undefined);
    assert.throws(() => new RedisQuota({ url: 'http://x', keyId: 'k' }), /redis:\/\//);
  });

  it('closes its connection: nothing of it keeps the process alive', async () => {
    const before = process.getActiveResourcesInfo().filter((t) => t === 'TCPSocketWrap').length;
    const q = new RedisQuota({ url: suite.redis.url, keyId: suite.keyId });
    await ready(q);
    assert.ok(process.getActiveResourcesInfo().filter((t) => t === 'TCPSocketWrap').length > before);
    await q.close();
    await delay(50);
    assert.equal(process.getActiveResourcesInfo().filter((t) => t === 'TCPSocketWrap').length, before);
    await assert.rejects(take(q), /closed/);
  });
});
