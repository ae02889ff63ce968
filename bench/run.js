#!/usr/bin/env node
// Runs every bench/*.bench.js in turn (after `npm run build`); each prints its own table.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

for (const file of fs.readdirSync(__dirname).filter((f) => f.endsWith('.bench.js')).sort()) {
  console.log(`\n## ${file}\n`);
  execFileSync(process.execPath, [path.join(__dirname, file)], { stdio: 'inherit' });
}
