// The soak's recovery verdict: "the client never let go" must mean the returned charger was
// never seen idle, not that a redeploy happened to restart the latency clock as the spell ended
// (seed 20261130, 30 min: one such spell after `truncated`, with every reading already measured).

import { strict as assert } from 'node:assert';
import { RecoverySpell } from '../soak/recovery-spell';

describe('soak recovery spell', () => {
  it('measures each reading from the moment the returned charger was idle', () => {
    const spell = new RecoverySpell('truncated', ['telA', 'telB']);
    spell.reading('telA', 100); // busy still: not a recovery reading
    spell.idle(200);
    spell.idle(250);
    spell.reading('telA', 700);
    spell.reading('telB', 900);
    spell.reading('telA', 1900);
    assert.deepEqual(spell.result(), { mode: 'truncated', latency: { telA: 500, telB: 700 }, neverIdle: false });
  });

  it('restarts the latency clock at a redeploy', () => {
    const spell = new RecoverySpell('endless', ['telA']);
    spell.idle(200);
    spell.redeploy();
    assert.equal(spell.idleFor(5000, 1000), false);
    spell.idle(3000);
    spell.reading('telA', 3400);
    assert.deepEqual(spell.result().latency, { telA: 400 });
  });

  it('does not call a charger that was idle "never let go" because a redeploy is under way as the spell ends', () => {
    const spell = new RecoverySpell('truncated', ['telA', 'telB']);
    spell.idle(300);
    spell.reading('telA', 800);
    spell.reading('telB', 1200);
    // The spell's minimum time runs out during a full redeploy: the idle clock is off.
    spell.redeploy();
    assert.equal(spell.seenAll(), true);
    assert.deepEqual(spell.result(), { mode: 'truncated', latency: { telA: 500, telB: 900 }, neverIdle: false });
  });

  it('calls a charger never seen idle "never let go", redeploys or not', () => {
    const spell = new RecoverySpell('endless', ['telA']);
    spell.reading('telA', 500);
    spell.redeploy();
    assert.deepEqual(spell.result(), { mode: 'endless', latency: { telA: null }, neverIdle: true });
  });
});
