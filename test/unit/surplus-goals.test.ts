import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_METER, type Decision, SurplusController, type SurplusSettings, nextTime, parsePrices, planGoal, readMessage, reportOf, settingsFrom, statusOf } from '../../src/surplus';
import { InvalidInput } from '../../src/trydan/errors';
import { EVCC_TIMERS, T0 } from './surplus-site';

const H = 3_600_000;
const FULL_W = 16 * 230;
/** "HH:MM" of a moment in the host's time, as the controller reads targetTime. */
const hhmm = (ms: number) => {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
};
const problems = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof InvalidInput, String(err));
    return [...err.problems];
  }
  assert.fail('expected InvalidInput');
};

describe('goal plan', () => {
  it('without prices reserves the latest stretch that still delivers the energy, with the margin', () => {
    const p = planGoal({ now: T0, deadline: T0 + 10 * H, leftWh: 3680, powerW: FULL_W, marginPct: 10, prices: [] });
    assert.equal(p.pieces.length, 1);
    assert.equal(p.pieces[0]!.end, T0 + 10 * H);
    assert.equal(p.pieces[0]!.start, T0 + 10 * H - 1.1 * H);
    assert.equal(p.chargeNow, false);
    assert.ok(p.feasible);
    assert.equal(p.expectedFinish, T0 + 10 * H - 0.1 * H, 'the bare hour from the start of the stretch');
    const later = planGoal({ now: T0 + 9 * H, deadline: T0 + 10 * H, leftWh: 3680, powerW: FULL_W, marginPct: 10, prices: [] });
    assert.ok(later.chargeNow && !later.feasible, 'too little time left: charge now, and say it will be late');
    assert.equal(later.expectedFinish, T0 + 10 * H);
  });

  it('with prices reserves the cheapest slots, the latest part of one needed in part, unpriced time last', () => {
    const prices = [0.3, 0.1, 0.2, 0.1, 0.4].map((price, i) => ({ start: T0 + i * H, end: T0 + (i + 1) * H, price }));
    const p = planGoal({ now: T0, deadline: T0 + 8 * H, leftWh: 2.5 * FULL_W, powerW: FULL_W, marginPct: 0, prices });
    assert.deepEqual(
      p.pieces.map((x) => [(x.start - T0) / H, (x.end - T0) / H, x.price]),
      [
        [1, 2, 0.1],
        [2.5, 3, 0.2],
        [3, 4, 0.1],
      ],
    );
    assert.equal(p.chargeNow, false);
    assert.equal(p.expectedFinish, T0 + 4 * H);
    const inSlot = planGoal({ now: T0 + 1.5 * H, deadline: T0 + 8 * H, leftWh: 2 * FULL_W, powerW: FULL_W, marginPct: 0, prices });
    assert.ok(inSlot.chargeNow);
    assert.equal(inSlot.nowUntil, T0 + 2 * H);
    // Beyond the known prices (hours 5..8) the time is dearer than any price, but used when needed.
    const long = planGoal({ now: T0, deadline: T0 + 8 * H, leftWh: 6 * FULL_W, powerW: FULL_W, marginPct: 0, prices });
    assert.deepEqual(long.pieces.map((x) => [(x.start - T0) / H, (x.end - T0) / H, x.price]).slice(-2), [[4, 5, 0.4], [7, 8, null]]);
  });

  it('finds the next HH:MM in local time', () => {
    const utc = () => 0;
    const cet = () => 60;
    assert.equal(nextTime('07:00', Date.UTC(2026, 5, 21, 18), utc), Date.UTC(2026, 5, 22, 7));
    assert.equal(nextTime('20:00', Date.UTC(2026, 5, 21, 18), utc), Date.UTC(2026, 5, 21, 20));
    assert.equal(nextTime('07:00', Date.UTC(2026, 5, 21, 18), cet), Date.UTC(2026, 5, 22, 6));
    assert.equal(nextTime('00:30', Date.UTC(2026, 5, 21, 23, 10), cet), Date.UTC(2026, 5, 21, 23, 30));
  });
});

