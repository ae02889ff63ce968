#!/usr/bin/env node
// PV surplus on replayed days (issue 8): every seeded day × every car, the meter every 1–10 s.
// The v2c-surplus controller with its defaults (fed as the node feeds it) against an
// evcc-style baseline and the ideal bound; tables per day, per car and in total, then the
// verdict. Deterministic, no network. Run after `npm run build`:
//   node bench/surplus.bench.js [--only <substring>]... [--scenarios] [--variants] [--json]
//                               [--poll <s>] [--workers <n>]
'use strict';
const { scenarioList } = require('./surplus/scenarios');
const { runAll } = require('./surplus/run');
const { formatTable, verdict, formatVariants, VARIANTS, totals, calmLine } = require('./surplus/report');

function args(argv) {
  const o = { only: [], scenarios: false, variants: false, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--only') o.only.push(argv[++i]);
    else if (a === '--scenarios') o.scenarios = true;
    else if (a === '--variants') o.variants = true;
    else if (a === '--json') o.json = true;
    else if (a === '--poll') o.pollS = Number(argv[++i]);
    else if (a === '--workers') o.workers = Number(argv[++i]);
    else throw new Error(`unknown argument ${a}; see the header of bench/surplus.bench.js`);
  }
  return o;
}

async function main() {
  const o = args(process.argv.slice(2));
  const started = Date.now();
  const list = scenarioList({ only: o.only.length ? o.only : undefined, pollS: o.pollS });
  if (list.length === 0) throw new Error('no scenario matches --only');
  const results = await runAll(list, {}, o.workers);
  const calm = await runAll(list, { calm: true, oursOnly: true }, o.workers);
  const variants = [];
  if (o.variants) for (const [label, settings] of VARIANTS) variants.push([label, await runAll(list, { settings, oursOnly: true }, o.workers)]);
  const v = verdict(results);
  if (o.json) {
    const out = { scenarios: results, totals: { ours: totals(results, 'ours'), baseline: totals(results, 'baseline'), ideal: totals(results, 'ideal'), calm: totals(calm, 'ours') }, verdict: v };
    if (o.variants) out.variants = variants.map(([label, rs]) => ({ label, totals: totals(rs, 'ours') }));
    console.log(JSON.stringify(out, null, 1));
    return;
  }
  console.log(`${list.length} scenarios (day · car · meter interval), default settings.\n`);
  if (o.scenarios) console.log(`Per scenario:\n\n${formatTable(results, 'name')}\n`);
  console.log(`Per day (all cars):\n\n${formatTable(results, 'day')}\n`);
  console.log(`Per car (all days):\n\n${formatTable(results, 'car')}\n`);
  console.log('Issue 8, for the defaults:\n');
  for (const line of v.text) console.log(line);
  console.log(`\nA documented choice, not the defaults:\n\n${calmLine(results, calm)}`);
  if (o.variants) console.log(`\nThe same scenarios with other settings:\n\n${formatVariants(results, variants)}`);
  console.log(`\n(${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
