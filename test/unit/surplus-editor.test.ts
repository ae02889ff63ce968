// The editor and the help copy facts from src/surplus/settings.ts (the HTML cannot import
// it): these tests hold every copy to the table, and every text key to the catalogue.

import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { DEFAULT_METER, DEFAULT_SETTINGS, SETTINGS, type SettingSpec, STALE_ACTIONS } from '../../src/surplus';

const root = path.resolve(__dirname, '../..');
const html = fs.readFileSync(path.join(root, 'nodes/v2c-surplus.html'), 'utf8');
const help = fs.readFileSync(path.join(root, 'nodes/locales/en-US/v2c-surplus.html'), 'utf8');
const catalogue = JSON.parse(fs.readFileSync(path.join(root, 'nodes/locales/en-US/v2c-surplus.json'), 'utf8')) as { 'v2c-surplus': Record<string, unknown> };

interface Definition {
  category: string;
  color: string;
  icon: string;
  defaults: Record<string, { value: unknown; validate?: (v: unknown) => boolean }>;
  paletteLabel: (this: { _: (k: string) => string }) => string;
}

/** Runs the editor script with a stand-in RED and returns what it registers. */
function definition(): { type: string; def: Definition } {
  const script = /<script type="text\/javascript">([\s\S]*?)<\/script>/.exec(html)![1]!;
  let registered: { type: string; def: Definition } | undefined;
  const RED = { nodes: { registerType: (type: string, def: Definition) => (registered = { type, def }) }, validators: {} };
  vm.runInNewContext(script, { RED, $: () => ({}) });
  return registered!;
}

function lookup(key: string): unknown {
  return key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], catalogue);
}

describe('v2c-surplus editor and help', () => {
  const { type, def } = definition();

  it('registers v2c-surplus in the V2C Trydan category with the package look', () => {
    assert.match(html, /RED\.nodes\.registerType\('v2c-surplus', \{/);
    assert.equal(type, 'v2c-surplus');
    assert.equal(def.category, 'V2C Trydan');
    assert.equal(def.color, '#7fc8a9');
    assert.equal(def.icon, 'v2c-trydan.svg');
    assert.equal(def.paletteLabel.call({ _: (k) => k }), 'v2c-surplus.paletteLabel');
    assert.equal(def.defaults.version!.value, 1);
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
      const validate = def.defaults[name]!.validate;
      if (spec.kind === 'number' || spec.kind === 'auto') {
        assert.ok(validate, `${name} has no validator`);
        assert.ok(validate(String(spec.min)) && validate(String(spec.max)), `${name} accepts ${spec.min}..${spec.max}`);
        assert.ok(!validate(String(spec.min - 1)) && !validate(String(spec.max + 1)), `${name} refuses outside ${spec.min}..${spec.max}`);
        assert.equal(validate(''), spec.kind === 'auto', `${name} empty`);
      }
      if (spec.kind === 'choice') for (const c of spec.choices) assert.ok(validate!(c), `${name} accepts ${c}`);
    }
  });

  it('offers every choice of the table in its select boxes', () => {
    for (const [name, spec] of Object.entries(SETTINGS) as [string, SettingSpec][]) {
      if (spec.kind !== 'choice') continue;
      const select = new RegExp(`<select id="node-input-${name}"[\\s\\S]*?</select>`).exec(html)?.[0] ?? '';
      for (const c of spec.choices) assert.match(select, new RegExp(`value="${c}"`), `${name}: ${c}`);
    }
  });

  it('finds every text it shows in the catalogue', () => {
    const keys = [...html.matchAll(/data-i18n="(?:\[[a-z]+\])?([^"]+)"/g)].map((m) => m[1]!);
    const coded = [...html.matchAll(/this\._\('([^']+)'/g)].map((m) => m[1]!).filter((k) => !k.endsWith('.'));
    const tabs = ['meter', 'charging', 'startStop', 'regulation', 'safety'].map((t) => `v2c-surplus.tab.${t}`);
    const runtime = ['pv', 'minpv', 'fast', 'off', 'startIn', 'stopIn', 'bridging', 'phaseSwitch', 'stale', 'waitingForMeter', 'waitingForCharger', 'waiting', 'noCar', 'locked', 'dryRun', 'badSettings', 'needsLan'].map((k) => `v2c-surplus.status.${k}`);
    for (const key of [...keys, ...coded, ...tabs, ...runtime, 'v2c-surplus.errors.needsCharger', 'v2c-surplus.errors.needsLan', 'v2c-surplus.errors.gridFromCharger', 'v2c-surplus.errors.badSettings']) {
      assert.equal(typeof lookup(key), 'string', `${key} is not in the catalogue`);
    }
  });

  it('documents every setting with its default in the help', () => {
    for (const name of Object.keys(SETTINGS)) assert.match(help, new RegExp(`<code>${name}</code>`), `${name} is not in the help`);
    for (const action of STALE_ACTIONS) assert.match(help, new RegExp(`<i>${action}</i>`));
    assert.match(help, /<td><code>minPause<\/code><\/td><td>0 s<\/td>/);
    assert.match(help, /<td><code>stopDelay<\/code><\/td><td>120 s<\/td>/);
    assert.match(help, /<td><code>startDelay<\/code><\/td><td>20 s<\/td>/);
    assert.match(help, /<td><code>startEnergy<\/code><\/td><td>0 Wh<\/td>/);
  });

  it('takes a time of day HH:MM, or empty, for the goal\'s time', () => {
    const validate = def.defaults.targetTime!.validate!;
    for (const ok of ['', '07:00', '7:00', '23:59']) assert.ok(validate(ok), ok);
    for (const bad of ['24:00', '7', '07:60', 'seven']) assert.ok(!validate(bad), bad);
  });
});
