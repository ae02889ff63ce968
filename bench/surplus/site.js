// One scenario replayed second by second: the site's physics (PV, house, home battery, a car
// behind a Trydan), the meter as a controller sees it, the charger's telemetry as the
// coordinator delivers it (a poll every few seconds and a read-back after each write), and
// the bookkeeping of where the car's energy came from.
'use strict';
const { seeded } = require('./random');
const { DAY_SECONDS, DAY_START_S } = require('./days');
const { makeCar, phasesOf } = require('./cars');
const { makeCharger, WRITE_LATENCY_S } = require('./charger');

const VOLTS = 230;
const MIN_AMPS = 6;
const MAX_AMPS = 16;
// The time a write and a car's change take, beyond which a stale meter must have acted.
const FOLLOW_S = 5;
// An epoch for the controllers' clock: the day starts at 06:00 UTC.
const EPOCH_MS = Date.UTC(2026, 5, 21) + DAY_START_S * 1000;

/** PV the car could take: PV minus the house, less what a battery with priority keeps. */
function pvSurplus(pvW, houseW, battery) {
  let spare = pvW - houseW;
  if (battery && battery.soc < battery.prioritySoc) spare -= Math.min(battery.maxChargeW, Math.max(0, spare));
  return spare;
}

/**
 * Replays a scenario ({day, car, meterS, meterPhase, pollS}) with `controller` ({onMeter,
 * onCharger, onTick}, each returning a command or null; or {ideal: true} for perfect
 * tracking). Returns the figures.
 */
function replay(sc, controller, options = {}) {
  const { day } = sc;
  const staleLimitS = options.staleLimitS ?? Infinity;
  // The day's own meter keeps the day's noise, so the prompt car's rows compare with old figures.
  const noise = seeded(day.noiseSeed + (sc.meterS === day.meterS ? 0 : sc.meterS));
  const battery = day.battery ? { ...day.battery, soc: day.battery.socStart, w: 0 } : undefined;
  const car = makeCar(sc.car, day.seed * 31 + 7);
  const charger = makeCharger(sc.car);
  const pollPhase = 2 % sc.pollS;
  let readBackAt = -1;
  let lastCarW = 0;
  const m = { carWh: 0, pvWh: 0, gridWh: 0, batteryWh: 0, starts: 0, writes: 0, staleOverMinS: 0, overshootS: 0, hotSwitches: 0, fullAtS: null };
  let lastMeterAt = -1;
  const inDropout = (t) => day.dropouts.some(([a, b]) => t >= a && t < b);
  const send = (command, t) => {
    m.writes += charger.write(command, t);
  };

  for (let t = 0; t < DAY_SECONDS; t++) {
    const now = EPOCH_MS + t * 1000;
    const pvW = day.pvW[t];
    const houseW = day.houseW[t];
    const spare = pvSurplus(pvW, houseW, battery);

    // Writes that reach the charger now, then the car following the charger.
    if (charger.land(t)) readBackAt = t + 1;
    if (controller.ideal) idealStep(car, spare);
    else car.step(t, charger.offer(), phasesOf(sc.car, charger.state.ChargeMode));
    const carW = car.amps * car.phases * VOLTS;
    if (carW > 0 && lastCarW === 0) m.starts++;
    lastCarW = carW;
    if (car.full && m.fullAtS === null) m.fullAtS = t;

    // The home battery zeroes the grid as far as it can, with a lag.
    let batteryW = 0;
    if (battery) {
      const need = houseW + carW - pvW; // >0: it would discharge
      let target = Math.max(-battery.maxChargeW, Math.min(battery.maxDischargeW, need));
      if (battery.soc >= 100 && target < 0) target = 0;
      if (battery.soc <= battery.minSoc && target > 0) target = 0;
      battery.w += (target - battery.w) * (1 - Math.exp(-1 / battery.tauS));
      battery.soc = Math.min(100, Math.max(0, battery.soc - (battery.w / 3600 / battery.capacityWh) * 100));
      batteryW = battery.w;
    }
    const gridW = houseW + carW - pvW - batteryW;

    // Where the car's energy came from: grid import and battery discharge first.
    const fromGrid = Math.min(carW, Math.max(0, gridW));
    const fromBattery = Math.min(carW - fromGrid, Math.max(0, batteryW));
    m.carWh += carW / 3600;
    m.gridWh += fromGrid / 3600;
    m.batteryWh += fromBattery / 3600;
    m.pvWh += (carW - fromGrid - fromBattery) / 3600;

    if (controller.ideal) continue;
    charger.account(carW);

    // Overshoot: the setpoint asks for more than the sun gives while the car has not yet
    // caught up with it (what a controller counting the commanded power as drawn does).
    const offer = charger.offer();
    if (offer > 0 && offer * car.phases * VOLTS > spare + VOLTS && car.catchingUp(offer)) m.overshootS++;

    // The meter, unless it is silent.
    if (t % sc.meterS === sc.meterPhase && !inDropout(t)) {
      lastMeterAt = t;
      const values = { gridW: Math.round(gridW + 15 * noise.normal()) };
      if (battery) Object.assign(values, { batteryW: Math.round(batteryW), soc: Math.round(battery.soc * 10) / 10 });
      // As a flow sends it: a bare number on topic "grid", or one object with the battery.
      const msg = battery ? { topic: 'meter', payload: { grid: values.gridW, battery: values.batteryW, soc: values.soc } } : { topic: 'grid', payload: values.gridW };
      send(controller.onMeter(now, msg, values), t);
    }
    if (t - lastMeterAt > staleLimitS + WRITE_LATENCY_S + FOLLOW_S && car.amps > MIN_AMPS) m.staleOverMinS++;

    // The charger's telemetry: every poll, and a read-back after each write.
    if (t % sc.pollS === pollPhase || t === readBackAt) {
      send(controller.onCharger(now, charger.reading(car, { houseW, pvW, batteryW, gridW })), t);
    }
    send(controller.onTick(now, { carW, phases: car.phases }), t);
  }
  m.hotSwitches = car.hotSwitches;
  return m;
}

/**
 * Perfect tracking: each second the best of whole amps on one or (when the car can) three
 * phases, the minimum or nothing, and no more than the car's battery accepts.
 */
function idealStep(car, spare) {
  const options = car.spec.phases === 'switch' ? [1, 3] : [car.spec.phases];
  let best = { amps: 0, phases: options[0], w: 0 };
  for (const phases of options) {
    let amps = Math.min(MAX_AMPS, Math.floor(spare / (phases * VOLTS)));
    if (amps < MIN_AMPS) amps = 0;
    const w = Math.min(amps, car.accepts()) * phases;
    if (w > best.w) best = { amps, phases, w };
  }
  car.set(best.amps, best.phases);
}

module.exports = { replay, pvSurplus, VOLTS, MIN_AMPS, MAX_AMPS, EPOCH_MS };
