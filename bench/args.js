// The command line of the replay benches: `--only <substring>` (repeatable), `--scenarios`,
// `--json`, and each bench's own options (`own`: name → 'flag' or 'number').
'use strict';

function benchArgs(argv, file, own = {}) {
  const o = { only: [], scenarios: false, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const name = a.replace(/^--/, '');
    if (a === '--only') o.only.push(argv[++i]);
    else if (a === '--scenarios' || a === '--json') o[name] = true;
    else if (own[name] === 'flag') o[name] = true;
    else if (own[name] === 'number') o[name] = Number(argv[++i]);
    else throw new Error(`unknown argument ${a}; see the header of bench/${file}`);
  }
  return o;
}

module.exports = { benchArgs };
