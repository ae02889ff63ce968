import { strict as assert } from 'node:assert';
import { type Command, type Decision, SurplusController } from '../../src/surplus';
import { T0 } from './surplus-site';

const VOLTS = 230;

/**
 * A car that takes its time, as many do: it starts drawing `startS` after a resume and then
 * ramps to the setpoint over `rampS`; a change of current ramps too. The grid meter reports
 * every second on its own (unpaired with the car's power); the charger's telemetry comes
 * every 5 s and right after each write, as the coordinator delivers it.
 */
function slowCarSite(options: { startS: number; rampS: number; surplusW: (t: number) => number; settings?: object }) {
  const c = new SurplusController({ minPause: 0, ...options.settings }, { now: T0, waitForCharger: true });
  const charger = { Paused: 1, Intensity: 6, PauseDynamic: 0 };
  let carW = 0;
  let resumedAt = -Infinity;
  const pending: { at: number; command: Command }[] = [];
  const decisions: Decision[] = [];
  const log: { t: number; carW: number; gridW: number; setpoint: number; allowedA: number }[] = [];
  let readBackAt = -1;
  const handle = (d: Decision, t: number) => {
    decisions.push(d);
    if (d.command) pending.push({ at: t + 1, command: d.command });
  };
  for (let t = 0; t < 900; t++) {
    const now = T0 + t * 1000;
    while (pending.length && pending[0]!.at <= t) {
      const { command } = pending.shift()!;
      if (command.Paused === 0 && charger.Paused === 1) resumedAt = t;
      Object.assign(charger, command);
      readBackAt = t + 1;
    }
    const target = charger.Paused === 0 && t >= resumedAt + options.startS ? charger.Intensity * VOLTS : 0;
    const step = (16 * VOLTS) / options.rampS; // W per second
    carW = target > carW ? Math.min(target, carW + step) : Math.max(target, carW - step * 2);
    const surplus = options.surplusW(t);
    const gridW = carW - surplus;
    log.push({ t, carW, gridW, setpoint: charger.Paused === 0 ? charger.Intensity : 0, allowedA: Math.floor(surplus / VOLTS) });
    handle(c.update({ gridW }, now), t);
    if (t % 5 === 0 || t === readBackAt) handle(c.update({ carW, charger: { ...charger } }, now), t);
    handle(c.tick(now), t);
  }
  return { decisions, log, charger };
}

describe('surplus controller: a car that starts drawing late and ramps', () => {
  it('never sets more current than the surplus allows while the car has yet to draw what it was told', () => {
    const s = slowCarSite({ startS: 20, rampS: 8, surplusW: () => 2000 });
    const allowed = Math.floor(2000 / VOLTS); // 8 A
    const over = s.log.filter((l) => l.setpoint > allowed);
    assert.equal(over.length, 0, `above ${allowed} A at ${over.slice(0, 5).map((l) => `${l.t} s: ${l.setpoint} A`).join(', ')}`);
    assert.equal(s.charger.Paused, 0, 'it did start');
    assert.equal(s.charger.Intensity, allowed, 'and settled where the surplus allows');
    const imported = s.log.filter((l) => l.gridW > 50);
    assert.ok(imported.length <= 3, `imported in ${imported.length} s`);
  });

  it('with the slowest cars too: 30 s before the first watt, 10 s of ramp', () => {
    const s = slowCarSite({ startS: 30, rampS: 10, surplusW: () => 2600 });
    assert.equal(s.log.filter((l) => l.setpoint > 11).length, 0);
    assert.equal(s.charger.Intensity, 11);
  });

  it('comes down at once when a cloud arrives before the change has shown', () => {
    // The car is told to start; while it has yet to draw, the surplus halves.
    const s = slowCarSite({ startS: 25, rampS: 8, surplusW: (t) => (t < 95 ? 3000 : 1500), settings: { startEnergy: 0 } });
    const start = s.decisions.find((d) => d.command?.Paused === 0)!;
    const startS = (start.time - T0) / 1000;
    assert.ok(startS < 95, `started at ${startS} s, before the cloud`);
    const after = s.log.filter((l) => l.t >= 110 && l.t < 300);
    assert.ok(after.every((l) => l.setpoint <= 6), 'held at the minimum under the cloud, not at the start current');
  });

  it('takes the car as it is once a change has not shown for a minute (a car that draws less than told)', () => {
    // A car that takes at most 10 A, whatever the charger allows, under 4 kW of surplus.
    const c = new SurplusController({ minPause: 0, startEnergy: 0 }, { now: T0, waitForCharger: true });
    const charger = { Paused: 1, Intensity: 6, PauseDynamic: 1 };
    const intensities: number[] = [];
    let d: Decision | undefined;
    for (let t = 0; t < 600; t++) {
      const now = T0 + t * 1000;
      const carW = charger.Paused === 0 ? Math.min(charger.Intensity, 10) * VOLTS : 0;
      const decisions = [c.update({ gridW: carW - 4000 }, now)];
      if (t % 5 === 0) decisions.push(c.update({ carW, charger: { ...charger } }, now));
      for (d of decisions) {
        if (!d.command) continue;
        Object.assign(charger, d.command);
        if (d.command.Intensity !== undefined) intensities.push(d.command.Intensity);
      }
    }
    assert.equal(charger.Paused, 0);
    assert.equal(d!.surplus.carPendingSeconds, null, 'no longer waiting for the car to show 16 A');
    assert.equal(Math.round(d!.surplus.rawW!), 4000, 'the car drawing 2300 W plus 1700 W export');
    assert.equal(charger.Intensity, 16);
    assert.ok(intensities.length <= 4, `current written ${intensities.join(', ')}`);
  });
});
