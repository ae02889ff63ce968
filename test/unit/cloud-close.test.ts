import { strict as assert } from 'node:assert';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudBudget, type Ledger, type LedgerStore } from '../../src/coordinator/cloud-budget';
import { CloudClient } from '../../src/trydan/cloud-client';
import { Slots } from '../../src/trydan/slots';
import { within } from '../helpers/endless-server';
import { fakeClock } from '../helpers/fake-clock';

const KEY = 'k3y-that-must-never-leak-0123456789';

describe('cloud calls waiting for a connection', () => {
  let server: Server;
  let sent: number;
  /** Milliseconds before the server answers; undefined: never. */
  let delayMs: number | undefined;
  /** The status the server answers with (a 429 carries the rate-limit headers). */
  let status: number;
  let base: string;
  beforeEach(async () => {
    sent = 0;
    status = 200;
    server = createServer((req, res) => {
      sent++;
      req.resume();
      if (delayMs === undefined) return;
      setTimeout(() => {
        if (status === 429) res.writeHead(429, { 'content-type': 'application/json', 'RateLimit-Limit': '1000', 'RateLimit-Remaining': '0', 'RateLimit-Reset': '3600' });
        else res.writeHead(status);
        res.end(status === 429 ? '{"message":"API rate limit exceeded"}' : 'OK');
      }, delayMs);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/kong/v2c_service`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const codes = (calls: Array<Promise<unknown>>) => within(5_000, Promise.all(calls.map((c) => c.then(() => 'ok', (e: { code?: string }) => e.code ?? 'error'))));

  it('closing the client (redeploy) lets the calls on the wire get their answer; the waiting ones fail CLOSED and cost nothing', async () => {
    delayMs = 300;
    const budget = new CloudBudget();
    const client = new CloudClient({ baseUrl: base, apiKey: KEY, budget });
    const before = budget.snapshot().remaining;
    const results = codes(Array.from({ length: 6 }, () => client.call('reboot', { deviceId: 'D' })));
    await new Promise((r) => setTimeout(r, 50));
    await client.close();
    assert.equal(before - budget.snapshot().remaining, sent, `sent ${sent}, results ${(await results).join()}`);
    assert.equal(sent, 2, 'two calls held the connections');
    assert.deepEqual(await results, ['ok', 'ok', 'CLOSED', 'CLOSED', 'CLOSED', 'CLOSED']);
    // A call after the close costs nothing either.
    assert.equal((await codes([client.call('reboot', { deviceId: 'D' })]))[0], 'CLOSED');
    assert.equal(before - budget.snapshot().remaining, sent);
  });

  it('a 429 answered while the client closes (redeploy) is learnt and stored: the next client of the key sends nothing', async () => {
    delayMs = 200;
    status = 429;
    let stored: Ledger | undefined;
    const store: LedgerStore = { load: () => stored, save: (ledger) => void (stored = ledger) };
    const client = new CloudClient({ baseUrl: base, apiKey: KEY, budget: new CloudBudget({ store }) });
    const call = codes([client.call('reboot', { deviceId: 'D' })]);
    await new Promise((r) => setTimeout(r, 50));
    await client.close();
    assert.deepEqual(await call, ['RATE_LIMITED']);
    const next = new CloudClient({ baseUrl: base, apiKey: KEY, budget: new CloudBudget({ store }) });
    try {
      assert.deepEqual(await codes([next.call('reboot', { deviceId: 'D' })]), ['RATE_LIMITED']);
      assert.equal(sent, 1, 'the next client sent nothing after the 429');
    } finally {
      await next.close();
    }
  });

  it('closing cuts a call still hanging after a short grace: a redeploy is not held by a cloud that never answers', async () => {
    delayMs = undefined;
    const budget = new CloudBudget();
    const client = new CloudClient({ baseUrl: base, apiKey: KEY, budget });
    const call = codes([client.call('reboot', { deviceId: 'D' })]);
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await client.close();
    assert.ok(Date.now() - started < 3_000, `close took ${Date.now() - started} ms`);
    assert.deepEqual(await call, ['CLOSED']);
  });

  it('a call waits for a connection at most its deadline, then gives its reservation back', async () => {
    delayMs = undefined;
    const budget = new CloudBudget();
    const client = new CloudClient({ baseUrl: base, apiKey: KEY, budget, timeoutMs: 300 });
    const before = budget.snapshot().remaining;
    const started = Date.now();
    try {
      const results = await codes(Array.from({ length: 6 }, () => client.call('reboot', { deviceId: 'D' })));
      assert.ok(Date.now() - started < 550, `took ${Date.now() - started} ms`);
      assert.equal(sent, 2, 'only the calls holding a connection went out');
      assert.deepEqual(results, Array(6).fill('CLOUD_UNREACHABLE'));
      assert.equal(before - budget.snapshot().remaining, 2, 'the waiting calls cost nothing');
    } finally {
      await client.close();
    }
  });
});

describe('Slots', () => {
  const timeout = () => Object.assign(new Error('late'), { code: 'LATE' });

  it('turns a waiter away at its deadline and passes the slot on to the next one', async () => {
    const { fake, clock } = fakeClock(0);
    const slots = new Slots(1, clock);
    const free = await slots.take(1_000, timeout);
    const late = slots.take(100, timeout);
    const next = slots.take(1_000, timeout);
    fake.tick(100);
    await assert.rejects(late, { code: 'LATE' });
    free();
    const freeNext = await next;
    freeNext();
    // The slot that timed-out waiter never held is not given back twice.
    const a = await slots.take(10, timeout);
    const b = slots.take(10, timeout);
    fake.tick(10);
    await assert.rejects(b, { code: 'LATE' });
    a();
  });

  it('turns every waiter and every later taker away once closed', async () => {
    const { clock } = fakeClock(0);
    const slots = new Slots(1, clock);
    await slots.take(1_000, timeout);
    const waiting = slots.take(1_000, timeout);
    slots.close(Object.assign(new Error('closed'), { code: 'CLOSED' }));
    await assert.rejects(waiting, { code: 'CLOSED' });
    await assert.rejects(slots.take(1_000, timeout), { code: 'CLOSED' });
  });
});
