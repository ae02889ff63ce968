// The cars behind the charger. A car follows the charger's offer (Intensity while not paused,
// on the phases ChargeMode gives it) in its own time, and draws no more than its battery
// accepts: above ~80 % a battery's acceptance tapers and at 100 % the car stops drawing while
// the charger still says resumed. Each car has its own battery, so one that fills really
// reaches full on a sunny day.
'use strict';
const { seeded } = require('./random');

/**
 * The cars replayed. `follow`: 'prompt' (a fixed delay per kind of change) or 'slow' (starts
 * 15–30 s after a resume, seeded per start, and ramps over 5–10 s, on raises too).
 * `phases`: 1, 3, or 'switch' (three-phase capable; ChargeMode 0 = one phase, 1 = three).
 * `taper`: the battery's acceptance falls above 80 %; without it the car draws whatever it is
 * offered until full (the prompt car: today's bench car, never full in a day).
 */
const CARS = [
  { name: 'prompt', follow: 'prompt', phases: 1, maxAmps: 16, capacityWh: 1e9, socStart: 20, taper: false, settings: {} },
  { name: 'slow', follow: 'slow', phases: 1, maxAmps: 16, capacityWh: 58000, socStart: 30, taper: true, settings: {} },
  { name: 'fills', follow: 'prompt', phases: 1, maxAmps: 16, capacityWh: 28000, socStart: 40, taper: true, settings: {} },
  { name: 'three-phase', follow: 'prompt', phases: 3, maxAmps: 16, capacityWh: 77000, socStart: 50, taper: true, settings: { phases: 3 } },
  { name: 'phase switching', follow: 'prompt', phases: 'switch', maxAmps: 16, capacityWh: 77000, socStart: 50, taper: true, settings: { phaseSwitching: true } },
];

// Today's car: a change is followed after 4 s, a resume after 8 s, a pause after 2 s.
const PROMPT_S = { change: 4, start: 8, stop: 2 };
// The slow car: start and ramp windows (issue 8); it lowers its current within the 3 s a
// charger may expect (IEC 61851 gives a car 5 s).
const SLOW = { startS: [15, 30], rampS: [5, 10], lowerS: 3 };
// On-board charger losses: what reaches the battery.
const EFFICIENCY = 0.9;
const TAPER_FROM = 80;
// Acceptance falls as the square root of the room left: fast near 80 %, slow near 100 %.
const TAPER_FLOOR = 0.1;

/** What a battery at `soc` % accepts, A per phase (maxAmps up to the taper, then falling). */
function acceptance(car, soc) {
  if (soc >= 100) return 0;
  if (!car.taper || soc <= TAPER_FROM) return car.maxAmps;
  return car.maxAmps * Math.max(TAPER_FLOOR, Math.sqrt((100 - soc) / (100 - TAPER_FROM)));
}

/** The phases the car charges on with this ChargeMode. */
function phasesOf(car, chargeMode) {
  if (car.phases === 'switch') return chargeMode === 1 ? 3 : 1;
  return car.phases;
}

/**
 * One car's state through a day: `step(t, offerAmps, phases)` once a second returns the amps
 * it draws per phase and on how many phases; `soc`, `full`.
 */
function makeCar(spec, seed) {
  const rng = seeded(seed);
  const car = { spec, soc: spec.socStart, amps: 0, phases: phasesOf(spec, spec.phases === 3 ? 1 : 0), hotSwitches: 0 };
  // What the car is following: the setpoint it last saw, and when it reaches it.
  let goal = 0;
  let next; // prompt: { amps, at }; slow: { amps, startAt, rate }
  let drawn = 0; // amps before the battery's cap

  const promptStep = (t, offer) => {
    const pending = next ? next.amps : goal;
    if (offer !== pending) {
      const delay = drawn === 0 ? PROMPT_S.start : offer === 0 ? PROMPT_S.stop : PROMPT_S.change;
      next = offer === drawn ? undefined : { amps: offer, at: t + delay };
      goal = offer;
    }
    if (next && t >= next.at) {
      drawn = next.amps;
      next = undefined;
    }
  };

  const slowStep = (t, offer) => {
    if (offer !== goal) {
      goal = offer;
      if (offer === 0) next = { amps: 0, startAt: t + SLOW.lowerS, rate: Infinity };
      else if (drawn === 0 && !(next && next.amps > 0 && next.startAt > t)) next = { amps: offer, startAt: t + Math.round(rng.between(...SLOW.startS)), rate: offer / rng.between(...SLOW.rampS) };
      else if (drawn === 0) next.amps = offer; // still waiting to start: the start time holds
      else if (offer < drawn) next = { amps: offer, startAt: t + SLOW.lowerS, rate: Infinity };
      else next = { amps: offer, startAt: t + 1, rate: (offer - drawn) / rng.between(...SLOW.rampS) };
    }
    if (next && t >= next.startAt) {
      const step = Math.min(Math.abs(next.amps - drawn), next.rate);
      drawn += Math.sign(next.amps - drawn) * step;
      if (Math.abs(next.amps - drawn) < 1e-9) {
        drawn = next.amps;
        next = undefined;
      }
    }
  };

  car.step = (t, offer, phases) => {
    // A phase switch: a drawing car stops and starts over on the new phases. Under load
    // (the charger not paused first) it is what the pause around a switch must prevent.
    if (phases !== car.phases) {
      if (car.amps > 0) {
        if (offer > 0) car.hotSwitches++;
        drawn = 0;
        goal = 0;
        next = undefined;
      }
      car.phases = phases;
    }
    if (spec.follow === 'slow') slowStep(t, offer);
    else promptStep(t, offer);
    car.amps = Math.min(drawn, acceptance(spec, car.soc));
    car.soc = Math.min(100, car.soc + (car.amps * car.phases * 230 * EFFICIENCY * 100) / 3600 / spec.capacityWh);
    return car.amps;
  };
  /** The ideal bound's car: draws what it is offered at once (as far as its battery accepts). */
  car.set = (offer, phases) => {
    car.phases = phases;
    car.amps = Math.min(offer, acceptance(spec, car.soc));
    car.soc = Math.min(100, car.soc + (car.amps * car.phases * 230 * EFFICIENCY * 100) / 3600 / spec.capacityWh);
    return car.amps;
  };
  car.accepts = () => acceptance(spec, car.soc);
  /** Still catching up with the offer (not a battery that accepts less). */
  car.catchingUp = (offer) => car.amps < Math.min(offer, acceptance(spec, car.soc)) - 0.5;
  Object.defineProperty(car, 'full', { get: () => car.soc >= 100 });
  return car;
}

module.exports = { CARS, makeCar, phasesOf, acceptance };
