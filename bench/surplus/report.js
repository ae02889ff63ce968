// Tables (per scenario, per day, per car, in total) and issue 8's verdict for the defaults.
'use strict';

const kwh = (wh) => (wh / 1000).toFixed(2);
const pct = (x) => `${(x * 100).toFixed(1)} %`;
const ROLES = [
  ['v2c-surplus', 'ours'],
  ['evcc-style', 'baseline'],
  ['ideal bound', 'ideal'],
];

/** Sums over scenarios; shares of the ideal are averaged per scenario (each counts once). */
function totals(results, role) {
  const rs = results.filter((r) => r[role]);
  const sum = (k) => rs.reduce((a, r) => a + r[role][k], 0);
  const carWh = sum('carWh');
  return {
    pvWh: sum('pvWh'),
    carWh,
    gridWh: sum('gridWh'),
    batteryWh: sum('batteryWh'),
    starts: sum('starts'),
    writes: sum('writes'),
    overshootS: sum('overshootS'),
    staleOverMinS: sum('staleOverMinS'),
    pvShare: carWh > 0 ? sum('pvWh') / carWh : 1,
    ofIdeal: rs.length ? rs.reduce((a, r) => a + r[role].ofIdeal, 0) / rs.length : 1,
  };
}

const HEAD = [
  '| controller | PV to car kWh | of ideal | PV share | grid to car kWh | battery to car kWh | cycles | writes | overshoot s | above min, stale meter s |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
];

function rows(label, results) {
  const out = [];
  for (const [name, role] of ROLES) {
    if (!results.some((r) => r[role])) continue;
    const t = totals(results, role);
    const isIdeal = role === 'ideal';
    out.push(
      `| ${label ? `**${label}** ` : ''}${name} | ${kwh(t.pvWh)} | ${pct(t.ofIdeal)} | ${pct(t.pvShare)} | ${kwh(t.gridWh)} | ${kwh(t.batteryWh)} | ${t.starts} | ${isIdeal ? '–' : t.writes} | ${isIdeal ? '–' : t.overshootS} | ${isIdeal ? '–' : t.staleOverMinS} |`,
    );
  }
  return out;
}

/** One table grouped by `key` ('day', 'car', 'name'), plus the total. */
function formatTable(results, key) {
  const groups = [...new Set(results.map((r) => r[key]))];
  const out = [HEAD[0].replace('| controller', `| ${key === 'name' ? 'scenario' : key}: controller`), HEAD[1]];
  for (const g of groups) out.push(...rows(g, results.filter((r) => r[key] === g)));
  if (key !== 'name' || groups.length > 1) out.push(...rows('all', results));
  return out.join('\n');
}

/** The scenarios where `f` is largest: "name N; ...". */
function most(results, f, n = 5) {
  return [...results].filter((r) => f(r) > 0).sort((a, b) => f(b) - f(a)).slice(0, n).map((r) => `${r.name} ${f(r)}`).join('; ');
}

/**
 * Issue 8 for the defaults, in the order of what matters to the user: the sun's energy in the
 * car first, then grid energy in the car (and so the PV share), then start/stop cycles, then
 * writes. Each line PASS/FAIL with its figures.
 */
