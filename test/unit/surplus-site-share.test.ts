// Several chargers on one site: the pure split of the surplus and of the fuse (site.ts), and
// the site's bookkeeping for its members' readings (site-share.ts).

import { strict as assert } from 'node:assert';
import { DEFAULT_SETTINGS, SiteShare, SurplusController, allocate, houseAmps, settingsFrom, statusOf, type SiteInput, type SiteMember } from '../../src/surplus';

const member = (id: string, extra: Partial<SiteMember> = {}): SiteMember => ({
  id, priority: 0, demand: 'pv', charging: false, phases: 1, voltage: 230, minA: 6, maxA: 16, ampsNow: 0, drawW: 0, takesW: null, ...extra,
});
const site = (surplusW: number, extra: Partial<SiteInput> = {}, limits: Partial<SiteInput['limits']> = {}): SiteInput => ({
  sharing: 'priority', surplusW, houseW: 0, ...extra, limits: { currentA: null, powerW: null, supplyPhases: 3, voltage: 230, ...limits },
});
const shares = (m: SiteMember[], s: SiteInput) => Object.fromEntries([...allocate(m, s)].map(([id, a]) => [id, Math.round(a.shareW)]));
const caps = (m: SiteMember[], s: SiteInput) => Object.fromEntries([...allocate(m, s)].map(([id, a]) => [id, a.maxA]));

