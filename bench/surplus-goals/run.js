// Runs the goal scenarios (every case × day × car) with the four controllers, on worker
// threads when there are cores for it: each scenario is independent and deterministic.
'use strict';
process.env.TZ = 'UTC';
const os = require('node:os');
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');
const { DAYS, makeDay } = require('../surplus/days');
const { CARS } = require('../surplus/cars');
const { CASES, spanS } = require('./cases');
const { priceSeries } = require('./prices');
const { replay, DATE_MS } = require('./site');
const { ours, fullFromPlugIn, cheapestHours } = require('./controllers');

/** [{name, caseIndex, dayIndex, carIndex}]: plain data for the worker threads. */
function scenarioList(only) {
  const list = [];
  CASES.forEach((goal, g) =>
    DAYS.forEach((day, d) =>
      CARS.forEach((car, c) => list.push({ name: `${goal.name} · ${day.name} · ${car.name}`, goal: goal.name, day: day.name, car: car.name, caseIndex: g, dayIndex: d, carIndex: c })),
    ),
  );
  return only && only.length ? list.filter((s) => only.some((o) => s.name.includes(o))) : list;
}

function runOne(entry, days) {
  if (!days.has(entry.dayIndex)) days.set(entry.dayIndex, makeDay(DAYS[entry.dayIndex]));
  const goal = CASES[entry.caseIndex];
  const plugIn = DATE_MS + goal.plugInH * 3600_000;
  const deadline = plugIn + spanS(goal) * 1000;
  const sc = { day: days.get(entry.dayIndex), car: CARS[entry.carIndex], goal, prices: priceSeries(DAYS[entry.dayIndex].seed * 13 + entry.caseIndex, plugIn, deadline) };
  const targetWh = goal.targetKwh * 1000;
  const figures = (m) => ({
    ...m,
    // The charger counts to 10 Wh: within that the target is in.
    met: m.reachedAtS !== null,
    pvShare: m.carWh > 0 ? m.pvWh / m.carWh : 1,
    // The sun's share of the goal: PV in the first targetWh of the session (all of it when
    // the target was not reached), of the target.
    pvOfGoal: (m.pvAtTargetWh ?? m.pvWh) / targetWh,
  });
  return {
    ...entry,
    targetKwh: goal.targetKwh,
    ours: figures(replay(sc, ours(sc))),
    surplusOnly: figures(replay(sc, ours(sc, { goal: false }))),
    full: figures(replay(sc, fullFromPlugIn(sc))),
    cheapest: figures(replay(sc, cheapestHours(sc, deadline))),
  };
}

function runSerial(entries) {
  const days = new Map();
  return entries.map((e) => runOne(e, days));
}

async function runAll(entries, workers = Math.min(os.availableParallelism?.() ?? os.cpus().length, 4)) {
  if (workers <= 1 || entries.length < 2) return runSerial(entries);
  const shares = Array.from({ length: workers }, () => []);
  entries.forEach((e, i) => shares[i % workers].push(e));
  const parts = await Promise.all(
    shares
      .filter((s) => s.length)
      .map(
        (share) =>
          new Promise((resolve, reject) => {
            const w = new Worker(__filename, { workerData: { entries: share } });
            w.once('message', resolve);
            w.once('error', reject);
          }),
      ),
  );
  const byName = new Map(parts.flat().map((r) => [r.name, r]));
  return entries.map((e) => byName.get(e.name));
}

if (!isMainThread) parentPort.postMessage(runSerial(workerData.entries));

module.exports = { scenarioList, runAll, runSerial };