describe('price series', () => {
  it('reads {start, price}, Tibber, aWATTar and Octopus shapes', () => {
    const plain = parsePrices([
      { start: '2026-06-21T22:00:00Z', price: 0.12 },
      { start: '2026-06-21T23:00:00Z', price: '0.10' },
    ]);
    assert.deepEqual(plain, [
      { start: Date.UTC(2026, 5, 21, 22), end: Date.UTC(2026, 5, 21, 23), price: 0.12 },
      { start: Date.UTC(2026, 5, 21, 23), end: Date.UTC(2026, 5, 22, 0), price: 0.1 },
    ]);
    const tibber = parsePrices({ today: [{ startsAt: '2026-06-21T23:00:00.000+02:00', total: 0.2 }], tomorrow: [{ startsAt: '2026-06-22T00:00:00.000+02:00', total: 0.18 }] });
    assert.equal(tibber.length, 2);
    assert.equal(tibber[0]!.start, Date.UTC(2026, 5, 21, 21));
    const awattar = parsePrices({ object: 'list', data: [{ start_timestamp: Date.UTC(2026, 5, 21, 12), end_timestamp: Date.UTC(2026, 5, 21, 12, 15), marketprice: 85.2, unit: 'Eur/MWh' }] });
    assert.deepEqual(awattar, [{ start: Date.UTC(2026, 5, 21, 12), end: Date.UTC(2026, 5, 21, 12, 15), price: 85.2 }]);
    const octopus = parsePrices({ results: [{ value_inc_vat: 21.5, valid_from: '2026-06-21T12:30:00Z', valid_to: '2026-06-21T13:00:00Z' }] });
    assert.equal(octopus[0]!.end - octopus[0]!.start, 30 * 60_000);
    const seconds = parsePrices([{ start: Date.UTC(2026, 5, 21, 12) / 1000, price: 1 }]);
    assert.equal(seconds[0]!.start, Date.UTC(2026, 5, 21, 12), 'epoch seconds');
    assert.deepEqual(parsePrices([]), [], 'an empty list clears');
  });

  it('refuses what is not a price series, naming the slot', () => {
    assert.match(problems(() => parsePrices('cheap'))[0]!, /is not a list of \{start, price\}/);
    assert.match(problems(() => parsePrices([{ start: 'soon', price: 1 }]))[0]!, /prices\[0\]: start "soon" is not a time/);
    assert.match(problems(() => parsePrices([{ start: T0, price: 'high' }]))[0]!, /prices\[0\]: price "high" is not a number/);
    assert.match(problems(() => parsePrices([{ start: T0, end: T0 + 2 * H, price: 1 }, { start: T0 + H, price: 2 }]))[0]!, /overlap/);
  });
});

describe('goal settings and messages', () => {
  it('wants an energy and a time together, a valid time, a target within the limit', () => {
    assert.match(problems(() => settingsFrom({ targetEnergy: 20 }))[0]!, /targetEnergy 20 kWh needs a targetTime/);
    assert.match(problems(() => settingsFrom({ targetEnergy: 20, targetTime: '25:00' }))[0]!, /targetTime: "25:00" is not a time of day HH:MM/);
    assert.match(problems(() => settingsFrom({ targetEnergy: 20, targetTime: '7:00', sessionLimit: 15 }))[0]!, /above sessionLimit 15 kWh/);
    assert.equal(settingsFrom({ targetEnergy: '20', targetTime: '7:00' }).targetTime, '07:00');
  });

  it('takes a goal as msg.goal or on topic "goal", and prices on topic "prices"', () => {
    assert.deepEqual(readMessage({ topic: 'goal', payload: { energy: 20, by: '07:00' } }, DEFAULT_METER).settings, { targetEnergy: 20, targetTime: '07:00' });
    assert.deepEqual(readMessage({ goal: { limit: 30, minimum: 5 }, payload: 1700000000000 }, DEFAULT_METER).settings, { sessionLimit: 30, minimumEnergy: 5 });
    assert.deepEqual(readMessage({ goal: null }, DEFAULT_METER).settings, { targetEnergy: null, targetTime: null });
    assert.equal(readMessage({ topic: 'prices', payload: [{ start: T0, price: 0.1 }] }, DEFAULT_METER).prices!.length, 1);
    assert.match(problems(() => readMessage({ topic: 'goal', payload: { energy: 20, at: '07:00' } }, DEFAULT_METER))[0]!, /"at" is not part of a goal/);
  });
});

