import { strict as assert } from 'node:assert';
import { LanPacing } from '../../src/trydan/lan-pacing';

describe('LAN pacing', () => {
  it('counts the gap from the answer', () => {
    const p = new LanPacing(150, 8000);
    assert.equal(p.waitMs(0), 0);
    p.answered(1000, 200);
    assert.equal(p.waitMs(1000), 150);
    assert.equal(p.waitMs(1200), 0);
  });

  it('after a request timed out on the charger, waits half a timeout more before the next', () => {
    const p = new LanPacing(150, 8000);
    p.failed(8000, 'REQUEST_TIMEOUT');
    assert.equal(p.waitMs(8000), 4150, 'a charger answering at 10 s is free by 12 s');
    // Nothing runs on the charger after a refused, reset or never-connected request.
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'CONNECT_TIMEOUT', undefined]) {
      p.failed(20_000, code);
      assert.equal(p.waitMs(20_000), 150, String(code));
    }
  });

  it('doubles the gap on 404, up to 2 s, and eases back after clean answers', () => {
    const p = new LanPacing(150, 8000);
    p.answered(0, 404);
    assert.equal(p.gapMs, 300);
    for (let i = 0; i < 6; i++) p.answered(0, 404);
    assert.equal(p.gapMs, 2000);
    for (let i = 0; i < 9; i++) p.answered(0, 200);
    assert.equal(p.gapMs, 2000, 'not eased before ten clean answers');
    p.answered(0, 200);
    assert.equal(p.gapMs, 1000);
    for (let i = 0; i < 100; i++) p.answered(0, 200);
    assert.equal(p.gapMs, 150, 'never below the base');
  });
});
