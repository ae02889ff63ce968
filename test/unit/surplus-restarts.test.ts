// The rules that save restarts without letting the sun go: a dip is ridden out or paused for
// by what riding it costs (its deficit less the sun it still brings) against what a restart
// is worth, judged by the day's dips or, until they are known, by what this dip has cost so
// far; three phases are left for one like a pause. The start energy (a choice, 0 by default)
// lets a short sunny spell go.

import { strict as assert } from 'node:assert';
import { type Decision, DipCost, DipHistory, actOnDipIn, pauseBeatsBridging, rideCostW, statusOf } from '../../src/surplus';
import { T0, site } from './surplus-site';

const MIN_W = 6 * 230;
const RESTART_WH = (MIN_W * 6) / 60; // 6 minutes at the minimum current (the default is 2)
const at = (s: number) => T0 + s * 1000;
const seconds = (d: Decision) => (d.time - T0) / 1000;
/** The defaults of the restart-saving rules (the test site turns them off otherwise). */
const DEFAULTS = { startEnergy: null, bridgeEnergy: null };

describe('surplus: riding out a dip or pausing (pauseBeatsBridging)', () => {
  it('rides out a dip when recent dips were short and the deficit small', () => {
    // Three dips of 4 min; 1 min in, riding on costs 180 W × 3 min = 9 Wh, a restart 138 Wh.
    assert.equal(pauseBeatsBridging([240, 240, 240], 60, 180, RESTART_WH), false);
  });

  it('pauses at once when recent dips were long and dark', () => {
    // Three dips of 20 min at 1080 W: riding one out costs 360 Wh, more than a restart.
    assert.equal(pauseBeatsBridging([1200, 1200, 1200], 0, 1080, RESTART_WH), true);
  });

  it('pauses when this dip has outlasted every recent one', () => {
    assert.equal(pauseBeatsBridging([60, 90, 120], 121, 10, RESTART_WH), true);
  });

  it('waits out the short dips it has seen among long ones, then pauses', () => {
    // One dip in four ended within a minute: riding a minute costs (10 + 3 × (10 + 138)) / 4
    // = 114 Wh on average, less than a restart; past that minute only long dips are left.
    assert.equal(pauseBeatsBridging([60, 3600, 3600, 3600], 0, 600, RESTART_WH), false);
    assert.equal(pauseBeatsBridging([60, 3600, 3600, 3600], 61, 600, RESTART_WH), true);
  });

  it('never pauses for a dip that takes nothing from the grid', () => {
    assert.equal(pauseBeatsBridging([600, 600, 600], 10, 0, RESTART_WH), false);
  });
});

describe('surplus: what riding a dip costs, and when to act on it', () => {
  it('counts the grid a dip takes less half the sun the car still gets', () => {
    assert.equal(rideCostW(1380, 0), 1380, 'a dark dip: all from the grid');
    assert.equal(rideCostW(380, 1000), 0, 'a light one costs nothing: more sun in the car than grid');
    assert.equal(rideCostW(2140, 2000), 1140, 'three phases at 6 A with 2 kW of sun');
  });

  it('until three dips are known, rides until the dip has cost a restart, at most the stop delay', () => {
    const act = (costW: number, costWh: number, stopDelayLeft = 120) => actOnDipIn({ recent: [300], elapsed: 30, costW, costWh, restartWh: 46, stopDelayLeft });
    assert.equal(act(1380, 0), 120, 'a dark dip costs a restart in 120 s: the stop delay is no shorter');
    assert.equal(act(1380, 23), 60, 'half a restart spent: a minute left');
    assert.equal(act(1380, 46), 0);
    assert.equal(act(0, 0), 120, 'a dip that costs nothing still pauses after the stop delay');
  });

  it('with three dips known, pauses now or never', () => {
    assert.equal(actOnDipIn({ recent: [1200, 1200, 1200], elapsed: 0, costW: 1000, costWh: 0, restartWh: 46, stopDelayLeft: 120 }), 0);
    assert.equal(actOnDipIn({ recent: [60, 60, 60], elapsed: 10, costW: 100, costWh: 0, restartWh: 46, stopDelayLeft: 120 }), Infinity);
  });

  it('keeps to the stop delay when a restart is worth nothing', () => {
    assert.equal(actOnDipIn({ recent: [60, 60, 60], elapsed: 10, costW: 100, costWh: 0, restartWh: 0, stopDelayLeft: 75 }), 75);
  });

  it('adds up a dip\'s cost over time', () => {
    const c = new DipCost();
    assert.equal(c.add(3600, at(0)), 0);
    assert.equal(c.add(3600, at(10)), 10);
    c.reset();
    assert.equal(c.add(3600, at(20)), 0);
  });
});

