import { strict as assert } from 'node:assert';
import { CloudBudget, type Ledger, MIN_CLOUD_POLL_MS, nextMidnightUtc } from '../../src/coordinator/cloud-budget';
import type { Clock } from '../../src/trydan/clock';
import { type TestClock, fakeClock } from '../helpers/fake-clock';

const START = Date.UTC(2026, 10, 21, 6, 0, 0); // 06:00 UTC: 18 h to the reset

describe('CloudBudget', () => {
  let fake: TestClock;
  let clock: Clock;
  beforeEach(() => {
    ({ fake, clock } = fakeClock(START));
  });

  const budget = (options: { reserve?: number; limit?: number; store?: { load(): Ledger | undefined; save(l: Ledger): void } } = {}) => new CloudBudget({ clock, ...options });
  const code = (fn: () => void): string | undefined => {
    try {
      fn();
      return undefined;
    } catch (err) {
      return (err as { code?: string }).code;
    }
  };

  it('trusts RateLimit-Remaining when the cloud sends it', () => {
    const b = budget();
    b.record(200, { limit: 1000, remaining: 640 });
    assert.equal(b.rateLimit.remaining, 640);
  });

  it('counts calls when the headers are missing', () => {
    const b = budget();
    for (let i = 0; i < 3; i++) b.record(200, {});
    assert.equal(b.rateLimit.remaining, 997);
  });

  it('stops background calls at the reserve but lets a person through', () => {
    const b = budget({ reserve: 100 });
    b.record(200, { remaining: 100 });
    assert.equal(code(() => b.check('currentstatecharge', 'background')), 'QUOTA_RESERVED');
    assert.equal(code(() => b.check('intensity', 'user')), undefined);
    assert.equal(b.state, 'low');
  });

  it('after a 429 lets nothing through until the reset, then everything again', () => {
    const b = budget();
    b.record(429, { remaining: 0, resetSeconds: 3600 });
    assert.equal(code(() => b.check('intensity', 'user')), 'RATE_LIMITED');
    assert.equal(b.state, 'spent');
    fake.tick(3_599_000);
    assert.equal(code(() => b.check('intensity', 'user')), 'RATE_LIMITED');
    fake.tick(2_000);
    assert.equal(code(() => b.check('intensity', 'user')), undefined);
    assert.equal(b.rateLimit.remaining, 1000);
  });

  it('retries slowly after a 401 and never gives up on the key', () => {
    const b = budget();
    b.record(401, {});
    assert.equal(b.state, 'authFailed');
    assert.equal(b.rateLimit.remaining, 1000, 'a refused call costs nothing');
    assert.equal(code(() => b.check('currentstatecharge', 'background')), 'AUTH_FAILED');
    assert.equal(code(() => b.check('intensity', 'user')), undefined, 'a person may always try');
    fake.tick(5 * 60_000);
    assert.equal(code(() => b.check('currentstatecharge', 'background')), undefined);
    b.record(401, {});
    fake.tick(5 * 60_000);
    assert.equal(code(() => b.check('currentstatecharge', 'background')), 'AUTH_FAILED', 'the second wait is longer');
    fake.tick(10 * 60_000);
    assert.equal(code(() => b.check('currentstatecharge', 'background')), undefined);
    b.record(200, { remaining: 900 });
    assert.equal(b.state, 'ok');
  });

  it('paces polling so that every charger on the key fits in what is left', () => {
    const b = budget({ reserve: 100 });
    b.record(200, { remaining: 400, resetSeconds: 18 * 3600 });
    b.pollers.add({});
    assert.equal(b.pollInterval(), Math.ceil((18 * 3600 * 1000) / 300), '300 calls to spend over 18 h');
    b.pollers.add({});
    b.pollers.add({});
    assert.equal(b.pollInterval(), Math.ceil((3 * 18 * 3600 * 1000) / 300), 'three chargers: three times slower');
    b.record(200, { remaining: 100000, resetSeconds: 60 });
    assert.equal(b.pollInterval(), MIN_CLOUD_POLL_MS, 'never below 90 s');
  });

  it('starts a new day at the reset', () => {
    const b = budget();
    b.record(200, { remaining: 3 });
    fake.tick(nextMidnightUtc(START) - START);
    assert.equal(b.rateLimit.remaining, 1000);
  });

  it('keeps its ledger in the store and picks it up again', () => {
    let saved: Ledger | undefined;
    const store = { load: () => saved, save: (l: Ledger) => (saved = l) };
    const first = budget({ store });
    first.record(429, { remaining: 0, resetSeconds: 7200 });
    const second = budget({ store });
    assert.equal(code(() => second.check('intensity', 'user')), 'RATE_LIMITED', 'a restart does not forget the 429');
    assert.equal(second.rateLimit.remaining, 0);
  });

  it('ignores a damaged stored ledger instead of trusting it', () => {
    const store = { load: () => ({ limit: 1000, remaining: null, resetAt: 'soon' }) as unknown as Ledger, save: () => undefined };
    const b = budget({ store });
    assert.equal(b.rateLimit.remaining, 1000);
    assert.equal(b.state, 'ok');
  });
});
