#!/usr/bin/env node
// Two chargers on one site (issue 11): every replayed day of bench/surplus (twice its sun) ×
// two pairs of cars, one grid meter, a 25 A fuse. v2c-surplus as two site members (by priority,
// and evenly) against two baselines in the same run: two independent controllers each seeing
// the same meter (what two surplus nodes did before sites), and the same with the fuse split
// statically (each at most half of it). Reports the fuse (the highest current at it, seconds
// over) and the surplus used (PV into the cars, against the ideal: the most the two cars could
// take each second under the fuse, as far as their batteries accept). Deterministic, no network. Run after `npm run build`:
//   node bench/site.bench.js [--only <substring>]... [--scenarios] [--json]
'use strict';
process.env.TZ = 'UTC';
const { benchArgs } = require('./args');
const path = require('node:path');
const { DAYS, makeDay } = require('./surplus/days');
const { CARS } = require('./surplus/cars');
const { ours } = require('./surplus/controllers');
const { replay } = require('./surplus-site/replay');

const { SiteShare } = require(path.join(__dirname, '..', 'dist', 'src', 'surplus'));

const LIMIT_A = 25;
const PAIRS = [
  ['prompt', 'prompt'],
  // The three-phase car first (the higher priority): under a fuse that counts amps per phase it turns each amp into three times the power.
  ['three-phase', 'slow'],
];
const SITE = { site: 'home', siteCurrent: LIMIT_A };

/** The four ways of running two chargers on the site. */
const RUNS = {
  'site, priority': (member) => ours(member.sc, { ...SITE, siteSharing: 'priority', sitePriority: 2 - member.i }, { share: member.share, id: `c${member.i}` }),
  'site, even': (member) => ours(member.sc, { ...SITE, siteSharing: 'even' }, { share: member.share, id: `c${member.i}` }),
  'independent': (member) => ours(member.sc),
  'independent, fuse halved': (member) => ours(member.sc, { maxCurrent: Math.floor(LIMIT_A / 2) }),
};

function runScenario(day, pair) {
  const specs = pair.map((name) => CARS.find((c) => c.name === name));
  const sc = { day, cars: specs, meterS: day.meterS, meterPhase: day.meterPhase, limitA: LIMIT_A };
  const out = {};
  for (const [run, make] of Object.entries(RUNS)) {
    const share = new SiteShare('home');
    // Without the day's home battery: the bench's battery zeroes one charger's meter, not a site's.
    const controllers = specs.map((car, i) => make({ sc: { day: { ...day, battery: undefined }, car }, share, i }));
    out[run] = replay(sc, controllers);
  }
  const ideal = replay(sc, 'ideal');
  for (const run of Object.keys(out)) out[run].idealWh = ideal.pvWh;
  return out;
}

const kwh = (wh) => (wh / 1000).toFixed(1);
const pct = (x) => `${(x * 100).toFixed(1)} %`;

function totals(results, run) {
  const rs = results.map((r) => r.runs[run]);
  const sum = (k) => rs.reduce((s, m) => s + m[k], 0);
  return { maxA: Math.max(...rs.map((m) => m.maxA)), overS: sum('overS'), maxCountedA: Math.max(...rs.map((m) => m.maxCountedA)), countedOverS: sum('countedOverS'), pvWh: sum('pvWh'), idealWh: sum('idealWh'), gridWh: sum('gridWh'), starts: sum('starts'), writes: sum('writes') };
}

function table(rows) {
  const head = '| run | max A, controlled (s over) | max A, each second (s over) | PV into cars kWh | of the ideal | grid into cars kWh | starts | writes |';
  const lines = rows.map(([name, t]) => `| ${name} | ${t.maxCountedA.toFixed(1)} (${t.countedOverS}) | ${t.maxA.toFixed(1)} (${t.overS}) | ${kwh(t.pvWh)} | ${pct(t.pvWh / t.idealWh)} | ${kwh(t.gridWh)} | ${t.starts} | ${t.writes} |`);
  return [head, '|---|---:|---:|---:|---:|---:|---:|---:|', ...lines].join('\n');
}

function main() {
  const o = benchArgs(process.argv.slice(2), 'site.bench.js');
  const started = Date.now();
  const results = [];
  for (const spec of DAYS) {
    let day;
    for (const pair of PAIRS) {
      const name = `${spec.name} · ${pair.join(' + ')}`;
      if (o.only.length && !o.only.some((s) => name.includes(s))) continue;
      day ??= makeDay(spec);
      results.push({ name, runs: runScenario(day, pair) });
    }
  }
  if (results.length === 0) throw new Error('no scenario matches --only');
  const all = Object.keys(RUNS).map((run) => [run, totals(results, run)]);
  if (o.json) {
    console.log(JSON.stringify({ scenarios: results, totals: Object.fromEntries(all) }, null, 1));
    return;
  }
  console.log(`${results.length} scenarios (day · cars), one meter, a ${LIMIT_A} A fuse, twice the day's sun.\n`);
  if (o.scenarios) for (const r of results) console.log(`${r.name}:\n\n${table(Object.keys(RUNS).map((run) => [run, totals([r], run)]))}\n`);
  console.log(`In all:\n\n${table(all)}\n`);
  const ok = all.filter(([run]) => run.startsWith('site')).every(([, t]) => t.countedOverS === 0);
  console.log(`${ok ? 'PASS' : 'FAIL'}  the site's members never take the cars beyond the ${LIMIT_A} A fuse with the house as last measured`);
  for (const [run, t] of all.filter(([r]) => r.startsWith('site'))) {
    console.log(`info  ${run}: ${t.overS} s over the fuse counted each second (the house's import rising before the next reading), at most ${t.maxA.toFixed(1)} A`);
  }
  console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
  if (!ok) process.exitCode = 1;
}

main();
