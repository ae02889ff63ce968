// Runs every day with every controller, prints the table, and checks the issue's bar.
'use strict';
const { DAYS, makeDay } = require('./days');
const { replay } = require('./site');
const { ours, evccBaseline, ideal } = require('./controllers');

function figures(m) {
  return {
    ...m,
    pvShare: m.carWh > 0 ? m.pvWh / m.carWh : 1,
  };
}

/** Every day × {ours, baseline, ideal}: [{day, ours, baseline, ideal}]. */
function runBench(options = {}) {
  const days = options.days ? DAYS.filter((d) => options.days.includes(d.name)) : DAYS;
  return days.map((spec) => {
    const day = makeDay(spec);
    const mine = ours(day, options.settings);
    const ourRun = replay(day, mine, { staleLimitS: 60 });
    return {
      day: spec.name,
      meterS: spec.meterS,
      ours: figures(ourRun),
      baseline: figures(replay(day, evccBaseline(day), { staleLimitS: 60 })),
      ideal: figures(replay(day, ideal())),
    };
  });
}

const kwh = (wh) => (wh / 1000).toFixed(2);
const pct = (x) => `${(x * 100).toFixed(1)} %`;

function formatTable(results) {
  const rows = [
    '| day (meter every) | controller | PV share | grid import while charging kWh | start/stop cycles | writes | car energy kWh | PV to car kWh (of ideal) | above min with stale meter s |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    for (const [label, f] of [['v2c-surplus', r.ours], ['evcc-style', r.baseline], ['ideal bound', r.ideal]]) {
      const ofIdeal = r.ideal.pvWh > 0 ? ` (${Math.round((f.pvWh / r.ideal.pvWh) * 100)} %)` : '';
      rows.push(
        `| ${label === 'v2c-surplus' ? `${r.day} (${r.meterS} s)` : ''} | ${label} | ${pct(f.pvShare)} | ${kwh(f.gridWh)} | ${f.starts} | ${label === 'ideal bound' ? '–' : f.writes} | ${kwh(f.carWh)} | ${kwh(f.pvWh)}${ofIdeal} | ${label === 'ideal bound' ? '–' : f.staleOverMinS} |`,
      );
    }
  }
  return rows.join('\n');
}

/** The issue's bar, day by day and on average. */
function verdict(results) {
  const text = [];
  let ok = true;
  const check = (pass, line) => {
    ok &&= pass;
    text.push(`${pass ? 'PASS' : 'FAIL'}  ${line}`);
  };
  for (const r of results) {
    check(r.ours.pvShare >= r.baseline.pvShare, `${r.day}: PV share ${pct(r.ours.pvShare)} vs baseline ${pct(r.baseline.pvShare)}`);
    check(r.ours.gridWh <= r.baseline.gridWh, `${r.day}: grid import ${kwh(r.ours.gridWh)} vs baseline ${kwh(r.baseline.gridWh)} kWh`);
    check(r.ours.staleOverMinS === 0, `${r.day}: ${r.ours.staleOverMinS} s above the minimum with a stale meter`);
  }
  const mean = (f) => results.reduce((a, r) => a + f(r), 0) / results.length;
  const gapOurs = mean((r) => r.ideal.pvShare - r.ours.pvShare);
  const gapBase = mean((r) => r.ideal.pvShare - r.baseline.pvShare);
  check(gapOurs < gapBase, `average gap to the ideal PV share: ours ${pct(gapOurs)}, baseline ${pct(gapBase)}`);
  const pvOurs = mean((r) => r.ours.pvWh / r.ideal.pvWh);
  const pvBase = mean((r) => r.baseline.pvWh / r.ideal.pvWh);
  text.push(`info  PV energy to the car, average share of the ideal's: ours ${pct(pvOurs)}, baseline ${pct(pvBase)}`);
  const startsOurs = results.reduce((a, r) => a + r.ours.starts, 0);
  const startsBase = results.reduce((a, r) => a + r.baseline.starts, 0);
  check(startsOurs * 2 <= startsBase, `start/stop cycles over all days: ours ${startsOurs}, baseline ${startsBase} (at most half)`);
  for (const r of results) text.push(`info  ${r.day}: cycles ${r.ours.starts} vs baseline ${r.baseline.starts}`);
  return { ok, text };
}

// What each choice costs or gains, over all six days (the settings a user is most likely to change).
const VARIANTS = [
  ['defaults', {}],
  ['start energy 0 (the start delay alone, as evcc)', { startEnergy: 0 }],
  ['bridge energy 0 (the stop delay alone, as evcc)', { bridgeEnergy: 0 }],
  ['both 0 (evcc\'s timers alone)', { startEnergy: 0, bridgeEnergy: 0 }],
  ['start energy 30 min at the minimum (690 Wh)', { startEnergy: 690 }],
  ['rounding: nearest', { rounding: 'nearest' }],
  ['rounding: PV ratio 70 %', { rounding: 'pvRatio', pvRatio: 70 }],
  ['no smoothing (rise 0 s, fall 0 s)', { riseTime: 0, fallTime: 0 }],
  ['minimum pause 0 s', { minPause: 0 }],
  ['stale meter: pause', { staleAction: 'pause' }],
];

function totals(results, pick) {
  const sum = (f) => results.reduce((a, r) => a + f(pick(r)), 0);
  return {
    pvShare: sum((f) => f.pvWh) / sum((f) => f.carWh),
    gridWh: sum((f) => f.gridWh),
    starts: sum((f) => f.starts),
    writes: sum((f) => f.writes),
    ofIdeal: results.reduce((a, r) => a + pick(r).pvWh / r.ideal.pvWh, 0) / results.length,
  };
}

function formatVariants(baselineResults) {
  const rows = [
    '| v2c-surplus settings | PV share | grid import while charging kWh | start/stop cycles | writes | PV to car, of ideal (day average) |',
    '|---|---:|---:|---:|---:|---:|',
  ];
  const line = (label, t) => rows.push(`| ${label} | ${pct(t.pvShare)} | ${kwh(t.gridWh)} | ${t.starts} | ${t.writes} | ${pct(t.ofIdeal)} |`);
  for (const [label, settings] of VARIANTS) line(label, totals(label === 'defaults' ? baselineResults : runBench({ settings }), (r) => r.ours));
  line('*evcc-style baseline*', totals(baselineResults, (r) => r.baseline));
  return rows.join('\n');
}

module.exports = { runBench, formatTable, formatVariants, verdict };