function verdict(results) {
  const text = [];
  let ok = true;
  const check = (pass, line) => {
    ok &&= pass;
    text.push(`${pass ? 'PASS' : 'FAIL'}  ${line}`);
  };
  const worst = (list, f) => list.sort((a, b) => f(a) - f(b)).slice(0, 6).map((r) => `${r.name} ${f(r) >= 0 ? '+' : ''}${(f(r) * 100).toFixed(1)}`).join('; ');
  const ours = totals(results, 'ours');
  const base = totals(results, 'baseline');
  const gap = (r) => r.ours.ofIdeal - r.baseline.ofIdeal;
  check(ours.ofIdeal >= base.ofIdeal - 0.005, `(a) PV energy into the car, average share of the ideal's: ${pct(ours.ofIdeal)} vs baseline ${pct(base.ofIdeal)} (at least the baseline's minus 0.5 point)`);
  const days = [...new Set(results.map((r) => r.day))];
  text.push(`      by day: ${days.map((d) => { const rs = results.filter((r) => r.day === d); return `${d} ${pct(totals(rs, 'ours').ofIdeal)}/${pct(totals(rs, 'baseline').ofIdeal)}`; }).join(', ')}`);
  const behind = results.filter((r) => gap(r) < -0.03);
  check(behind.length === 0, `(a) no scenario more than 3 points behind the baseline: ${behind.length} of ${results.length}${behind.length ? ` (worst, points: ${worst(behind, gap)})` : ''}`);
  const shareGap = (r) => r.ours.pvShare - r.baseline.pvShare;
  const lower = results.filter((r) => shareGap(r) < -0.002);
  check(lower.length === 0, `(b) PV share at least the baseline's (0.2 point for ties) in every scenario: ${lower.length} of ${results.length} below${lower.length ? ` (worst, points: ${worst(lower, shareGap)})` : ''}; overall ${pct(ours.pvShare)} vs ${pct(base.pvShare)}`);
  check(ours.gridWh <= 0.6 * base.gridWh, `(c) grid energy into the car over all scenarios: ${kwh(ours.gridWh)} vs baseline ${kwh(base.gridWh)} kWh (${Math.round((ours.gridWh / base.gridWh) * 100)} %, at most 60 %)`);
  check(ours.starts <= base.starts, `(d) start/stop cycles over all scenarios: ${ours.starts} vs baseline ${base.starts} (at most the baseline's)`);
  // Last in the order: a write is one LAN request. Following a cloud down within seconds
  // (what keeps the grid energy low) takes more of them than a 30 s loop does.
  check(ours.writes <= WRITES_BAR * base.writes, `(e) writes over all scenarios: ${ours.writes} vs baseline ${base.writes} (${Math.round((ours.writes / base.writes) * 100)} %, at most ${Math.round(WRITES_BAR * 100)} %)`);
  text.push(`info  battery energy into the car: ${kwh(ours.batteryWh)} vs baseline ${kwh(base.batteryWh)} kWh`);
  text.push(`info  overshoot (setpoint above the PV surplus + 230 W while the car catches up): ${ours.overshootS} s vs baseline ${base.overshootS} s${ours.overshootS ? `; most in ${most(results, (r) => r.ours.overshootS)}` : ''}`);
  text.push(`info  above the minimum with a stale meter: ${ours.staleOverMinS} s vs baseline ${base.staleOverMinS} s`);
  return { ok, text };
}

/** Writes may exceed the baseline's by this factor (see verdict). */
const WRITES_BAR = 1.25;

/** The calm settings' price against the defaults, in the order of what matters. */
function calmLine(main, calm) {
  const d = totals(main, 'ours');
  const c = totals(calm, 'ours');
  const points = ((c.ofIdeal - d.ofIdeal) * 100).toFixed(1);
  return `calm (start energy 15 min, restart worth 6 min, minimum pause 5 min): PV energy into the car ${pct(c.ofIdeal)} of the ideal's (${points} points), grid ${kwh(c.gridWh)} kWh (defaults ${kwh(d.gridWh)}), cycles ${c.starts} (defaults ${d.starts}), writes ${c.writes} (defaults ${d.writes})`;
}

// What other settings cost or gain, over the same scenarios (--variants).
const VARIANTS = [
  ['evcc\'s timers (start 60 s, stop 180 s, smoothing 30/5 s, writes every 10 s, no restart rules)', { startDelay: 60, stopDelay: 180, riseTime: 30, fallTime: 5, minWriteInterval: 10, bridgeEnergy: 0, phaseSettle: 60 }],
  ['start energy 15 min at the minimum (empty)', { startEnergy: null }],
  ['restart worth 0 (the stop delay alone)', { bridgeEnergy: 0 }],
  ['minimum pause 5 min', { minPause: 300 }],
  ['writes at most every 10 s', { minWriteInterval: 10 }],
  ['rounding: nearest', { rounding: 'nearest' }],
  ['no smoothing (rise 0 s, fall 0 s)', { riseTime: 0, fallTime: 0 }],
  ['stale meter: pause', { staleAction: 'pause' }],
  ['home battery buffers: feeds the car above 80 %, starts it above 90 % (battery days only)', { bufferSoc: 80, bufferStartSoc: 90 }],
];

function formatVariants(main, variants) {
  const out = [
    '| v2c-surplus settings | PV to car, of ideal (average) | PV share | grid to car kWh | battery to car kWh | cycles | writes | overshoot s |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const line = (label, t) => out.push(`| ${label} | ${pct(t.ofIdeal)} | ${pct(t.pvShare)} | ${kwh(t.gridWh)} | ${kwh(t.batteryWh)} | ${t.starts} | ${t.writes} | ${t.overshootS} |`);
  line('defaults', totals(main, 'ours'));
  for (const [label, results] of variants) line(label, totals(results, 'ours'));
  line('*evcc-style baseline*', totals(main, 'baseline'));
  return out.join('\n');
}

module.exports = { formatTable, verdict, totals, formatVariants, VARIANTS, calmLine };
