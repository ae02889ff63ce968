// One day replayed second by second: the site's physics (PV, house, home battery, a car
// behind a charger that takes a moment to follow), the meter as a controller sees it, the
// charger's telemetry, and the bookkeeping of where the car's energy came from.
'use strict';
const { seeded } = require('./random');
const { DAY_SECONDS, DAY_START_S } = require('./days');

const VOLTS = 230;
const MIN_AMPS = 6;
const MAX_AMPS = 16;
// A Trydan on Wi-Fi: a write lands about a second after it is sent; the car then needs a
// few seconds to change current, longer to start.
const WRITE_LATENCY_S = 1;
const CAR_DELAY_S = { change: 4, start: 8, stop: 2 };
const TELEMETRY_EVERY_S = 5;
// An epoch for the controllers' clock: the day starts at 06:00 UTC.
const EPOCH_MS = Date.UTC(2026, 5, 21) + DAY_START_S * 1000;

/**
 * Replays `day` with `controller` ({onMeter, onCharger, onTick}, each returning a command or
 * null; or {ideal: true} to set the car to perfect tracking each second). Returns the figures.
 */
function replay(day, controller, options = {}) {
  const staleLimitS = options.staleLimitS ?? Infinity;
  const noise = seeded(day.noiseSeed);
  const battery = day.battery ? { ...day.battery, soc: day.battery.socStart, w: 0 } : undefined;
  const charger = { Paused: 1, Intensity: MIN_AMPS, PauseDynamic: 1 };
  let carAmps = 0;
  let carNext; // { amps, at }
  const pending = []; // commands in flight: { at, command }
  let readBackAt = -1;
  const m = { carWh: 0, pvWh: 0, gridWh: 0, batteryWh: 0, starts: 0, writes: 0, staleOverMinS: 0 };
  let lastMeterAt = -1;
  const dropouts = day.dropouts;

  const send = (command, t) => {
    if (!command) return;
    const keys = Object.keys(command);
    if (keys.length === 0) return;
    m.writes += keys.length;
    pending.push({ at: t + WRITE_LATENCY_S, command });
  };
  const inDropout = (t) => dropouts.some(([a, b]) => t >= a && t < b);

  for (let t = 0; t < DAY_SECONDS; t++) {
    const now = EPOCH_MS + t * 1000;
    const pvW = day.pvW[t];
    const houseW = day.houseW[t];

    // Writes that reach the charger now, then the car following the charger.
    while (pending.length && pending[0].at <= t) {
      Object.assign(charger, pending.shift().command);
      readBackAt = t + 1;
    }
    if (controller.ideal) {
      carAmps = idealAmps(pvW, houseW, battery);
    } else {
      const wanted = charger.Paused === 0 ? Math.min(MAX_AMPS, charger.Intensity) : 0;
      const goal = carNext ? carNext.amps : carAmps;
      if (wanted !== goal) {
        const delay = carAmps === 0 ? CAR_DELAY_S.start : wanted === 0 ? CAR_DELAY_S.stop : CAR_DELAY_S.change;
        carNext = wanted === carAmps ? undefined : { amps: wanted, at: t + delay };
      }
      if (carNext && t >= carNext.at) {
        carAmps = carNext.amps;
        carNext = undefined;
      }
    }
    const carW = carAmps * VOLTS;
    const wasCharging = m.lastCarW > 0;
    if (carW > 0 && !wasCharging) m.starts++;
    m.lastCarW = carW;

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

    // The meter, unless it is silent.
    if (t % day.meterS === day.meterPhase && !inDropout(t)) {
      lastMeterAt = t;
      const reading = { gridW: Math.round(gridW + 15 * noise.normal()) };
      if (battery) Object.assign(reading, { batteryW: Math.round(batteryW), soc: Math.round(battery.soc * 10) / 10 });
      send(controller.onMeter(now, reading), t);
    }
    // A stale meter must not leave the car above the minimum for longer than the timeout
    // plus the time a write and the car take.
    if (t - lastMeterAt > staleLimitS + WRITE_LATENCY_S + CAR_DELAY_S.change + 1 && carAmps > MIN_AMPS) m.staleOverMinS++;

    // The charger's telemetry: every poll, and a read-back after each write.
    if (t % TELEMETRY_EVERY_S === 2 || t === readBackAt) {
      send(controller.onCharger(now, { carW, Paused: charger.Paused, Intensity: charger.Intensity, PauseDynamic: charger.PauseDynamic }, { carW, gridW, batteryW }), t);
    }
    send(controller.onTick(now, { carW }), t);
  }
  delete m.lastCarW;
  return m;
}

/** Perfect tracking: whole amps of what PV leaves (after a battery with priority), 6 A or nothing. */
function idealAmps(pvW, houseW, battery) {
  let spare = pvW - houseW;
  if (battery && battery.soc < battery.prioritySoc) spare -= Math.min(battery.maxChargeW, Math.max(0, spare));
  const amps = Math.floor(spare / VOLTS);
  return amps < MIN_AMPS ? 0 : Math.min(MAX_AMPS, amps);
}

module.exports = { replay, VOLTS, MIN_AMPS, MAX_AMPS, EPOCH_MS };
