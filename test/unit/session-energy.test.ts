import { strict as assert } from 'node:assert';
import { ENERGY_LIMITS, type EnergyState, figuresOf, parseEnergyState, takeReading } from '../../src/trydan/session-energy';
import type { Reading } from '../../src/trydan/telemetry';

const T0 = Date.UTC(2026, 5, 1, 10);
/** Charging (ChargeState 2), paused (2 with power 0), plugged idle (1), unplugged (0). */
const charging = (kWh: number | undefined, W = 7400): Reading => ({ ChargeState: 2, Paused: 0, ChargePower: W, ...(kWh === undefined ? {} : { ChargeEnergy: kWh }) });
const paused = (kWh: number | undefined): Reading => ({ ChargeState: 2, Paused: 1, ChargePower: 0, ...(kWh === undefined ? {} : { ChargeEnergy: kWh }) });
const unplugged = (kWh: number): Reading => ({ ChargeState: 0, Paused: 0, ChargePower: 0, ChargeEnergy: kWh });

/** Feeds readings at the given seconds after T0; returns the last state. */
function run(steps: Array<[number, Reading]>, from?: EnergyState): EnergyState {
  let s = from;
  for (const [sec, r] of steps) s = takeReading(s, r, T0 + sec * 1000);
  return s!;
}

const session = (s: EnergyState) => figuresOf(s).sessionEnergy;
const lifetime = (s: EnergyState) => figuresOf(s).lifetimeEnergy;
/** kWh at W for seconds. */
const at = (W: number, sec: number) => (W * sec) / 3_600_000;