describe('surplus: the day\'s dips (DipHistory)', () => {
  it('measures dips between sunny spells, not the night before the first sun', () => {
    const h = new DipHistory();
    h.observe(true, at(0)); // dark since the start
    h.observe(false, at(600));
    assert.deepEqual(h.recent(at(600)), []);
    h.observe(true, at(700));
    assert.equal(h.elapsed(at(790)), 90);
    h.observe(false, at(820));
    assert.deepEqual(h.recent(at(820)), [120]);
    assert.equal(h.elapsed(at(830)), null);
  });

  it('does not take a night for a dip', () => {
    const h = new DipHistory();
    h.observe(false, at(0));
    h.observe(true, at(100)); // dusk
    h.observe(false, at(100 + 14 * 3600)); // the next morning
    assert.deepEqual(h.recent(at(100 + 14 * 3600)), []);
  });

  it('takes a moment of sun inside a cloud as part of it', () => {
    const h = new DipHistory();
    h.observe(false, at(0));
    h.observe(true, at(100));
    h.observe(false, at(200));
    h.observe(true, at(220)); // 20 s of sun
    h.observe(false, at(300));
    assert.deepEqual(h.recent(at(300)), [200]);
  });

  it('forgets dips older than two hours and a dip cut short by missing readings', () => {
    const h = new DipHistory();
    h.observe(false, at(0));
    h.observe(true, at(100));
    h.observe(false, at(160));
    h.observe(true, at(1000));
    h.interrupt();
    h.observe(false, at(1100));
    assert.deepEqual(h.recent(at(1100)), [60]);
    assert.deepEqual(h.recent(at(160 + 2 * 3600 + 1)), []);
  });
});

