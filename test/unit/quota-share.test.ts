// A CloudBudget sharing its key's quota through Redis (QuotaShare + RedisQuota, a real
// redis-server on 127.0.0.1): budgets in one test stand for Node-RED instances. When Redis is
// away a budget keeps to its share (never unlimited), and reports what it spent when Redis is back.

import { strict as assert } from 'node:assert';
import { CloudBudget } from '../../src/coordinator/cloud-budget';
import { FALLBACK_INSTANCES } from '../../src/coordinator/quota-share';
import { RedisQuota } from '../../src/coordinator/redis-quota';
import type { Priority } from '../../src/trydan/cloud-client';
import { delay, freePort } from '../helpers/red';
import { redisSuite, startRedis } from '../helpers/redis-server';

async function until(what: string, probe: () => boolean, ms = 8000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(20);
  }
}

/** One call as the cloud client makes it: reserved, confirmed, answered (no RateLimit headers). */
async function call(b: CloudBudget, priority: Priority, status = 200): Promise<string> {
  let r;
  try {
    r = b.reserveCall('currentstatecharge', priority);
    await r.confirm();
  } catch (err) {
    r?.release();
    return (err as { code?: string }).code ?? 'ERROR';
  }
  r.settle(status, {});
  return 'ok';
}

async function calls(b: CloudBudget, priority: Priority, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(await call(b, priority));
  return out;
}

const count = (codes: string[], code: string): number => codes.filter((c) => c === code).length;

describe('CloudBudget shared through Redis', function () {
  this.timeout(30_000);
  const suite = redisSuite<CloudBudget>('share');
  const budgets = suite.opened;

  const budget = (url = suite.redis.url, limit = 100, reserve = 20): CloudBudget => {
    const b = new CloudBudget({ limit, reserve, shared: new RedisQuota({ url, keyId: suite.keyId }), instance: `instance${budgets.length}` });
    budgets.push(b);
    return b;
  };

  it('two instances on one key spend the quota together, not twice', async () => {
    const [a, b] = [budget(), budget()];
    await until('both connected', () => !a.unshared && !b.unshared);
    const both = await Promise.all([calls(a, 'user', 70), calls(b, 'user', 70)]);
    assert.equal(count(both.flat(), 'ok'), 100);
    assert.equal(count(both.flat(), 'RATE_LIMITED'), 40);
    assert.equal(a.rateLimit.remaining, 0);
  });

  it('a 429 one instance gets stops the other at once', async () => {
    const [a, b] = [budget(), budget()];
    await until('both connected', () => !a.unshared && !b.unshared);
    assert.equal(await call(a, 'user', 429), 'ok');
    // The 429 went to Redis as it was settled: one round trip on 127.0.0.1 later b knows.
    await delay(200);
    assert.equal(b.state, 'ok', 'b has made no call and no heartbeat since');
    assert.equal(await call(b, 'user'), 'RATE_LIMITED');
    assert.equal(b.state, 'spent');
  });

  it('a 429 known to one instance only (its answer came as a redeploy closed Redis) reaches the others with its next heartbeat', async () => {
    const [a, b] = [budget(), budget()];
    await until('both connected', () => !a.unshared && !b.unshared);
    assert.equal(await call(a, 'user'), 'ok');
    // Recorded by the budget alone, as when the store was already closed for the settle.
    a.record(429, {});
    assert.equal(await call(b, 'user'), 'ok', 'Redis did not hear of it yet');
    await until('the block in Redis', () => b.state === 'spent', 15_000);
    assert.equal(await call(b, 'user'), 'RATE_LIMITED');
    assert.equal(a.state, 'spent', 'the store\'s older view did not lift the local block');
  });

  it(`never reached, it keeps to 1/${FALLBACK_INSTANCES} of the day and of the reserve`, async () => {
    const b = budget(`redis://127.0.0.1:${await freePort()}`);
    await until('the first connection attempt to fail', () => b.unshared);
    assert.match(String(b.unsharedBecause), /ECONNREFUSED|connection/);
    const background = await calls(b, 'background', 30);
    // A share of 25 calls, 5 of them kept for commands.
    assert.equal(count(background, 'ok'), 20);
    assert.equal(count(background, 'QUOTA_RESERVED'), 10);
    const user = await calls(b, 'user', 10);
    assert.equal(count(user, 'ok'), 5);
    assert.equal(count(user, 'RATE_LIMITED'), 5);
  });

  it('lost after it saw three instances, it keeps to a third of what was left, then reports what it spent', async () => {
    const b = budget();
    const others = [budget(), budget()];
    await until('three connected', () => [b, ...others].every((x) => !x.unshared));
    // Each instance's heartbeat counts it; spend 40 so 60 are left.
    await calls(others[0]!, 'user', 40);
    await until('the instances counted', () => b.rateLimit.remaining === 60, 15_000);
    await suite.redis.stop();
    await until('unshared', () => b.unshared);
    assert.ok(b.unsharedBecause, 'the log can say why');
    const used = await calls(b, 'user', 30);
    assert.equal(count(used, 'ok'), 20, 'a third of 60');
    suite.redis = await startRedis({ port: suite.redis.port });
    await until('shared again', () => !b.unshared, 15_000);
    // A fresh redis-server lost the record: it now holds what b spent while away, and no more.
    assert.equal(await call(b, 'user'), 'ok');
    assert.ok(b.rateLimit.remaining <= 100 - 20 - 1, `remaining ${b.rateLimit.remaining}`);
  });
});
