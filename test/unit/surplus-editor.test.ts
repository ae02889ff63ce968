// The editor and the help copy facts from src/surplus/settings.ts (the HTML cannot import
// it): these tests hold every copy to the table, and every text key to the catalogue.

import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import { editorTables } from '../../nodes/lib/admin';
import { CURRENT_VERSION } from '../../nodes/lib/migrate';
import { DEFAULT_METER, DEFAULT_SETTINGS, GRID_FORMATS, GRID_SOURCES, SETTINGS, type SettingSpec, STALE_ACTIONS } from '../../src/surplus';
import { sandbox } from './editor-sandbox';

const root = path.resolve(__dirname, '../..');
const html = fs.readFileSync(path.join(root, 'nodes/v2c-surplus.html'), 'utf8');
const help = fs.readFileSync(path.join(root, 'nodes/locales/en-US/v2c-surplus.html'), 'utf8');
const catalogue = JSON.parse(fs.readFileSync(path.join(root, 'nodes/locales/en-US/v2c-surplus.json'), 'utf8')) as { 'v2c-surplus': Record<string, unknown> };

/** Runs the editor scripts with a stand-in RED, the runtime's tables delivered, and returns what they register. */
function definition() {
  const box = sandbox('v2c-surplus');
  box.answer('v2c-trydan/tables', JSON.parse(JSON.stringify(editorTables())));
  return { type: 'v2c-surplus', def: box.registered.get('v2c-surplus')!, box };
}

function lookup(key: string): unknown {
  return key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], catalogue);
}

describe('v2c-surplus editor and help', () => {
  const { type, def, box } = definition();

  it('registers v2c-surplus in the V2C Trydan category with the package look', () => {
    assert.match(html, /V\.node\('v2c-surplus', \{/);
    assert.equal(type, 'v2c-surplus');
    assert.equal(def.category, 'V2C Trydan');
    assert.equal(def.color, '#7fc8a9');
    assert.equal(def.icon, 'v2c-surplus.svg');
    assert.equal(def.paletteLabel.call({ _: (k: string) => k }), 'v2c-surplus.paletteLabel');
    assert.equal(def.defaults.version!.value, CURRENT_VERSION);
    assert.equal(def.defaults.server!.required, false, 'the charger is optional');
  });

  it('has the settings table\'s defaults, with empty for "auto"', () => {
    for (const [name, value] of Object.entries(DEFAULT_SETTINGS)) {
      assert.ok(def.defaults[name], `${name} is missing from the editor`);
      assert.equal(def.defaults[name]!.value, value ?? '', name);
    }
    for (const [name, value] of Object.entries(DEFAULT_METER)) assert.equal(def.defaults[name]!.value, value, name);
  });

  it('accepts exactly the table\'s ranges and choices', () => {
    for (const [name, spec] of Object.entries(SETTINGS) as [string, SettingSpec][]) {
      const validate = (v: unknown) => box.validate('v2c-surplus', { id: 's' }, name, v) === true;
      if (spec.kind === 'number' || spec.kind === 'auto') {
        assert.ok(def.defaults[name]!.validate, `${name} has no validator`);
        assert.ok(validate(String(spec.min)) && validate(String(spec.max)), `${name} accepts ${spec.min}..${spec.max}`);
        assert.ok(!validate(String(spec.min - 1)) && !validate(String(spec.max + 1)), `${name} refuses outside ${spec.min}..${spec.max}`);
        assert.equal(validate(''), spec.kind === 'auto', `${name} empty`);
      }
      if (spec.kind === 'choice') {
        for (const c of spec.choices) assert.ok(validate(c), `${name} accepts ${c}`);
        assert.ok(!validate('none of them'), `${name} refuses what is not a choice`);
      }
    }
  });

  it('names every choice of the tables in the catalogue, and lists none itself', () => {
    const named: Record<string, readonly (string | number)[]> = { gridSource: GRID_SOURCES, gridFormat: GRID_FORMATS };
    for (const [name, spec] of Object.entries(SETTINGS) as [string, SettingSpec][]) if (spec.kind === 'choice' && name !== 'phases') named[name] = spec.choices;
    for (const [name, choices] of Object.entries(named)) {
      assert.match(html, new RegExp(`<select id="node-input-${name}"[^>]*></select>`), `${name}: the select is filled from the tables`);
      for (const c of choices) assert.equal(typeof lookup(`v2c-surplus.${name}.${c}`), 'string', `${name}: ${c} has no label`);
    }
  });

  it('finds every text it shows in the catalogue', () => {
    const keys = [...html.matchAll(/data-i18n="(?:\[[a-z]+\])?([^"]+)"/g)].map((m) => m[1]!);
    const coded = [...html.matchAll(/this\._\('([^']+)'/g)].map((m) => m[1]!).filter((k) => !k.endsWith('.'));
    const tabs = ['meter', 'charging', 'startStop', 'regulation', 'safety'].map((t) => `v2c-surplus.tab.${t}`);
    const runtime = ['pv', 'minpv', 'fast', 'off', 'startIn', 'stopIn', 'bridging', 'phaseSwitch', 'stale', 'waitingForMeter', 'waitingForCharger', 'waiting', 'noCar', 'locked', 'dryRun', 'badSettings', 'needsLan'].map((k) => `v2c-surplus.status.${k}`);
    for (const tab of tabs) assert.doesNotMatch(String(lookup(tab)), /&/, `${tab}: Node-RED's tab tooltip shows & as &amp;`);
    for (const key of [...keys, ...coded, ...tabs, ...runtime, 'v2c-surplus.errors.needsCharger', 'v2c-surplus.errors.needsLan', 'v2c-surplus.errors.gridFromCharger', 'v2c-surplus.errors.badSettings']) {
      assert.equal(typeof lookup(key), 'string', `${key} is not in the catalogue`);
    }
  });

  it('documents every setting with its default in the help', () => {
    // The help's settings list: one <dt> per setting, its default as the property type.
    for (const name of Object.keys(SETTINGS)) assert.match(help, new RegExp(`<dt>${name} <span class="property-type">`), `${name} is not in the help`);
    for (const action of STALE_ACTIONS) assert.match(help, new RegExp(`<i>${action}</i>`));
    assert.match(help, /<dt>minPause <span class="property-type">0 s<\/span><\/dt>/);
    assert.match(help, /<dt>stopDelay <span class="property-type">120 s<\/span><\/dt>/);
    assert.match(help, /<dt>startDelay <span class="property-type">20 s<\/span><\/dt>/);
    assert.match(help, /<dt>startEnergy <span class="property-type">0 Wh<\/span><\/dt>/);
  });

  it('takes a time of day HH:MM, or empty, for the goal\'s time', () => {
    const validate = def.defaults.targetTime!.validate!;
    for (const ok of ['', '07:00', '7:00', '23:59']) assert.ok(validate(ok), ok);
    for (const bad of ['24:00', '7', '07:60', 'seven']) assert.ok(!validate(bad), bad);
  });
});
