#!/usr/bin/env node
// PV surplus on replayed days: the v2c-surplus controller against an evcc-style baseline and
// the ideal bound, on six seeded days (sunny, fast clouds, slow clouds, house load spikes, a
// home battery that fills, meter dropouts). Deterministic; runs in a few seconds.
// Run after `npm run build`: node bench/surplus.bench.js
'use strict';
const { runBench, formatTable, formatVariants, verdict } = require('./surplus/report');

const results = runBench();
console.log('Each day, with the default settings:\n');
console.log(formatTable(results));
console.log('\nThe issue\'s bar:\n');
for (const line of verdict(results).text) console.log(line);
console.log('\nAll six days together, with other settings:\n');
console.log(formatVariants(results));
