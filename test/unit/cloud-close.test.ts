import { strict as assert } from 'node:assert';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudBudget } from '../../src/coordinator/cloud-budget';
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
  let base: string;
  beforeEach(async () => {
    sent = 0;
    server = createServer((req, res) => {
      sent++;
      req.resume();
      if (delayMs === undefined) return;
      setTimeout(() => {
        res.writeHead(200);
        res.end('OK');
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

  it('closing the client (redeploy) charges only the calls that went out; the waiting ones fail CLOSED and cost nothing', async () => {
    delayMs = 300;
    const budget = new CloudBudget();
    const client = new CloudClient({ baseUrl: base, apiKey: KEY, budget });
    const before = budget.snapshot().remaining;
    const calls = Array.from({ length: 6 }, () => client.call('reboot', { deviceId: 'D' }));
    await new Promise((r) => setTimeout(r, 50));
    await client.close();
    const results = await codes(calls);
    assert.equal(before - budget.snapshot().remaining, sent, `sent ${sent}, results ${results.join()}`);
    assert.deepEqual(results, Array(6).fill('CLOSED'));
    // A call after the close costs nothing either.
    assert.equal((await codes([client.call('reboot', { deviceId: 'D' })]))[0], 'CLOSED');
    assert.equal(before - budget.snapshot().remaining, sent);
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
