// The controllers of the goal bench: ours (v2c-surplus with the goal, fed exactly as the node
// feeds it: meter and price messages through readMessage, the charger's readings through
// sampleOf), surplus only (v2c-surplus without a goal, for the PV share), and the two
// baselines of issue 11: full power from plug-in, and full power in the cheapest hours,
// ignoring the sun. The baselines stop once the target is in, as a charger's energy limit does.
'use strict';
const path = require('node:path');
const { VOLTS } = require('./site');

const { SurplusController, GridAssembler, readMessage, sampleOf, DEFAULT_METER } = require(path.join(__dirname, '..', '..', 'dist', 'src', 'surplus'));

const MAX_AMPS = 16;
const H = 3_600_000;

/** Full power of a car, W (three phases with phase switching). */
const fullW = (car) => MAX_AMPS * (car.phases === 1 ? 1 : 3) * VOLTS;
/** The write that sets a car to full power: three phases when it can switch. */
const fullCommand = (car) => ({ PauseDynamic: 1, Intensity: MAX_AMPS, ...(car.phases === 'switch' ? { ChargeMode: 1 } : {}), Paused: 0 });

/** v2c-surplus as the node runs it; `goal` false for surplus only. */
function ours(sc, { goal = true, settings = {} } = {}) {
  const g = sc.goal;
  const s = { ...sc.car.settings, ...(goal ? { targetEnergy: g.targetKwh, targetTime: g.targetTime } : {}), ...settings };
  let c;
  let grid;
  const make = (now) => {
    if (!c) {
      c = new SurplusController(s, { now, waitForCharger: true });
      grid = new GridAssembler(DEFAULT_METER.gridFormat, c.settings.staleTimeout * 1000);
    }
    return c;
  };
  return {
    name: goal ? 'v2c-surplus goal' : 'surplus only',
    onStart(now) {
      make(now);
      if (!goal) return null;
      // The price node's message, as a flow passes it on.
      const parsed = readMessage({ topic: 'prices', payload: sc.prices }, DEFAULT_METER);
      return c.update({}, now, { prices: parsed.prices }).command;
    },
    onMeter(now, msg) {
      const controller = make(now);
      const parsed = readMessage(msg, DEFAULT_METER);
      const gridW = grid.add(parsed.parts, now);
      return controller.update(gridW === undefined ? parsed.sample : { ...parsed.sample, gridW }, now).command;
    },
    onCharger: (now, reading) => make(now).update(sampleOf(reading, 'message', false), now).command,
    onTick: (now) => make(now).tick(now).command,
  };
}

/** Full power from plug-in until the target is in. */
function fullFromPlugIn(sc) {
  let on = true;
  return {
    name: 'full from plug-in',
    onStart: () => fullCommand(sc.car),
    onMeter: () => null,
    onCharger(_now, reading) {
      if (on && reading.sessionEnergy >= sc.goal.targetKwh) {
        on = false;
        return { Paused: 1 };
      }
      return null;
    },
    onTick: () => null,
  };
}

/**
 * Full power in the cheapest hours before the deadline, ignoring the sun: at plug-in the
 * cheapest hours (whole hours, the first and last cut at plug-in and the deadline) that hold
 * the target at the car's full power plus the same 10 % margin the goal plans with.
 */
function cheapestHours(sc, deadline) {
  const needMs = ((sc.goal.targetKwh * 1000) / fullW(sc.car)) * H * 1.1;
  let chosen = [];
  let done = false;
  let on = false;
  const plan = (plugIn) => {
    const slots = sc.prices
      .map((p) => ({ start: Math.max(plugIn, Date.parse(p.start)), end: Math.min(deadline, Date.parse(p.start) + H), price: p.price }))
      .filter((p) => p.end > p.start)
      .sort((a, b) => a.price - b.price);
    let got = 0;
    for (const s of slots) {
      if (got >= needMs) break;
      chosen.push(s);
      got += s.end - s.start;
    }
  };
  const decide = (now) => {
    const want = !done && chosen.some((s) => s.start <= now && now < s.end);
    if (want === on) return null;
    on = want;
    return want ? fullCommand(sc.car) : { Paused: 1 };
  };
  return {
    name: 'cheapest hours',
    onStart(now) {
      plan(now);
      return { PauseDynamic: 1, Paused: 1, ...decide(now) };
    },
    onMeter: () => null,
    onCharger(now, reading) {
      if (!done && reading.sessionEnergy >= sc.goal.targetKwh) done = true;
      return decide(now);
    },
    onTick: (now) => decide(now),
  };
}

module.exports = { ours, fullFromPlugIn, cheapestHours, fullW };
