import { strict as assert } from 'node:assert';
import {
  DEFAULT_ENVIRONMENT,
  houseLoadW,
  initialState,
  pvPowerW,
  step,
  TrydanSimulator,
  type Environment,
} from '../../src/sim';

// Local noon on a fixed day: PV is up, and results do not depend on today's date.
const NOON = new Date(2025, 5, 21, 12, 0, 0).getTime();
const CLEAR: Partial<Environment> = { cloudiness: 0 };

function simAt(options: ConstructorParameters<typeof TrydanSimulator>[0] = {}): { sim: TrydanSimulator; advance: (realMs: number) => void } {
  let t = 1_000_000;
  const sim = new TrydanSimulator({ startTime: NOON, now: () => t, environment: CLEAR, ...options });
  return { sim, advance: (ms) => void (t += ms) };
}

describe('sim physics', () => {
  describe('sun and house', () => {
    it('gives no PV at night and the configured peak at solar noon under a clear sky', () => {
      const env = { ...DEFAULT_ENVIRONMENT, cloudiness: 0, pvPeakW: 6000, sunriseHour: 7, sunsetHour: 19 };
      assert.equal(pvPowerW(new Date(2025, 5, 21, 3, 0).getTime(), env), 0);
      assert.equal(pvPowerW(new Date(2025, 5, 21, 22, 0).getTime(), env), 0);
      assert.equal(pvPowerW(new Date(2025, 5, 21, 13, 0).getTime(), env), 6000);
      const morning = pvPowerW(new Date(2025, 5, 21, 9, 0).getTime(), env);
      assert.ok(morning > 0 && morning < 6000);
    });

    it('lets clouds take PV away, deterministically', () => {
      const cloudy = { ...DEFAULT_ENVIRONMENT, cloudiness: 1 };
      const samples = Array.from({ length: 50 }, (_, i) => pvPowerW(NOON + i * 60_000, cloudy));
      assert.ok(Math.min(...samples) < Math.max(...samples), 'output varies');
      assert.deepEqual(samples, Array.from({ length: 50 }, (_, i) => pvPowerW(NOON + i * 60_000, cloudy)));
    });

    it('derives the house load from the seed alone', () => {
      const a = { ...DEFAULT_ENVIRONMENT, seed: 1 };
      const b = { ...DEFAULT_ENVIRONMENT, seed: 2 };
      const day = (env: Environment): number[] => Array.from({ length: 96 }, (_, i) => houseLoadW(NOON + i * 900_000, env));
      assert.deepEqual(day(a), day(a));
      assert.notDeepEqual(day(a), day(b));
      for (const w of day(a)) assert.ok(w >= a.houseBaseW, `house load ${w} below base`);
    });

    it('reaches the same state in one big step as in many small ones', () => {
      const env = { ...DEFAULT_ENVIRONMENT };
      const s0 = initialState({ time: NOON, carConnected: true }, env);
      const once = step(s0, 600_000, env);
      let many = s0;
      for (let i = 0; i < 60; i++) many = step(many, 10_000, env);
      assert.equal(once.time, many.time);
      assert.ok(Math.abs(once.session.energyKWh - many.session.energyKWh) < 1e-9);
      assert.deepEqual(once.settings, many.settings);
    });
  });

  describe('charging', () => {
    it('charges at Intensity × 230 V × phases', () => {
      const { sim } = simAt();
      sim.set({ Intensity: 10 });
      assert.equal(sim.state.ChargeState, 2);
      assert.equal(sim.state.ChargePower, 10 * 230);
      assert.equal(sim.state.IntensityMeasure_L1, 10);
      assert.equal(sim.state.IntensityMeasure_L2, 0);
      sim.set({ settings: { ChargeMode: 1 } });
      assert.equal(sim.state.ChargePower, 10 * 230 * 3);
      assert.equal(sim.state.IntensityMeasure_L3, 10);
      sim.set({ settings: { VoltageInstallation: 220 } });
      assert.equal(sim.state.ChargePower, 10 * 220 * 3);
    });

    it('reports GridPower = house + car − PV', () => {
      const { sim } = simAt();
      const s = sim.state;
      assert.equal(s.GridPower, s.HousePower + s.ChargePower - s.FVPower);
      assert.equal(s.BatteryPower, 0);
    });

    it('accumulates ChargeEnergy and ChargeTime while charging', () => {
      const { sim, advance } = simAt({ timeScale: 1 });
      advance(60_000);
      const s = sim.state;
      assert.equal(s.ChargeTime, 60);
      // 16 A × 230 V for one minute
      assert.equal(s.ChargeEnergy, Math.round(((16 * 230 * 60) / 3_600_000) * 100) / 100);
    });

    it('keeps ChargeState 2 after Paused=1, with zero power and reset counters', () => {
      const { sim, advance } = simAt();
      advance(600_000);
      assert.ok(sim.state.ChargeEnergy > 0);
      sim.set({ settings: { Paused: 1 } });
      let s = sim.state;
      assert.equal(s.ChargeState, 2, 'the firmware quirk: still 2 while paused');
      assert.equal(s.Paused, 1);
      assert.equal(s.ChargePower, 0);
      assert.equal(s.ChargeEnergy, 0);
      assert.equal(s.ChargeTime, 0);
      advance(600_000);
      s = sim.state;
      assert.equal(s.ChargeEnergy, 0, 'nothing accumulates while paused');
      assert.equal(s.ChargeState, 2);
      sim.set({ settings: { Paused: 0 } });
      advance(60_000);
      s = sim.state;
      assert.equal(s.ChargePower, 16 * 230);
      assert.equal(s.ChargeTime, 60, 'resume starts the counters from zero again');
    });

    it('resets ChargeEnergy on resume too, and on no other write', () => {
      const { sim, advance } = simAt();
      sim.set({ settings: { Paused: 1 } });
      // As firmware that keeps the counter while paused would show it.
      sim.set({ ChargeEnergy: 3.2 });
      sim.set({ settings: { Intensity: 10 } });
      assert.equal(sim.state.ChargeEnergy, 3.2, 'another write leaves the counter');
      sim.set({ settings: { Paused: 0 } });
      assert.equal(sim.state.ChargeEnergy, 0, 'resume restarts it');
      advance(600_000);
      assert.ok(sim.state.ChargeEnergy > 0);
    });

    it('speeds up energy with timeScale', () => {
      const slow = simAt({ timeScale: 1 });
      const fast = simAt({ timeScale: 60 });
      slow.advance(1000);
      fast.advance(1000);
      assert.equal(slow.sim.state.ChargeTime, 1);
      assert.equal(fast.sim.state.ChargeTime, 60);
      assert.equal(fast.sim.state.ChargeEnergy, Math.round(((16 * 230 * 60) / 3_600_000) * 100) / 100);
    });

    it('stops on Locked=1 (ChargeState 1) and starts a new session', () => {
      const { sim, advance } = simAt();
      advance(600_000);
      sim.set({ settings: { Locked: 1 } });
      assert.equal(sim.state.ChargeState, 1);
      assert.equal(sim.state.ChargePower, 0);
      assert.equal(sim.state.ChargeEnergy, 0);
    });

    it('has a car that starts drawing late after a resume and ramps, when told to', () => {
      const { sim, advance } = simAt();
      sim.set({ Intensity: 8, Paused: 1, carStartDelayS: 20, carRampS: 8 });
      sim.set({ Paused: 0 });
      advance(19_000);
      assert.equal(sim.state.ChargePower, 0, 'nothing for 20 s');
      assert.equal(sim.state.ChargeState, 1, 'connected, not yet charging');
      advance(5_000);
      assert.equal(sim.state.ChargePower, Math.round((8 * 230 * 4) / 8), 'half way up the ramp');
      advance(10_000);
      assert.equal(sim.state.ChargePower, 8 * 230);
      assert.equal(sim.state.ChargeState, 2);
    });

    it('follows the car: unplugged is ChargeState 0, plugging in starts a new session', () => {
      const { sim, advance } = simAt();
      advance(600_000);
      sim.unplug();
      assert.equal(sim.state.ChargeState, 0);
      assert.equal(sim.state.ChargePower, 0);
      assert.ok(sim.state.ChargeEnergy > 0, 'last session stays readable');
      sim.plugIn();
      assert.equal(sim.state.ChargeState, 2);
      assert.equal(sim.state.ChargeEnergy, 0);
      const noCar = simAt({ carConnected: false });
      assert.equal(noCar.sim.state.ChargeState, 0);
    });

    it('stops when the battery is full', () => {
      const { sim, advance } = simAt();
      sim.set({ carCapacityKWh: 10, carSocPercent: 99 });
      advance(60_000); // 0.1 kWh to go at 3.68 kW: ~98 s
      assert.equal(sim.state.ChargeState, 2);
      advance(120_000);
      assert.equal(sim.car.socPercent, 100);
      assert.equal(sim.state.ChargeState, 1);
      assert.equal(sim.state.ChargePower, 0);
    });

    it('reports failure states set by tests', () => {
      const { sim } = simAt();
      sim.set({ failure: 5 });
      assert.equal(sim.state.ChargeState, 5);
      assert.equal(sim.state.ChargePower, 0);
      sim.set({ failure: 0 });
      assert.equal(sim.state.ChargeState, 2);
    });
  });

  describe('dynamic control', () => {
    it('sets its own Intensity from the surplus while Dynamic=1 and PauseDynamic=0', () => {
      const { sim } = simAt({ environment: { cloudiness: 0, pvPeakW: 8000 } });
      sim.set({ settings: { PauseDynamic: 0, DynamicPowerMode: 3, MinIntensity: 6, MaxIntensity: 32 } });
      const site = sim.site;
      const expected = Math.min(32, Math.floor((site.pvW - site.houseW) / 230));
      assert.ok(expected >= 6, 'enough sun for the test');
      assert.equal(sim.state.Intensity, expected);
      assert.equal(sim.state.ChargePower, expected * 230);
    });

    it('does not charge in exclusive PV mode without surplus (night)', () => {
      const { sim } = simAt({ startTime: new Date(2025, 5, 21, 23, 0).getTime() });
      sim.set({ settings: { PauseDynamic: 0, DynamicPowerMode: 3 } });
      assert.equal(sim.state.ChargePower, 0);
      assert.equal(sim.state.ChargeState, 1);
      sim.set({ settings: { DynamicPowerMode: 2 } }); // PV + minimum power
      assert.equal(sim.state.ChargePower, 6 * 230);
    });

    it('applies the written Intensity once PauseDynamic=1', () => {
      const { sim } = simAt();
      sim.set({ settings: { PauseDynamic: 0, DynamicPowerMode: 5 } });
      assert.equal(sim.state.ChargePower, 0);
      sim.set({ settings: { PauseDynamic: 1, Intensity: 12 } });
      assert.equal(sim.state.ChargePower, 12 * 230);
    });

    it('stops reporting meter readings when Dynamic=0', () => {
      const { sim } = simAt();
      sim.set({ settings: { Dynamic: 0 } });
      const s = sim.state;
      assert.equal(s.HousePower, 0);
      assert.equal(s.FVPower, 0);
      assert.equal(s.GridPower, 0);
      assert.equal(s.ChargePower, 16 * 230, 'the charger still reports its own power');
      assert.ok(sim.site.pvW > 0, 'the sun still shines');
    });
  });

  it('is deterministic for a given seed and clock', () => {
    const a = simAt({ seed: 42, environment: { cloudiness: 0.7 } });
    const b = simAt({ seed: 42, environment: { cloudiness: 0.7 } });
    for (let i = 0; i < 5; i++) {
      a.advance(3_600_000);
      b.advance(3_600_000);
      assert.deepEqual(a.sim.state, b.sim.state);
    }
  });
});