describe('session energy accumulator', () => {
  it('follows the charger counter while it grows', () => {
    const s = run([[0, charging(0)], [5, charging(0.01)], [10, charging(0.02)], [3600, charging(7.4)]]);
    assert.equal(session(s), 7.4);
    assert.equal(lifetime(s), 7.4);
    assert.equal(figuresOf(s).sessionEnergySource, 'charger');
  });

  it('sums the counter across a pause and a resume, which both reset it', () => {
    // Pause between the polls at 100 s and 105 s: the counter shows 0 from the pause on.
    const s = run([[0, charging(0)], [100, charging(0.2)], [105, paused(0)], [500, paused(0)], [505, charging(0.01)], [905, charging(0.83)]]);
    // 0.2 + half of the last gap's 5 s at 7.4 kW (estimated) + 0.83
    const expected = 0.2 + at(7400, 5) / 2 + 0.83;
    assert.ok(Math.abs(session(s) - expected) < 0.001, `${session(s)} vs ${expected}`);
    assert.ok(Math.abs(lifetime(s) - expected) < 0.001);
  });

  it('counts a counter that keeps its value while paused and resets at resume', () => {
    const s = run([[0, charging(0)], [100, charging(0.2)], [105, paused(0.2)], [500, paused(0.2)], [505, charging(0.01)], [510, charging(0.02)]]);
    // The power was 0 at the last poll before the reset: nothing was lost in that gap.
    assert.equal(session(s), 0.22);
  });

  it('estimates the energy lost when the firmware resets the counter without a pause', () => {
    // Steady 7.4 kW; reset 2 s after the poll at 100 s: the poll at 105 s shows 3 s worth.
    const s = run([[0, charging(0)], [100, charging(at(7400, 100))], [105, charging(at(7400, 3))]]);
    assert.ok(Math.abs(session(s) - at(7400, 105)) < 0.001, `${session(s)} vs ${at(7400, 105)}`);
  });

  it('bounds the estimate of a missed poll by the last power over the gap', () => {
    // A 60 s gap with a pause in it: at most 60 s at the last power, half of it expected.
    const s = run([[0, charging(0)], [30, charging(0.06)], [90, paused(0)]]);
    const estimate = session(s) - 0.06;
    assert.ok(estimate >= 0 && estimate <= at(7400, 60), `estimate ${estimate}`);
    assert.ok(Math.abs(estimate - at(7400, 60) / 2) < 0.001);
  });

  it('estimates nothing over a gap longer than the limit', () => {
    const gap = ENERGY_LIMITS.MAX_GAP_MS / 1000 + 60;
    const s = run([[0, charging(0)], [30, charging(0.06)], [30 + gap, paused(0)]]);
    assert.equal(session(s), 0.06);
  });

  it('does not count rounding noise as a reset', () => {
    const s = run([[0, charging(0)], [3600, charging(5.23)], [3605, charging(5.22)], [3610, charging(5.24)]]);
    assert.equal(session(s), 5.24);
    assert.equal(lifetime(s), 5.24);
  });

  it('ends the session when the car is unplugged and ignores the counter left showing', () => {
    let s = run([[0, charging(0)], [3600, charging(7.4)], [3605, unplugged(7.4)]]);
    assert.equal(session(s), 0);
    assert.equal(lifetime(s), 7.4);
    s = run([[3700, unplugged(7.4)], [3800, { ChargeState: 1, Paused: 0, ChargePower: 0, ChargeEnergy: 7.4 }]], s);
    assert.equal(session(s), 0, 'a new plug-in does not count the last session again');
    s = run([[3805, charging(0.01)], [3810, charging(0.02)]], s);
    assert.equal(session(s), 0.02);
    assert.equal(lifetime(s), 7.42);
  });

  it('counts a new plug-in seen only after its counter already grew', () => {
    let s = run([[0, unplugged(7.4)]]);
    assert.equal(lifetime(s), 0);
    s = run([[30, charging(0.03)]], s);
    assert.equal(session(s), 0.03);
    assert.equal(lifetime(s), 0.03);
  });

  it('starts a session already running with what the counter shows', () => {
    const s = run([[0, charging(3.2)], [5, charging(3.21)]]);
    assert.equal(session(s), 3.21);
    assert.equal(lifetime(s), 3.21);
  });

  it('integrates ChargePower when the firmware sends no ChargeEnergy', () => {
    const hour: Array<[number, Reading]> = Array.from({ length: 60 }, (_, i) => [10 + 60 * (i + 1), charging(undefined, 7200)]);
    const s = run([[0, charging(undefined, 0)], [10, charging(undefined, 7200)], ...hour, [3620, paused(undefined)]]);
    const expected = at(7200, 10) / 2 + at(7200, 3600) + at(7200, 10) / 2;
    assert.ok(Math.abs(session(s) - expected) < 0.001, `${session(s)} vs ${expected}`);
    assert.equal(figuresOf(s).sessionEnergySource, 'integrated');
  });

  it('integrates coarse cloud readings (90 s) and keeps the counter it had before', () => {
    let s = run([[0, charging(1)], [90, charging(1.18)]]);
    s = run([[180, charging(undefined, 7200)], [270, charging(undefined, 7200)]], s);
    assert.ok(Math.abs(session(s) - (1.18 + (7200 * 90) / 3_600_000 + (7400 + 7200) / 2 * 90 / 3_600_000)) < 0.001, String(session(s)));
    // The counter back: that gap integrated, then counted from where the counter is, not from zero.
    const before = session(s);
    s = run([[360, charging(2.5)], [450, charging(2.68)]], s);
    assert.ok(Math.abs(session(s) - (before + at(7300, 90) + 0.18)) < 0.001, String(session(s)));
    assert.equal(figuresOf(s).sessionEnergySource, 'charger');
  });

  it('continues the sum after a restart from the stored state', () => {
    const stored = JSON.parse(JSON.stringify(run([[0, charging(0)], [600, charging(1.2)], [605, paused(0)], [700, charging(0.1)]]))) as unknown;
    const restored = parseEnergyState(stored)!;
    assert.ok(restored);
    // Node-RED was away 2 min; the charger kept counting the same segment.
    const s = run([[820, charging(0.35)]], restored);
    assert.ok(Math.abs(session(s) - (session(restored) + 0.25)) < 0.001);
    // ...or it reset meanwhile (a pause and resume): the counter is lower, the car stayed plugged.
    const r = run([[820, charging(0.05)]], restored);
    assert.ok(session(r) >= session(restored) + 0.05, `${session(r)} after ${session(restored)}`);
  });

  it('refuses a damaged stored state', () => {
    assert.equal(parseEnergyState({ at: 1, plugged: true }), undefined);
    assert.equal(parseEnergyState({ at: 1, plugged: true, carried: -1, base: 0, power: 0, lifetime: 0, source: 'charger' }), undefined);
    assert.equal(parseEnergyState({ at: 1, plugged: true, carried: 0, base: 5, last: 1, power: 0, lifetime: 0, source: 'charger' }), undefined);
    assert.equal(parseEnergyState(null), undefined);
  });

  it('does not integrate across a clock that went back, and goes on from the new time', () => {
    let s = run([[0, charging(undefined)], [10, charging(undefined)]]);
    const before = session(s);
    s = run([[-3600, charging(undefined)]], s);
    assert.equal(session(s), before, 'nothing across the jump');
    s = run([[-3590, charging(undefined)]], s);
    assert.ok(Math.abs(session(s) - (before + at(7400, 10))) < 0.001);
  });

  it('follows the counter across a clock that jumped forward, within what the power allows', () => {
    const s = run([[0, charging(1)], [86_400 * 365, charging(1.01)]]);
    assert.equal(session(s), 1.01);
  });

  it('refuses negative, non-finite and absurd counters and power', () => {
    const good = run([[0, charging(1)], [5, charging(1.01)]]);
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, 1e9, '7' as unknown as number]) {
      const s = run([[10, charging(bad)]], good);
      assert.deepEqual(s, good, `ChargeEnergy ${String(bad)}`);
    }
    const s = run([[10, charging(undefined, 1e9)], [20, charging(undefined, 1e9)]], run([[0, charging(undefined, 0)]]));
    assert.equal(session(s), 0, 'absurd power is taken as 0');
  });

  it('refuses a jump the power cannot explain, and a jump that stays starts a segment there', () => {
    const good = run([[0, charging(1)], [5, charging(1.01)]]);
    const glitch = run([[10, charging(900)], [15, charging(1.03)]], good);
    assert.equal(session(glitch), 1.03, 'a one-off jump is ignored');
    assert.equal(lifetime(glitch), 1.03);
    const stays = run([[10, charging(500)], [15, charging(500.01)], [20, charging(500.02)]], good);
    assert.equal(session(stays), 1.03, 'the jump itself is never counted');
    assert.equal(lifetime(stays), 1.03);
  });

  it('takes a ChargeTime that went back as a reset, even when the new counter is higher', () => {
    // Node-RED away 6 min; meanwhile a pause and resume, and the new segment passed the old value.
    const t = (kWh: number, sec: number): Reading => ({ ...charging(kWh), ChargeTime: sec });
    const s = run([[0, t(0, 0)], [300, t(0.6, 300)], [660, t(0.7, 200)]]);
    assert.ok(session(s) >= 1.3 - 0.001, String(session(s)));
    const steady = run([[0, t(0, 0)], [60, t(0.12, 60)], [120, t(0.24, 120)]]);
    assert.equal(session(steady), 0.24);
  });

  it('refuses a drop the power cannot explain, and a drop that stays starts a segment there', () => {
    const good = run([[0, charging(0)], [3600, charging(5)]]);
    const stays = run([[3605, charging(4)], [3610, charging(4.01)], [3615, charging(4.02)]], good);
    assert.equal(session(stays), 5.02);
    const once = run([[3605, charging(4)], [3610, charging(5.01)]], good);
    assert.equal(session(once), 5.01);
  });

  it('keeps the lifetime growing over many sessions and never lowers it', () => {
    let s: EnergyState | undefined;
    let t = 0;
    for (let day = 0; day < 3; day++) {
      s = run([[t, unplugged(s ? 5 : 0)], [t + 10, charging(0)], [t + 3610, charging(5)], [t + 3620, unplugged(5)]], s);
      t += 86_400;
    }
    assert.equal(lifetime(s!), 15);
    assert.equal(session(s!), 0);
  });
});