/** No sun (or `pvW` of it, from `sunFrom` s on); the car follows every command at once; the session energy counted. */
function night(settings: Partial<SurplusSettings>, pvW = 0, sunFrom = 0) {
  const c = new SurplusController({ ...EVCC_TIMERS, ...settings }, { now: T0 });
  const charger = { Paused: 1, Intensity: 6, PauseDynamic: 1, ChargeMode: 0 };
  let now = T0;
  let kwh = 0;
  const decisions: Decision[] = [];
  const run = (seconds: number, change: Parameters<SurplusController['update']>[2] = {}) => {
    for (let i = 0; i < seconds; i++) {
      now += 1000;
      const carW = charger.Paused === 0 ? charger.Intensity * 230 : 0;
      kwh += carW / 3_600_000;
      const sun = (now - T0) / 1000 >= sunFrom ? pvW : 0;
      const d = c.update({ gridW: 300 + carW - sun, carW, sessionEnergyKwh: kwh, carConnected: true, charger: { ...charger } }, now, i === 0 ? change : {});
      if (d.command) Object.assign(charger, d.command);
      decisions.push(d);
    }
    return decisions.at(-1)!;
  };
  return { run, decisions, kwh: () => kwh, now: () => now };
}

describe('goals in the controller', () => {
  it('without sun or prices charges as late as still safe and pauses once the target is in', () => {
    const s = night({ targetEnergy: 5, targetTime: hhmm(T0 + 4 * H), goalMargin: 10 });
    let d = s.run(60);
    assert.equal(d.goal.state, 'planned');
    assert.equal(d.state, 'waiting');
    assert.equal(d.goal.deadline, T0 + 4 * H);
    const needS = (5000 / FULL_W) * 3600 * 1.1;
    assert.equal(d.goal.slots[0]!.end, T0 + 4 * H);
    assert.ok(Math.abs(d.goal.slots[0]!.start - (T0 + 4 * H - needS * 1000)) < 1000);
    d = s.run(4 * 3600 - 60);
    const started = s.decisions.find((x) => x.reason === 'goalLatest')!;
    assert.ok(started, 'started for the goal');
    assert.ok(Math.abs(started.time - (T0 + 4 * H - needS * 1000)) <= 2000, 'at the latest safe start');
    assert.equal(started.setpoint, 16);
    const reached = s.decisions.find((x) => x.reason === 'goalReached')!;
    assert.ok(reached.time <= T0 + 4 * H, 'in by the deadline');
    assert.ok(s.kwh() >= 5 && s.kwh() < 5.01);
    assert.equal(d.state, 'done');
    assert.match(reached.reasonText, /goal reached: 5 kWh of 5 kWh in/);
    const starts = s.decisions.filter((x) => x.command?.Paused === 0).length;
    assert.equal(starts, 1, 'one start: the plan does not stop and start as it shifts');
    const catalogue = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../nodes/locales/en-US/v2c-surplus.json'), 'utf8')) as { 'v2c-surplus': { status: Record<string, string> } };
    const status = statusOf(reached, false);
    assert.deepEqual([status.key, status.params.kwh], ['goalReached', 5]);
    assert.equal(statusOf(started, false).key, 'goal');
    for (const key of ['goal', 'goalReached', 'limitReached']) assert.equal(typeof catalogue['v2c-surplus'].status[key], 'string', key);
    const report = reportOf(reached, false);
    assert.equal(report.goal.state, 'reached');
    assert.equal(report.goal.deadline, new Date(T0 + 4 * H).toISOString());
  });

  it('with prices charges in the cheapest hours', () => {
    const prices = [0.3, 0.3, 0.1, 0.25, 0.3, 0.3].map((price, i) => ({ start: T0 + i * H, end: T0 + (i + 1) * H, price }));
    const s = night({ targetEnergy: 3, targetTime: hhmm(T0 + 6 * H) });
    s.run(5, { prices });
    assert.equal(s.decisions.at(-1)!.goal.slots.length, 1);
    s.run(6 * 3600 - 10);
    const charging = s.decisions.filter((x) => x.setpoint > 0);
    assert.ok(charging.every((x) => x.time > T0 + 2 * H && x.time <= T0 + 3 * H + 1000), 'only in the 0.1 hour');
    assert.ok(charging.every((x) => x.reason === 'goalCheap'));
    assert.ok(s.kwh() >= 3);
    assert.equal(s.decisions.at(-1)!.reason, 'goalReached');
  });

  it('while the sun is about, keeps grid time as late as still safe, whatever the prices', () => {
    const prices = [0.1, 0.3, 0.3, 0.3, 0.3, 0.3].map((price, i) => ({ start: T0 + i * H, end: T0 + (i + 1) * H, price }));
    // 2.3 kW of sun: 8 A from the surplus; the cheap first hour is not taken from the grid.
    const sunny = night({ targetEnergy: 6, targetTime: hhmm(T0 + 6 * H) }, 2300);
    sunny.run(3600, { prices });
    const first = sunny.decisions.filter((d) => d.time <= T0 + H);
    assert.ok(first.every((d) => !d.reason.startsWith('goal')), 'no grid charging in the cheap hour');
    assert.ok(first.at(-1)!.setpoint >= 8 && first.at(-1)!.setpoint < 16, 'charging from the sun');
    assert.equal(first.at(-1)!.goal.slots.at(-1)!.end, T0 + 6 * H, 'grid time reserved at the end');
    // The same in the dark: the cheap hour first.
    const dark = night({ targetEnergy: 6, targetTime: hhmm(T0 + 6 * H) }, 2300, 6 * 3600);
    dark.run(3600, { prices });
    assert.ok(dark.decisions.some((d) => d.reason === 'goalCheap' && d.setpoint === 16));
  });

  it('charges the minimum energy at once, then leaves it to the sun', () => {
    const s = night({ minimumEnergy: 1 });
    const d = s.run(30);
    assert.equal(d.reason, 'goalMinimum');
    assert.equal(d.setpoint, 16);
    s.run(3600);
    assert.ok(s.kwh() >= 1 && s.kwh() < 1.01);
    assert.equal(s.decisions.at(-1)!.state, 'waiting', 'no sun: paused after the minimum');
  });

  it('pauses at the session limit, in fast mode too', () => {
    const s = night({ mode: 'fast', sessionLimit: 2 });
    s.run(3600);
    assert.ok(s.kwh() >= 2 && s.kwh() < 2.01);
    assert.equal(s.decisions.at(-1)!.reason, 'limitReached');
    assert.match(s.decisions.at(-1)!.reasonText, /session limit reached: 2 kWh of 2 kWh/);
  });

  it('keeps the energy counted when the charger\'s counter restarts at a pause (no sessionEnergy), until the car is unplugged', () => {
    const c = new SurplusController({ ...EVCC_TIMERS, sessionLimit: 2 }, { now: T0 });
    const at = (s: number, kwh: number, extra = {}) => c.update({ gridW: 300, chargeEnergyKwh: kwh, carConnected: true, ...extra }, T0 + s * 1000);
    at(1, 1.5);
    assert.equal(at(2, 2).reason, 'limitReached');
    // ChargeEnergy restarts with the pause: the session still has its 2 kWh.
    const after = at(3, 0);
    assert.equal(after.reason, 'limitReached');
    assert.equal(after.goal.energyKwh, 2);
    assert.equal(at(4, 0.3).goal.energyKwh, 2.3);
    at(5, 0.3, { carConnected: false });
    const next = at(6, 0);
    assert.equal(next.goal.energyKwh, 0, 'a new session after the unplug');
    assert.notEqual(next.reason, 'limitReached');
  });

  it('takes the coordinator\'s sessionEnergy as it is, never piecing it together again', () => {
    const c = new SurplusController({ ...EVCC_TIMERS, sessionLimit: 3 }, { now: T0 });
    const at = (s: number, extra: object) => c.update({ gridW: 300, carConnected: true, ...extra }, T0 + s * 1000);
    at(1, { sessionEnergyKwh: 2, chargeEnergyKwh: 2 });
    // The coordinator's figure fell (its sum began again from the counter's segment): adding
    // the 2 kWh before to it would count that segment twice.
    assert.equal(at(2, { sessionEnergyKwh: 0.5 }).goal.energyKwh, 0.5);
    assert.equal(at(3, { sessionEnergyKwh: 0.7 }).goal.energyKwh, 0.7);
    assert.notEqual(at(4, { sessionEnergyKwh: 2.9 }).reason, 'limitReached');
    assert.equal(at(5, { sessionEnergyKwh: 3 }).reason, 'limitReached');
  });

  it('says when it cannot know the session energy, and leaves the sun to decide', () => {
    const c = new SurplusController({ ...EVCC_TIMERS, targetEnergy: 5, targetTime: '07:00' }, { now: T0 });
    const d = c.update({ gridW: 300 }, T0 + 1000);
    assert.equal(d.goal.state, 'noEnergy');
    assert.equal(d.state, 'waiting');
  });
});
