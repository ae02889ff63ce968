#!/usr/bin/env node
// Charging goals on replayed days (issue 11): every case ("20 kWh by 07:00" from an evening
// plug-in, "15 kWh by 17:00" from a morning one) × every replayed day of bench/surplus ×
// every car, with an hourly day-ahead price series. v2c-surplus with the goal (fed as the node
// feeds it) against full power from plug-in and full power in the cheapest hours (ignoring
// the sun), and surplus-only charging for the PV share. Deterministic, no network. Run after
// `npm run build`:
//   node bench/goals.bench.js [--only <substring>]... [--scenarios] [--json] [--workers <n>]
'use strict';
process.env.TZ = 'UTC';
const { benchArgs } = require('./args');
const { scenarioList, runAll } = require('./surplus-goals/run');
const { formatTable, verdict, totals } = require('./surplus-goals/report');

async function main() {
  const o = benchArgs(process.argv.slice(2), 'goals.bench.js', { workers: 'number' });
  const started = Date.now();
  const list = scenarioList(o.only);
  if (list.length === 0) throw new Error('no scenario matches --only');
  const results = await runAll(list, o.workers);
  const v = verdict(results);
  if (o.json) {
    console.log(JSON.stringify({ scenarios: results, totals: Object.fromEntries(['ours', 'cheapest', 'full', 'surplusOnly'].map((k) => [k, totals(results, k)])), verdict: v }, null, 1));
    return;
  }
  console.log(`${list.length} scenarios (case · day · car), hourly prices, default settings.\n`);
  if (o.scenarios) console.log(`Per scenario:\n\n${formatTable(results, 'name')}\n`);
  console.log(`Per case:\n\n${formatTable(results, 'goal')}\n`);
  console.log(`Per car:\n\n${formatTable(results, 'car')}\n`);
  console.log('Issue 11, for the defaults:\n');
  for (const line of v.text) console.log(line);
  console.log(`\n(${((Date.now() - started) / 1000).toFixed(1)} s)`);
  if (!v.pass) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
