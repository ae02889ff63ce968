#!/usr/bin/env node
// How much the tolerant parser costs: a clean reading (strict JSON path) against each
// quirk fixture (jsonrepair path), as a ratio to JSON.parse of the clean body, all in one
// process and one run. Run after `npm run build`: node bench/parser.bench.js
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { parseRealtime } = require('../dist/src/trydan/telemetry');

const dir = path.join(__dirname, '..', 'test', 'fixtures', 'realtime');
const bodies = Object.fromEntries(
  fs.readdirSync(dir).filter((f) => f.endsWith('.txt')).map((f) => [f.replace(/\.txt$/, ''), fs.readFileSync(path.join(dir, f), 'utf8')]),
);

function opsPerSecond(fn, minMs = 300) {
  for (let i = 0; i < 2000; i++) fn(); // warm up
  let n = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (let i = 0; i < 500; i++) fn();
    n += 500;
    elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  }
  return (n / elapsed) * 1000;
}

// Warm every path first so the JIT does not favour whichever runs last; then take the
// best of three rounds for each, the baseline measured in every round too.
for (const body of Object.values(bodies)) for (let i = 0; i < 5000; i++) parseRealtime(body);
const best = { baseline: 0 };
for (let round = 0; round < 3; round++) {
  best.baseline = Math.max(best.baseline, opsPerSecond(() => JSON.parse(bodies['clean-2.5.0'])));
  for (const [name, body] of Object.entries(bodies)) best[name] = Math.max(best[name] ?? 0, opsPerSecond(() => parseRealtime(body)));
}
const baseline = best.baseline;
const rows = Object.keys(bodies).map((name) => ({ name, ops: best[name], ratio: baseline / best[name] }));

console.log(`JSON.parse of the clean body: ${Math.round(baseline).toLocaleString('en')} ops/s (baseline)`);
console.log('| fixture | parseRealtime ops/s | cost vs JSON.parse |');
console.log('|---|---:|---:|');
for (const r of rows) console.log(`| ${r.name} | ${Math.round(r.ops).toLocaleString('en')} | ${r.ratio.toFixed(1)}× |`);
