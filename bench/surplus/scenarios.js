// The scenarios: every day with every car (so each car meets every kind of day), the meter
// interval rotating through 1, 2, 5 and 10 s. The prompt car keeps each original day's own
// meter, so its rows compare with the figures recorded before issue 8.
'use strict';
const { DAYS, makeDay } = require('./days');
const { CARS } = require('./cars');

const METERS_S = [1, 2, 5, 10];
const POLL_S = 5;

/** [{name, dayIndex, carIndex, meterS, pollS}]: plain data, so a worker thread can take it. */
function scenarioList(options = {}) {
  const list = [];
  DAYS.forEach((day, d) => {
    CARS.forEach((car, c) => {
      const meterS = c === 0 ? day.meterS : METERS_S[(d + c) % METERS_S.length];
      const pollS = options.pollS ?? POLL_S;
      list.push({ name: `${day.name} · ${car.name} · meter ${meterS} s`, day: day.name, car: car.name, dayIndex: d, carIndex: c, meterS, pollS });
    });
  });
  return options.only ? list.filter((s) => options.only.some((o) => s.name.includes(o))) : list;
}

/** A scenario with its day's profiles and its car. */
function build(entry, days = new Map()) {
  if (!days.has(entry.dayIndex)) days.set(entry.dayIndex, makeDay(DAYS[entry.dayIndex]));
  const day = days.get(entry.dayIndex);
  return { ...entry, day, car: CARS[entry.carIndex], meterPhase: entry.meterS === day.meterS ? day.meterPhase : day.seed % entry.meterS };
}

module.exports = { scenarioList, build, METERS_S, POLL_S };
