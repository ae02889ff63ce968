// One goal scenario replayed second by second from plug-in to the deadline: PV and house from
// a replayed day of bench/surplus (no sun and a quiet house between 21:00 and 06:00), a car
// behind a Trydan (bench/surplus cars and charger), the meter and the charger's telemetry as
// the node gets them, and the bookkeeping: energy into the car, from the sun and the grid,
// and what the grid's share cost at the hour's price.
'use strict';
const { seeded } = require('../surplus/random');
const { DAY_SECONDS, DAY_START_S } = require('../surplus/days');
const { makeCar, phasesOf } = require('../surplus/cars');
const { makeCharger } = require('../surplus/charger');
const { priceAt } = require('./prices');
const { spanS } = require('./cases');

const VOLTS = 230;
const POLL_S = 5;
// The replayed date, 00:00 UTC.
const DATE_MS = Date.UTC(2026, 5, 21);

/** PV and house at a second of the day: the day's profile from 06:00 to 21:00, night otherwise. */
function siteAt(day, secondOfDay) {
  const i = secondOfDay - DAY_START_S;
  if (i >= 0 && i < DAY_SECONDS) return { pvW: day.pvW[i], houseW: day.houseW[i] };
  // Night: the base load and a cycling fridge.
  return { pvW: 0, houseW: 280 + ((secondOfDay % 2400) < 900 ? 110 : 0) };
}

/**
 * Replays `sc` ({day, car, goal: a case, prices}) with `controller` ({onStart, onMeter,
 * onCharger, onTick}, each returning a command or null). Returns the figures.
 */
function replay(sc, controller) {
  const { day, goal } = sc;
  const plugIn = DATE_MS + goal.plugInH * 3600_000;
  const span = spanS(goal);
  const noise = seeded(day.noiseSeed);
  const car = makeCar(sc.car, day.seed * 31 + 7);
  const charger = makeCharger(sc.car);
  const pollPhase = 2;
  let readBackAt = -1;
  let sessionWh = 0;
  let lastCarW = 0;
  const m = { carWh: 0, pvWh: 0, gridWh: 0, costEur: 0, starts: 0, writes: 0, reachedAtS: null, pvAtTargetWh: null };
  const send = (command, t) => {
    m.writes += charger.write(command, t);
  };
  send(controller.onStart(plugIn), 0);
  for (let t = 0; t < span; t++) {
    const now = plugIn + t * 1000;
    const secondOfDay = (goal.plugInH * 3600 + t) % 86400;
    const { pvW, houseW } = siteAt(day, secondOfDay);
    if (charger.land(t)) readBackAt = t + 1;
    car.step(t, charger.offer(), phasesOf(sc.car, charger.state.ChargeMode));
    const carW = car.amps * car.phases * VOLTS;
    if (carW > 0 && lastCarW === 0) m.starts++;
    lastCarW = carW;
    const gridW = houseW + carW - pvW;
    const fromGrid = Math.min(carW, Math.max(0, gridW));
    m.carWh += carW / 3600;
    m.gridWh += fromGrid / 3600;
    m.pvWh += (carW - fromGrid) / 3600;
    m.costEur += (fromGrid / 3_600_000) * priceAt(sc.prices, now);
    charger.account(carW);
    sessionWh += carW / 3600;
    // The target is in (the charger counts to 10 Wh): the sun's share of the goal's energy.
    if (m.reachedAtS === null && sessionWh >= goal.targetKwh * 1000 - 10) {
      m.reachedAtS = t;
      m.pvAtTargetWh = m.pvWh;
    }

    if (t % day.meterS === day.meterPhase % day.meterS) send(controller.onMeter(now, { topic: 'grid', payload: Math.round(gridW + 15 * noise.normal()) }), t);
    if (t % POLL_S === pollPhase || t === readBackAt) {
      // The session's energy summed across pauses, as realtime-in delivers it (issue 11 deliver
      // 1); the charger's own ChargeEnergy restarts at every pause.
      const reading = { ...charger.reading(car, { houseW, pvW, batteryW: 0, gridW }), sessionEnergy: Math.round(sessionWh / 10) / 100 };
      send(controller.onCharger(now, reading), t);
    }
    send(controller.onTick(now), t);
  }
  return m;
}

module.exports = { replay, DATE_MS, VOLTS };
