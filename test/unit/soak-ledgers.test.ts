// The soak's own bookkeeping must be right before its verdicts mean anything: the quota
// watch flags exactly the calls a client could have avoided, the outcome ledger finds
// messages that never came out or came out twice.

import { strict as assert } from 'node:assert';
import type { CloudRequestRecord } from '../../src/sim/cloud-gateway';
import { Outcomes } from '../soak/outcomes';
import { QuotaWatch } from '../soak/quota-watch';

const DAY = 86_400_000;

function rec(at: number, status: number, remaining: number, simDay = 0, counted = status !== 429 && status !== 401): CloudRequestRecord {
  return { method: 'GET', path: '/version', query: {}, body: undefined, status, hasApiKey: true, counted, simTime: simDay * DAY + at, receivedAt: at, answeredAt: at + 2, remaining };
}

describe('soak bookkeeping', () => {
  describe('QuotaWatch', () => {
    it('lets calls already on the wire through, flags a call sent after the 429 was answered', () => {
      const watch = new QuotaWatch(() => 30);
      watch.consume([rec(100, 200, 1), rec(110, 429, 0), rec(111, 429, 0), rec(120, 429, 0)]);
      assert.equal(watch.figures.after429, 1);
      assert.equal(watch.figures.status429, 3);
    });

    it('flags a call after "Remaining: 0", not one after a 401 that says nothing', () => {
      const watch = new QuotaWatch(() => 30);
      watch.consume([rec(100, 401, 0), rec(200, 200, 0), rec(300, 200, 0)]);
      assert.equal(watch.figures.afterSpent, 1);
      assert.equal(watch.figures.after429, 0);
    });

    it('forgives everything at the reset and counts each day against the limit', () => {
      const watch = new QuotaWatch(() => 2);
      watch.consume([rec(100, 429, 0), rec(50, 200, 1, 1), rec(60, 200, 0, 1)]);
      assert.equal(watch.figures.afterSpent, 0);
      assert.equal(watch.figures.busiestDay, 2);
      assert.equal(watch.figures.overQuota, 0);
    });
  });

  describe('Outcomes', () => {
    it('finds the lost, the doubled, the errors no Catch saw and those logged while a redeploy stopped the flow', () => {
      const ledger = new Outcomes(1);
      const [a, b, c] = [ledger.issue(), ledger.issue(), ledger.issue()];
      ledger.issue(); // never comes out
      ledger.record(a, 'output');
      ledger.record(b, 'error', 'CLOSED');
      ledger.caught(b);
      ledger.record(c, 'error', 'DEVICE_UNREACHABLE');
      ledger.record(c, 'output');
      const stopped = ledger.issue();
      ledger.record(stopped, 'error', 'CLOSED', true);
      assert.equal(ledger.pending, 1);
      const f = ledger.figures();
      assert.deepEqual(
        { sent: f.sent, output: f.output, errors: f.errors, lost: f.lost, twice: f.twice, caught: f.caught, uncaught: f.uncaught, loggedWhileStopping: f.loggedWhileStopping },
        { sent: 5, output: 2, errors: 3, lost: 1, twice: 1, caught: 1, uncaught: 1, loggedWhileStopping: 1 },
      );
      assert.deepEqual(f.codes, { CLOSED: 2, DEVICE_UNREACHABLE: 1 });
    });

    it('ignores ids it did not issue', () => {
      const ledger = new Outcomes(1000);
      ledger.record(1, 'output');
      ledger.caught(1);
      assert.deepEqual(ledger.figures().sent, 0);
    });
  });

  it('counts an error raised just before a redeploy, and never caught, with the redeploy', () => {
    const o = new Outcomes(1);
    const [a, b] = [o.issue(), o.issue()];
    o.record(a, 'error', 'CLOUD_UNREACHABLE');
    o.record(b, 'error', 'CLOUD_UNREACHABLE');
    o.caught(b);
    o.redeployBegins(250);
    const f = o.figures();
    assert.equal(f.uncaught, 0);
    assert.equal(f.loggedWhileStopping, 1, 'the one still on its way to Catch');
    assert.equal(f.caught, 1);
  });
});
