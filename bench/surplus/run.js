// Runs scenarios with the three controllers (or ours alone with other settings), on worker
// threads when there are several cores: each scenario is independent and deterministic.
'use strict';
const os = require('node:os');
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');
const { build } = require('./scenarios');
const { replay } = require('./site');
const { ours, evccBaseline, ideal, calmSettings } = require('./controllers');

const STALE_LIMIT_S = 60;

function figures(m, idealRun) {
  return {
    ...m,
    pvShare: m.carWh > 0 ? m.pvWh / m.carWh : 1,
    ofIdeal: idealRun ? (idealRun.pvWh > 0 ? m.pvWh / idealRun.pvWh : 1) : 1,
  };
}

/** One scenario: {name, day, car, meterS, ours, baseline?, ideal?}. */
function runOne(entry, job, days) {
  const sc = build(entry, days);
  const idealRun = replay(sc, ideal());
  const out = { name: entry.name, day: entry.day, car: entry.car, meterS: entry.meterS, pollS: entry.pollS };
  out.ideal = figures(idealRun, idealRun);
  const settings = job.calm ? calmSettings(sc) : job.settings;
  out.ours = figures(replay(sc, ours(sc, settings), { staleLimitS: STALE_LIMIT_S }), idealRun);
  if (!job.oursOnly) out.baseline = figures(replay(sc, evccBaseline(sc), { staleLimitS: STALE_LIMIT_S }), idealRun);
  return out;
}

function runSerial(entries, job) {
  const days = new Map();
  return entries.map((e) => runOne(e, job, days));
}

/** Runs `entries` on up to `workers` threads; results in the order given. */
async function runAll(entries, job = {}, workers = Math.min(os.availableParallelism?.() ?? os.cpus().length, 4)) {
  if (workers <= 1 || entries.length < 2) return runSerial(entries, job);
  // Scenarios of one day stay together so each thread makes a day once.
  const shares = Array.from({ length: workers }, () => []);
  const byDay = [...new Set(entries.map((e) => e.dayIndex))];
  const load = new Array(workers).fill(0);
  for (const d of byDay) {
    const group = entries.filter((e) => e.dayIndex === d);
    const w = load.indexOf(Math.min(...load));
    shares[w].push(...group);
    load[w] += group.length;
  }
  const parts = await Promise.all(
    shares
      .filter((s) => s.length)
      .map(
        (share) =>
          new Promise((resolve, reject) => {
            const w = new Worker(__filename, { workerData: { entries: share, job } });
            w.once('message', resolve);
            w.once('error', reject);
          }),
      ),
  );
  const byName = new Map(parts.flat().map((r) => [r.name, r]));
  return entries.map((e) => byName.get(e.name));
}

if (!isMainThread) parentPort.postMessage(runSerial(workerData.entries, workerData.job));

module.exports = { runAll, runSerial };
