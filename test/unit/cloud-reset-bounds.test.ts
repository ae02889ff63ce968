import { strict as assert } from 'node:assert';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudBudget, type Ledger, nextMidnightUtc } from '../../src/coordinator/cloud-budget';
import { cautiousLedger } from '../../src/coordinator/ledger-merge';
import { CloudClient } from '../../src/trydan/cloud-client';
import { RateLimited } from '../../src/trydan/cloud-errors';
import { fakeClock } from '../helpers/fake-clock';

const KEY = 'k3y-that-must-never-leak-0123456789';
const START = Date.UTC(2026, 10, 21, 6, 0, 0); // 06:00 UTC: 18 h to the reset
const MIDNIGHT = nextMidnightUtc(START);

describe('cloud reset times are kept within the quota day', () => {
  const codeOf = (fn: () => void): string | undefined => {
    try {
      fn();
      return undefined;
    } catch (err) {
      return (err as { code?: string }).code;
    }
  };

  it('a 429 whose reset is an epoch time blocks until the next midnight UTC at most', () => {
    const { fake, clock } = fakeClock(START);
    const budget = new CloudBudget({ clock });
    budget.record(429, { remaining: 0, resetSeconds: Math.floor(START / 1000) });
    assert.equal(budget.snapshot().blockedUntil, MIDNIGHT);
    assert.equal(budget.snapshot().resetAt, MIDNIGHT);
    fake.tick(MIDNIGHT - START);
    assert.equal(codeOf(() => budget.check('reboot', 'user')), undefined, 'free again after midnight');
  });

  it('a reset inside the day is kept as the cloud said', () => {
    const { clock } = fakeClock(START);
    const budget = new CloudBudget({ clock });
    budget.record(429, { remaining: 0, resetSeconds: 3600 });
    assert.equal(budget.snapshot().blockedUntil, START + 3_600_000);
  });

  it('a stored ledger blocked for decades heals on load and is written back bounded', () => {
    const { clock } = fakeClock(START);
    const poisoned: Ledger = { limit: 1000, remaining: 0, resetAt: START * 1000, blockedUntil: START * 1000, authFailures: 0, authRetryAt: 0 };
    const saved: Array<{ ledger: Ledger; urgent: boolean | undefined }> = [];
    const budget = new CloudBudget({ clock, store: { load: () => poisoned, save: (ledger, o) => saved.push({ ledger, urgent: o?.urgent }) } });
    assert.equal(budget.snapshot().blockedUntil, MIDNIGHT);
    assert.equal(budget.snapshot().resetAt, MIDNIGHT);
    assert.deepEqual(saved.map((s) => [s.ledger.blockedUntil, s.urgent]), [[MIDNIGHT, true]], 'the healed ledger reaches the disk at once');
  });

  it('the cautious merge bounds both copies before it keeps the longer block', () => {
    const good: Ledger = { limit: 1000, remaining: 900, resetAt: MIDNIGHT, blockedUntil: 0, authFailures: 0, authRetryAt: 0 };
    const poisoned: Ledger = { ...good, remaining: 0, resetAt: START * 1000, blockedUntil: START * 1000 };
    const merged = cautiousLedger(good, poisoned, START);
    assert.equal(merged?.blockedUntil, MIDNIGHT);
    assert.equal(merged?.resetAt, MIDNIGHT);
  });

  it('two poisoned copies (context and file) heal: blocked until midnight at most, free after restarts the next day', () => {
    const poisoned: Ledger = { limit: 1000, remaining: 0, resetAt: START * 1000, blockedUntil: START * 1000, authFailures: 0, authRetryAt: 0 };
    let context: unknown = poisoned;
    let file: unknown = poisoned;
    const store = {
      load: (now: number) => cautiousLedger(context, file, now),
      save: (ledger: Ledger, o?: { urgent: boolean }) => {
        context = ledger;
        if (o?.urgent) file = ledger;
      },
    };
    const { fake, clock } = fakeClock(START);
    assert.equal(codeOf(() => new CloudBudget({ clock, store }).check('reboot', 'user')), 'RATE_LIMITED');
    fake.tick(MIDNIGHT - START + 60_000);
    // Restarted after midnight: neither copy may carry the block into the new day.
    const next = new CloudBudget({ clock, store });
    assert.equal(codeOf(() => next.check('reboot', 'user')), undefined);
    assert.equal(next.state, 'ok');
  });

  it('a RateLimited error text never throws, whatever the date', () => {
    for (const at of [1e13 * 1000, -1e17, Number.NaN, Infinity, 0, undefined]) {
      const err = new RateLimited('reboot', at);
      assert.equal(err.code, 'RATE_LIMITED', String(at));
      assert.match(err.message, /quota is spent/);
    }
  });

  describe('against a cloud that answers 429', () => {
    let server: Server;
    let reset: string;
    let base: string;
    beforeEach(async () => {
      server = createServer((req, res) => {
        req.resume();
        res.writeHead(429, { 'RateLimit-Remaining': '0', 'RateLimit-Reset': reset });
        res.end();
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/kong/v2c_service`;
    });
    afterEach(async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    });

    for (const value of ['1e13', String(Math.floor(Date.now() / 1000)), '-1e13']) {
      it(`a RateLimit-Reset of ${value} gives RATE_LIMITED errors with a date at most the next midnight`, async () => {
        reset = value;
        const budget = new CloudBudget();
        const client = new CloudClient({ baseUrl: base, apiKey: KEY, budget });
        try {
          for (let i = 0; i < 2; i++) {
            const err = await client.call('reboot', { deviceId: 'D' }).then(() => undefined, (e: RateLimited) => e);
            assert.equal(err?.code, 'RATE_LIMITED', `call ${i}: ${err?.name}: ${err?.message}`);
            assert.ok((err.resetAt ?? 0) <= nextMidnightUtc(Date.now()), `call ${i}: until ${err.resetAt}`);
          }
          assert.ok(budget.snapshot().blockedUntil <= nextMidnightUtc(Date.now()));
        } finally {
          await client.close();
        }
      });
    }
  });
});
