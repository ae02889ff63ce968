// Two chargers on one site, replayed second by second: a day of bench/surplus with twice its
// sun (a house with two cars has the roof for them), two cars behind two Trydans (the cars and
// chargers of bench/surplus), one grid meter that both controllers are fed, and the fuse.
// Bookkeeping: the site's current at the fuse as the limit counts it, each second (a cloud or a
// kettle raises the house's import before any controller can answer) and as the controllers
// answer for it (the cars, and the house as the last reading showed it); where the cars'
// energy came from; and the ideal: the most sun the two cars could take each second under
// the fuse.
'use strict';
const { seeded } = require('../surplus/random');
const { DAY_SECONDS } = require('../surplus/days');
const { makeCar, phasesOf } = require('../surplus/cars');
const { makeCharger } = require('../surplus/charger');
const { VOLTS, MIN_AMPS, MAX_AMPS, EPOCH_MS } = require('../surplus/site');

const PV_SCALE = 2;
const POLL_S = 5;

/** Current per phase at the fuse as the site counts it: every car on one phase, the house's import over three. */
function fuseAmps(cars, gridW) {
  const carsW = cars.reduce((sum, c) => sum + c.amps * c.phases * VOLTS, 0);
  return cars.reduce((sum, c) => sum + c.amps, 0) + Math.max(0, gridW - carsW) / (3 * VOLTS);
}

/**
 * The ideal bound's second: the whole amps (0 or 6..16 each) that take the most of `spareW`
 * with `roomA` at the fuse and no more than each battery accepts; the cars draw them at once.
 */
function idealStep(cars, phases, spareW, roomA) {
  const amps = [0, ...Array.from({ length: MAX_AMPS - MIN_AMPS + 1 }, (_, i) => MIN_AMPS + i)];
  const drawW = (i, a) => Math.min(a, cars[i].accepts()) * phases[i] * VOLTS;
  let best = { w: 0, x: 0, y: 0 };
  for (const x of amps) {
    for (const y of amps) {
      const w = drawW(0, x) + drawW(1, y);
      if (x + y <= roomA && x * phases[0] * VOLTS + y * phases[1] * VOLTS <= spareW && w > best.w) best = { w, x, y };
    }
  }
  cars[0].set(best.x, phases[0]);
  cars[1].set(best.y, phases[1]);
}

/**
 * Replays `sc` ({day, cars: [spec, spec], meterS, meterPhase, limitA}) with two controllers
 * ({onMeter, onCharger, onTick} each, as bench/surplus/controllers.js makes them), or with
 * `'ideal'`: the most sun the two cars could take each second under the fuse.
 */
function replay(sc, controllers) {
  const { day } = sc;
  const noise = seeded(day.noiseSeed);
  const cars = sc.cars.map((spec, i) => makeCar(spec, day.seed * 31 + 7 + i));
  const chargers = sc.cars.map((spec) => makeCharger(spec));
  const fixedPhases = sc.cars.map((spec) => (spec.phases === 3 ? 3 : 1));
  const readBackAt = [-1, -1];
  const m = { carWh: 0, pvWh: 0, gridWh: 0, maxA: 0, overS: 0, maxCountedA: 0, countedOverS: 0, starts: 0, writes: 0, perCarWh: [0, 0] };
  let meterHouseW = 0;
  const drew = [false, false];
  for (let t = 0; t < DAY_SECONDS; t++) {
    const now = EPOCH_MS + t * 1000;
    const pvW = day.pvW[t] * PV_SCALE;
    const houseW = day.houseW[t];
    if (controllers === 'ideal') idealStep(cars, fixedPhases, pvW - houseW, sc.limitA);
    else {
      cars.forEach((car, i) => {
        if (chargers[i].land(t)) readBackAt[i] = t + 1;
        car.step(t, chargers[i].offer(), phasesOf(sc.cars[i], chargers[i].state.ChargeMode));
      });
    }
    const carW = cars.map((c) => c.amps * c.phases * VOLTS);
    const carsW = carW[0] + carW[1];
    const gridW = houseW + carsW - pvW;
    const fromGrid = Math.min(carsW, Math.max(0, gridW));
    m.carWh += carsW / 3600;
    m.gridWh += fromGrid / 3600;
    m.pvWh += (carsW - fromGrid) / 3600;
    carW.forEach((w, i) => {
      m.perCarWh[i] += w / 3600;
      if (w > 0 && !drew[i]) m.starts++;
      drew[i] = w > 0;
      chargers[i].account(w);
    });
    const amps = fuseAmps(cars, gridW);
    m.maxA = Math.max(m.maxA, amps);
    if (amps > sc.limitA + 1e-9) m.overS++;
    // What the controllers answer for: the cars, and the house as the last reading showed it.
    const counted = cars.reduce((sum, c) => sum + c.amps, 0) + meterHouseW / (3 * VOLTS);
    m.maxCountedA = Math.max(m.maxCountedA, counted);
    if (counted > sc.limitA + 1e-9) m.countedOverS++;
    if (controllers === 'ideal') continue;

    const send = (i, command) => {
      m.writes += chargers[i].write(command, t);
    };
    // One meter, both controllers.
    if (t % sc.meterS === sc.meterPhase) {
      const msg = { topic: 'grid', payload: Math.round(gridW + 15 * noise.normal()) };
      meterHouseW = Math.max(0, msg.payload - carsW);
      controllers.forEach((c, i) => send(i, c.onMeter(now, msg)));
    }
    controllers.forEach((c, i) => {
      if (t % POLL_S === 2 || t === readBackAt[i]) send(i, c.onCharger(now, chargers[i].reading(cars[i], { houseW, pvW, batteryW: 0, gridW })));
      send(i, c.onTick(now));
    });
  }
  return m;
}

module.exports = { replay, PV_SCALE };