describe('surplus controller: fewer restarts (default settings)', () => {
  it('starts once the sunny spell has offered the start energy: sooner with more sun', () => {
    const startAfter = (surplusW: number) => {
      const s = site(DEFAULTS);
      s.run(900, surplusW);
      const starting = s.decisions.find((d) => d.state === 'starting')!;
      return seconds(s.decisions.find((d) => d.reason === 'started')!) - seconds(starting);
    };
    // 345 Wh: about 7 minutes at 3 kW, 3.5 at 6 kW (the smoothed surplus rises over ~1 min).
    const at3kW = startAfter(3000);
    const at6kW = startAfter(6000);
    assert.ok(at3kW >= 414 && at3kW <= 450, `3 kW: started after ${at3kW} s`);
    assert.ok(at6kW >= 207 && at6kW <= 240, `6 kW: started after ${at6kW} s`);
  });

  it('with phase switching, more sun never means a later start', () => {
    const startAfter = (surplusW: number) => {
      const s = site({ ...DEFAULTS, phaseSwitching: true });
      s.run(1200, surplusW);
      return seconds(s.decisions.find((d) => d.reason === 'started')!);
    };
    // 4200 W carries three phases at 6 A (4140 W): the start energy stays one phase's 345 Wh.
    assert.ok(startAfter(4200) <= startAfter(4100));
  });

  it('says what it waits for, with the time left at the present surplus', () => {
    const s = site(DEFAULTS);
    const d = s.run(120, 3000);
    assert.equal(d.state, 'starting');
    assert.equal(d.reason, 'startEnergy');
    assert.match(d.reasonText, /start once this sunny spell has offered 345 Wh, in [45]:\d\d/);
    assert.ok(d.spells.offeredWh! > 50 && d.spells.offeredWh! < 100, `${d.spells.offeredWh} Wh offered`);
    assert.equal(d.spells.startWh, 345);
    assert.ok(d.timers.startIn! > 240 && d.timers.startIn! < 330, `start in ${d.timers.startIn} s`);
  });

  it('lets a short gap in the clouds go by', () => {
    const s = site(DEFAULTS);
    for (let i = 0; i < 6; i++) {
      s.run(240, 3000); // 4 minutes of sun: 200 Wh
      s.run(120, 400);
    }
    assert.equal(s.decisions.filter((d) => d.reason === 'started').length, 0);
    assert.equal(s.commands.filter((c) => c.Paused === 0).length, 0);
  });

  it('until three dips are known, pauses a dark dip once it has cost a restart, before the stop delay', () => {
    const s = site(DEFAULTS);
    s.run(600, 3000);
    assert.equal(s.last().state, 'charging');
    const low = s.now;
    s.run(240, 0); // all 1380 W from the grid: a restart's 46 Wh in 2 minutes
    const stop = s.decisions.find((d) => d.time > low && d.reason === 'stopped')!;
    const after = (stop.time - low) / 1000;
    assert.ok(after >= 120 && after <= 140, `paused ${after} s into the first dip (the smoothing takes a few seconds to see it)`);
  });

  it('until three dips are known, rides a light dip to the stop delay', () => {
    const s = site(DEFAULTS);
    s.run(600, 3000);
    const low = s.now;
    s.run(240, 1100); // 280 W from the grid, 1100 W of sun: costs nothing
    const stop = s.decisions.find((d) => d.time > low && d.reason === 'stopped')!;
    const after = (stop.time - low) / 1000;
    assert.ok(after >= 180 && after <= 190, `paused ${after} s into the first dip`);
  });

  it('rides out a dip beyond the stop delay on a day of light clouds', () => {
    const s = site(DEFAULTS);
    s.run(600, 3000);
    for (let i = 0; i < 3; i++) {
      s.run(300, 1200); // 5 minutes at 180 W short: the stop delay pauses these first ones
      s.run(900, 3000);
    }
    assert.equal(s.last().state, 'charging');
    assert.equal(s.last().spells.recentDips.length, 3);
    const low = s.now;
    s.run(240, 1200);
    const during = s.decisions.filter((d) => d.time > low);
    assert.ok(during.filter((d) => d.reason === 'bridging').length > 200, 'rode the dip out: 180 W for 4 minutes is cheaper than a restart');
    const bridging = during.find((d) => d.reason === 'bridging')!;
    assert.match(bridging.reasonText, /riding the dip out at the minimum current/);
    assert.deepEqual(statusOf(bridging, false), { fill: 'yellow', shape: 'dot', key: 'bridging', params: { amps: 6 } });
    assert.ok(during.every((d) => d.charging), 'never paused');
    assert.equal(s.last().setpoint, 6);
  });

  it('pauses at once on a day of long, dark clouds instead of importing for the stop delay', () => {
    const s = site(DEFAULTS);
    s.run(600, 3000);
    for (let i = 0; i < 3; i++) {
      s.run(1200, 300);
      s.run(900, 3000);
    }
    assert.equal(s.last().state, 'charging');
    assert.ok(s.last().spells.recentDips.every((d) => d >= 1190));
    const low = s.now;
    s.run(240, 300);
    const stop = s.decisions.find((d) => d.time > low && d.reason === 'stopped')!;
    const after = (stop.time - low) / 1000;
    assert.ok(after <= 15, `paused ${after} s into the dip, not after the 180 s stop delay`);
  });

  it('does not measure a dip while it is not watching (fast mode)', () => {
    const s = site(DEFAULTS);
    s.run(600, 3000);
    s.run(30, 300);
    assert.ok(s.last().spells.dipSeconds! > 0);
    s.mode('fast');
    s.run(3 * 3600, 300);
    assert.equal(s.last().spells.dipSeconds, null);
    s.mode('pv');
    s.run(60, 3000);
    // Only the seconds the smoothing takes to see the sun again after the switch back.
    assert.ok(s.last().spells.recentDips.every((d) => d < 10), `three hours of fast charging are not a dip: ${s.last().spells.recentDips}`);
  });

  it('with bridgeEnergy 0 keeps to the stop delay whatever the day', () => {
    const s = site({ startEnergy: null, bridgeEnergy: 0 });
    s.run(600, 3000);
    for (let i = 0; i < 3; i++) {
      s.run(1200, 300);
      s.run(900, 3000);
    }
    const low = s.now;
    s.run(240, 300);
    const stop = s.decisions.find((d) => d.time > low && d.reason === 'stopped')!;
    const after = (stop.time - low) / 1000;
    assert.ok(after >= 180 && after <= 190, `paused ${after} s into the dip`);
  });
});
