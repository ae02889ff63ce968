// Tables and the verdict of the goal bench (issue 11, "done when").
'use strict';

const ROWS = [
  ['ours', 'v2c-surplus goal'],
  ['cheapest', 'cheapest hours'],
  ['full', 'full from plug-in'],
  ['surplusOnly', 'surplus only'],
];

function sum(rs, key, f) {
  return rs.reduce((a, r) => a + f(r[key]), 0);
}

function totals(rs, key) {
  const carWh = sum(rs, key, (m) => m.carWh);
  const pvWh = sum(rs, key, (m) => m.pvWh);
  const targetWh = rs.reduce((a, r) => a + r.targetKwh * 1000, 0);
  return {
    met: rs.filter((r) => r[key].met).length,
    carKwh: carWh / 1000,
    pvKwh: pvWh / 1000,
    gridKwh: sum(rs, key, (m) => m.gridWh) / 1000,
    costEur: sum(rs, key, (m) => m.costEur),
    pvShare: carWh > 0 ? pvWh / carWh : 1,
    pvOfGoal: rs.reduce((a, r) => a + r[key].pvOfGoal * r.targetKwh * 1000, 0) / targetWh,
    starts: sum(rs, key, (m) => m.starts),
  };
}

const pct = (x) => `${(x * 100).toFixed(1)} %`;

/** A table: one row per group × controller. */
function formatTable(results, by) {
  const groups = [...new Set(results.map((r) => r[by]))];
  const lines = ['| ' + by + ': controller | target met | energy kWh | PV kWh | grid kWh | grid cost EUR | PV share | PV share of the goal | starts |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|'];
  for (const g of [...groups, 'all']) {
    const rs = g === 'all' ? results : results.filter((r) => r[by] === g);
    for (const [key, label] of ROWS) {
      const t = totals(rs, key);
      lines.push(`| **${g}** ${label} | ${t.met}/${rs.length} | ${t.carKwh.toFixed(1)} | ${t.pvKwh.toFixed(2)} | ${t.gridKwh.toFixed(2)} | ${t.costEur.toFixed(2)} | ${pct(t.pvShare)} | ${pct(t.pvOfGoal)} | ${t.starts} |`);
    }
  }
  return lines.join('\n');
}

/**
 * Issue 11's bars: (a) the target met on every scenario where it was possible (full power
 * from plug-in met it); (b) grid cost at most the cheapest-hours baseline's, over all
 * scenarios; (c) PV share at least surplus-only charging's, counted as the sun's share of the
 * goal: the PV energy in the session's first target kWh, of the target (surplus only has no
 * target and charges on past it: the sun it puts in beyond the target is not the goal's),
 * over all scenarios.
 */
function verdict(results) {
  const text = [];
  const line = (ok, what) => text.push(`${ok ? 'PASS' : 'FAIL'}  ${what}`);
  const possible = results.filter((r) => r.full.met);
  const missed = possible.filter((r) => !r.ours.met);
  line(missed.length === 0, `(a) target met on every scenario where it was possible: ${possible.length - missed.length} of ${possible.length}${missed.length ? `; missed: ${missed.map((r) => `${r.name} (${(r.ours.carWh / 1000).toFixed(2)} kWh)`).join(', ')}` : ''}`);
  const impossible = results.filter((r) => !r.full.met);
  if (impossible.length) text.push(`      not possible (full power from plug-in misses it too): ${impossible.map((r) => `${r.name} (full ${(r.full.carWh / 1000).toFixed(2)}, ours ${(r.ours.carWh / 1000).toFixed(2)} kWh)`).join('; ')}`);
  const o = totals(results, 'ours');
  const c = totals(results, 'cheapest');
  const s = totals(results, 'surplusOnly');
  const f = totals(results, 'full');
  line(o.costEur <= c.costEur, `(b) grid cost over all scenarios: ${o.costEur.toFixed(2)} EUR vs cheapest hours ${c.costEur.toFixed(2)} EUR (full from plug-in ${f.costEur.toFixed(2)} EUR)`);
  const dearer = results.filter((r) => r.ours.costEur > r.cheapest.costEur + 0.01);
  text.push(`      scenarios dearer than cheapest hours by more than 1 cent: ${dearer.length} of ${results.length}${dearer.length ? ` (${dearer.slice(0, 6).map((r) => `${r.name} ${r.ours.costEur.toFixed(2)}/${r.cheapest.costEur.toFixed(2)}`).join('; ')}${dearer.length > 6 ? '; ...' : ''})` : ''}`);
  line(o.pvOfGoal >= s.pvOfGoal - 0.0005, `(c) PV share of the goal over all scenarios: ${pct(o.pvOfGoal)} vs surplus only ${pct(s.pvOfGoal)} (cheapest hours ${pct(c.pvOfGoal)}, full from plug-in ${pct(f.pvOfGoal)})`);
  const lower = results.filter((r) => r.ours.pvOfGoal < r.surplusOnly.pvOfGoal - 0.005);
  text.push(`      scenarios more than 0.5 point below surplus only: ${lower.length} of ${results.length}${lower.length ? ` (${lower.slice(0, 6).map((r) => `${r.name} ${pct(r.ours.pvOfGoal)}/${pct(r.surplusOnly.pvOfGoal)}`).join('; ')}${lower.length > 6 ? '; ...' : ''})` : ''}`);
  text.push(`info  PV share of the car's energy: ${pct(o.pvShare)} vs surplus only ${pct(s.pvShare)} (which charges ${s.carKwh.toFixed(1)} kWh in all, ${s.met} of ${results.length} targets met)`);
  return { pass: missed.length === 0 && o.costEur <= c.costEur && o.pvOfGoal >= s.pvOfGoal - 0.0005, text };
}

module.exports = { formatTable, verdict, totals };