describe('several chargers on one site', () => {
  describe('the surplus', () => {
    it('by priority: the higher first up to its maximum, the rest to the next', () => {
      const m = [member('b', { priority: 1 }), member('a', { priority: 2 })];
      assert.deepEqual(shares(m, site(5000)), { a: 3795, b: 1205 }, 'half an amp beyond 16 A: the controller\'s hysteresis reaches the maximum');
      assert.deepEqual(shares(m, site(3000)), { a: 3000, b: 0 });
    });

    it('by priority: a paused car that cannot start on its share passes it on', () => {
      const m = [member('a', { priority: 2, phases: 3 }), member('b', { priority: 1 })];
      assert.deepEqual(shares(m, site(3000)), { a: 0, b: 3000 }, 'three phases need 4140 W to start');
    });

    it('evenly, among as many as the surplus carries at their minimum, charging cars last to give way', () => {
      const m = [member('a', { priority: 2 }), member('b', { priority: 1, charging: true, ampsNow: 6, drawW: 1380 })];
      assert.deepEqual(shares(m, site(5000, { sharing: 'even' })), { a: 2500, b: 2500 });
      assert.deepEqual(shares(m, site(2000, { sharing: 'even' })), { a: 0, b: 2000 });
      // A car at its maximum leaves the rest to the other.
      assert.deepEqual(shares([member('a', { maxA: 8 }), member('b')], site(6000, { sharing: 'even' })), { a: 1955, b: 3795 });
    });

    it('evenly: a car whose minimum does not fit passes its turn to one that can start, rather than leave the surplus unused', () => {
      const m = [member('a', { phases: 3 }), member('b')];
      assert.deepEqual(shares(m, site(3000, { sharing: 'even' })), { a: 0, b: 3000 }, 'three phases need 4140 W to start, one phase 1380 W');
      assert.deepEqual(shares(m, site(5000, { sharing: 'even' })), { a: 5000, b: 0 }, 'halves of 2500 W start neither: the first that fits alone takes it');
      assert.deepEqual(shares(m, site(9000, { sharing: 'even' })), { a: 5205, b: 3795 }, 'b at its maximum, the rest to a');
    });

    it('evenly: a car runs at its minimum or not at all, and the others share what is left above it', () => {
      // Halves of 3000 W would not start the three-phase car: it gets its 4140 W, the single-phase car the other 1860 W (8 A), not nothing.
      const m = [member('a', { phases: 3, charging: true, ampsNow: 6, drawW: 4140 }), member('b', { charging: true, ampsNow: 6, drawW: 1380 })];
      assert.deepEqual(shares(m, site(6000, { sharing: 'even' })), { a: 4140, b: 1860 });
      assert.deepEqual(shares(m, site(8000, { sharing: 'even' })), { a: 4205, b: 3795 }, 'b at its maximum');
      assert.deepEqual(shares([member('a'), member('b')], site(5000, { sharing: 'even' })), { a: 2500, b: 2500 }, 'equal minimums: equal halves');
    });

    it('evenly: a car that takes less than its minimum is offered its minimum, and the rest of the surplus goes to the others', () => {
      // a's battery is nearly full: 1000 W of its 4140 W minimum. Before, halves of 3000 W did not carry a's minimum and a took all 6000 W.
      const m = [member('a', { phases: 3, charging: true, ampsNow: 6, drawW: 1000, takesW: 1000 }), member('b', { charging: true, ampsNow: 6, drawW: 1380 })];
      assert.deepEqual(shares(m, site(6000, { sharing: 'even' })), { a: 4140, b: 3795 });
    });

    it('a charger that stops frees its share at once', () => {
      const m = [member('a', { priority: 2, charging: true }), member('b', { priority: 1 })];
      assert.deepEqual(shares(m, site(4000)), { a: 3795, b: 205 });
      m[0] = { ...m[0]!, demand: 'none', charging: false };
      assert.deepEqual(shares(m, site(4000)), { a: 0, b: 3795 });
    });

    it('what cars at full power draw comes first; a car still charging below its share rides on, its draw kept from the others', () => {
      const fast = member('f', { demand: 'full', charging: true, ampsNow: 16, drawW: 3680 });
      assert.deepEqual(shares([fast, member('p', { priority: 9 })], site(5000)), { f: 3680, p: 1320 });
      // b charges at 6 A, a has priority and takes the surplus: b's 1380 W are not a's to take while b rides on.
      const m = [member('a', { priority: 2 }), member('b', { priority: 1, charging: true, ampsNow: 6, drawW: 1380 })];
      assert.deepEqual(shares(m, site(2500)), { a: 1120, b: 0 });
    });

    it('by priority: a car already charging keeps its minimum while the surplus carries the higher one\'s minimum beside it', () => {
      const m = [member('a', { priority: 2 }), member('b', { priority: 1, charging: true, ampsNow: 6, drawW: 1380 })];
      assert.deepEqual(shares(m, site(3500)), { a: 2120, b: 1380 }, 'both minimums fit: a takes what is beyond b\'s');
      assert.deepEqual(shares(m, site(6000)), { a: 3795, b: 2205 }, 'a at its maximum, the rest to b');
      assert.deepEqual(shares([m[0]!, { ...m[1]!, charging: false, ampsNow: 0, drawW: 0 }], site(3500)), { a: 3500, b: 0 }, 'a paused b does not start on a\'s share');
    });

    it('a car that takes less than it is offered (a battery that tapers) leaves the rest to the next', () => {
      const m = [member('a', { priority: 2, charging: true, ampsNow: 16, drawW: 1840, takesW: 2300 }), member('b', { priority: 1 })];
      assert.deepEqual(shares(m, site(5000)), { a: 2300, b: 2700 });
      // The fuse: a first what it takes (10 A), b what its share calls for (12 A), then a up to the rest; b rises once a's 16 A have come down.
      assert.deepEqual(caps(m, site(5000, {}, { currentA: 25 })), { a: 13, b: 9 });
    });

    it('importing: nobody is given surplus', () => {
      const m = [member('a', { priority: 2, charging: true, ampsNow: 6, drawW: 1380 }), member('b', { priority: 1, charging: true, ampsNow: 6, drawW: 1380 })];
      const s = allocate(m, site(-400));
      assert.ok([...s.values()].every((a) => a.shareW <= 0));
    });
  });

  describe('the limit', () => {
    it('by priority: the lower priority pauses rather than exceed when its minimum does not fit', () => {
      const m = [member('a', { priority: 2, demand: 'full' }), member('b', { priority: 1, demand: 'full' })];
      assert.deepEqual(caps(m, site(0, {}, { currentA: 20 })), { a: 16, b: 0 });
      assert.deepEqual(caps(m, site(0, {}, { currentA: 25 })), { a: 16, b: 9 });
      assert.deepEqual(caps(m, site(0, { sharing: 'even' }, { currentA: 20 })), { a: 10, b: 10 });
      assert.deepEqual(caps(m, site(0, { sharing: 'even' }, { currentA: 11 })), { a: 11, b: 0 }, 'two minimums do not fit: one charges');
    });

    it('counts the house: its import spread over the supply, in amps; all of it, in watts', () => {
      assert.ok(Math.abs(houseAmps(2070, { currentA: 20, powerW: null, supplyPhases: 3, voltage: 230 }) - 3) < 1e-9);
      const m = [member('a', { priority: 2, demand: 'full' }), member('b', { priority: 1, demand: 'full' })];
      assert.deepEqual(caps(m, site(0, { houseW: 2070 }, { currentA: 25 })), { a: 16, b: 6 });
      assert.deepEqual(caps(m, site(0, { houseW: 2070 }, { currentA: 25, supplyPhases: 1 })), { a: 16, b: 0 });
      assert.deepEqual(caps(m, site(0, { houseW: 1000 }, { powerW: 6000 })), { a: 16, b: 0 }, '6000 - 1000 - 3680 leaves 1320 W: 5 A, below the minimum');
    });

    it('a rise waits for the fall that makes room for it', () => {
      // a was at 16 A when b (higher priority now) wants 16 too: a is cut to 9 at once, b rises only into what a leaves.
      const m = [member('a', { priority: 1, demand: 'full', charging: true, ampsNow: 16, drawW: 3680 }), member('b', { priority: 2, demand: 'full' })];
      assert.deepEqual(caps(m, site(0, {}, { currentA: 25 })), { a: 9, b: 9 });
      m[0] = { ...m[0]!, ampsNow: 9, drawW: 2070 };
      assert.deepEqual(caps(m, site(0, {}, { currentA: 25 })), { a: 9, b: 16 });
    });

    it('never lets members rise beyond the limit, whatever they draw and want (random cases)', () => {
      let seed = 7;
      const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
      const demands = ['pv', 'minpv', 'full', 'none'] as const;
      for (let n = 0; n < 2000; n++) {
        const limitA = 10 + Math.floor(rnd() * 40);
        const houseW = rnd() < 0.5 ? 0 : rnd() * 3000;
        const ms = Array.from({ length: 2 + Math.floor(rnd() * 3) }, (_, i) => {
          const phases = rnd() < 0.5 ? 1 : 3;
          const ampsNow = rnd() < 0.4 ? 0 : 6 + Math.floor(rnd() * 11);
          return member(`m${i}`, { priority: Math.floor(rnd() * 3), demand: demands[Math.floor(rnd() * 4)]!, charging: ampsNow > 0, phases, ampsNow, drawW: ampsNow * phases * 230 });
        });
        const s = site(rnd() * 15000 - 2000, { houseW, sharing: rnd() < 0.5 ? 'even' : 'priority' }, { currentA: limitA });
        const out = allocate(ms, s);
        const room = limitA - houseAmps(houseW, s.limits);
        for (const m of ms) {
          const maxA = out.get(m.id)!.maxA;
          const others = ms.filter((o) => o.id !== m.id).reduce((sum, o) => sum + o.ampsNow, 0);
          assert.ok(maxA <= m.ampsNow || maxA + others <= room + 1e-9, `case ${n}: ${m.id} may rise to ${maxA} A with ${others} A of others in ${room.toFixed(1)} A`);
        }
        // Once all have followed their caps, together they are within the limit.
        const settled = ms.map((m) => ({ ...m, ampsNow: Math.min(m.ampsNow, out.get(m.id)!.maxA) }));
        const after = allocate(settled, s);
        const total = settled.reduce((sum, m) => sum + Math.min(after.get(m.id)!.maxA, Math.max(m.ampsNow, after.get(m.id)!.maxA)), 0);
        assert.ok(total <= Math.max(room, 0) + 1e-9 || settled.every((m) => after.get(m.id)!.maxA <= m.ampsNow), `case ${n}: ${total} A in ${room.toFixed(1)} A`);
      }
    });
  });

  describe('the site of a node', () => {
    const settings = { ...DEFAULT_SETTINGS, site: 'home', siteCurrent: 20 };

    it('takes its settings from the table: a name of at most 64 characters, a sharing, a limit', () => {
      assert.deepEqual(
        ((s) => [s.site, s.siteSharing, s.siteCurrent, s.sitePower, s.sitePhases, s.sitePriority])(settingsFrom({ site: ' home ', siteSharing: 'EVEN', siteCurrent: '25', sitePhases: '1', sitePriority: 3 })),
        ['home', 'even', 25, null, 1, 3],
      );
      assert.throws(() => settingsFrom({ site: 'x'.repeat(65) }), /site: .* is not a name of at most 64 characters/);
      assert.throws(() => settingsFrom({ siteSharing: 'fair' }), /siteSharing: "fair" is not one of priority, even/);
      assert.throws(() => settingsFrom({ siteCurrent: 3 }), /siteCurrent: 3 is out of range; expected 6..1000 A/);
    });

    it('with a stale meter counts the house as last measured: the limit holds without readings', () => {
      const site = new SiteShare('home');
      const t = Date.UTC(2026, 5, 21, 20);
      const a = new SurplusController({ ...settings, mode: 'fast', sitePriority: 2 }, { now: t });
      site.join('a', a.settings);
      // 4.6 kW of house on three phases: 6.7 A of the 20 A per phase.
      const r = site.reading('a', { gridW: 4600 }, t);
      site.observe('a', a.settings, a.update({ gridW: r.gridW }, t, { siteMaxA: r.allowance.maxA }));
      const later = t + 10 * 60_000;
      const { allowance } = site.allowance('a', later);
      assert.equal(allowance.maxA, 13);
      const d = a.tick(later, allowance.maxA);
      assert.equal(d.state, 'charging', 'fast mode charges without the meter');
      assert.ok(d.setpoint <= 13, `${d.setpoint} A`);
    });

    /**
     * Two members a (priority 2) and b (1) under the 20 A fuse, 6.5 kW of sun and a 500 W house,
     * one second at a time for `seconds`: each car draws what it was told a second later, a at
     * most `maxDrawA`. Calls `each` with both cars' amps every second.
     */
    const runPair = (seconds: number, maxDrawA: number, each: (ampsA: number, ampsB: number, s: number) => void = () => {}) => {
      const t0 = Date.UTC(2026, 5, 21, 10);
      const site = new SiteShare('home');
      const a = new SurplusController({ ...settings, sitePriority: 2, startDelay: 0 }, { now: t0 });
      const b = new SurplusController({ ...settings, sitePriority: 1, startDelay: 0 }, { now: t0 });
      site.join('a', a.settings);
      site.join('b', b.settings);
      let ampsA = 0;
      let ampsB = 0;
      for (let s = 0; s < seconds; s++) {
        const t = t0 + s * 1000;
        const gridW = 500 + (ampsA + ampsB) * 230 - 6500;
        for (const [id, c] of [['a', a], ['b', b]] as const) {
          const own = id === 'a' ? ampsA : ampsB;
          const r = site.reading(id, { gridW, carW: own * 230 }, t);
          const d = c.update({ gridW: r.gridW, carW: own * 230 }, t, { siteMaxA: r.allowance.maxA });
          site.observe(id, c.settings, d);
          if (id === 'a') ampsA = Math.min(d.setpoint, maxDrawA);
          else ampsB = d.setpoint;
        }
        each(ampsA, ampsB, s);
      }
      return { ampsA, ampsB, shareA: site.allowance('a', t0 + seconds * 1000).view.shareW };
    };

    it("shows each member's controller its share, not the whole meter: two controllers do not fight over the same watts", () => {
      const seen: number[] = [];
      const { ampsA, ampsB } = runPair(600, Infinity, (a, b, s) => {
        seen.push(a + b);
        assert.ok(a + b <= 20, `${a} + ${b} A at ${s} s`);
      });
      assert.equal(ampsA, 16, 'the first priority at its maximum');
      assert.equal(ampsB, 0, 'the rest would carry 10 A, but the fuse leaves 4 A, below the minimum: b waits');
      // No oscillation: the last five minutes hold still.
      assert.equal(new Set(seen.slice(-300)).size, 1);
    });

    it('a car that draws clearly less than offered for a minute takes what it draws and an amp more: the rest goes to the next', () => {
      // a's battery tapers: it draws at most 10 A whatever it is offered.
      const { ampsB, shareA } = runPair(900, 10);
      assert.equal(shareA, 2530, 'a: 10 A drawn and 1 A more, to show when it takes more again');
      assert.equal(ampsB, 9, 'b: the rest of the 20 A fuse');
    });

    it('holds a closed member\'s draw until it is back, so a redeploy does not hand its current to another', () => {
      const site = new SiteShare('home');
      const t = Date.UTC(2026, 5, 21, 20);
      const a = new SurplusController({ ...settings, mode: 'fast', sitePriority: 1 }, { now: t });
      const b = new SurplusController({ ...settings, mode: 'fast', sitePriority: 2 }, { now: t });
      site.join('a', a.settings);
      site.observe('a', a.settings, a.update({ gridW: 3680, carW: 3680 }, t, { siteMaxA: 16 }));
      site.leave('a', t + 1000);
      site.join('b', b.settings);
      const first = site.reading('b', { gridW: 3680 }, t + 2000);
      const d = b.update({ gridW: first.gridW }, t + 2000, { siteMaxA: first.allowance.maxA });
      site.observe('b', b.settings, d);
      assert.equal(d.reason, 'siteLimit');
      assert.equal(statusOf(d, false).key, 'siteLimit', 'the status says it waits for the fuse, not the sun');
      assert.equal(site.allowance('b', t + 3000).allowance.maxA, 0, 'a still draws 16 of 20 A: 4 A are below b\'s minimum');
      assert.equal(site.reading('b', { gridW: 3680 }, t + 200_000).allowance.maxA, 14, 'held no longer: its car counts as the house, by the meter');
    });
  });
});
