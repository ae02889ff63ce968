// Every dialog through the shared editor script: one look (category, colour, an icon of its
// own), labels and port labels from the catalogue, palette labels a "trydan" filter finds,
// fields with Node-RED's standard ids, no choice or range copied into the HTML, and
// validators that take the runtime's tables (served by the admin endpoint) once they arrive.

import { strict as assert } from 'node:assert';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { editorTables } from '../../nodes/lib/admin';
import { CURRENT_VERSION } from '../../nodes/lib/migrate';
import { TYPED_INPUTS } from '../../nodes/lib/typed-value';
import { root, sandbox, scriptsOf, translator } from './editor-sandbox';

const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { 'node-red': { nodes: Record<string, string> }; files: string[] };
const TYPES = Object.keys(manifest['node-red'].nodes);
const PALETTE = TYPES.filter((t) => t !== 'v2c-config');
const tables = () => JSON.parse(JSON.stringify(editorTables())) as unknown;

describe('the shared editor script and every dialog', () => {
  const box = sandbox(...TYPES);

  it('is loaded by every node from the package\'s resources, which the package ships', () => {
    for (const type of TYPES) {
      const { src, html } = scriptsOf(type);
      assert.deepEqual(src, ['resources/@v2c-trydan/node-red/v2c-editor.js'], type);
      assert.ok(html.indexOf('<script src=') < html.indexOf('<script type="text/javascript">'), `${type} loads it first`);
    }
    assert.ok(manifest.files.includes('resources/'));
    // Loaded once per node file: the script defines itself once and asks for the tables once.
    const first = (box.context as { V2cTrydan: unknown }).V2cTrydan;
    vm.runInContext(fs.readFileSync(path.join(root, 'resources/v2c-editor.js'), 'utf8'), box.context);
    assert.equal((box.context as { V2cTrydan: unknown }).V2cTrydan, first);
    assert.equal(box.fetched.filter((u) => u === 'v2c-trydan/tables').length, 1, 'the tables are fetched once');
  });

  it('registers every node with one category, one colour and an icon of its own', () => {
    assert.deepEqual([...box.registered.keys()].sort(), [...TYPES].sort());
    const icons = new Set<string>();
    for (const type of PALETTE) {
      const def = box.registered.get(type)!;
      assert.equal(def.category, 'V2C Trydan', type);
      assert.equal(def.color, '#7fc8a9', type);
      assert.equal(def.icon, `${type}.svg`, type);
      const svg = fs.readFileSync(path.join(root, 'icons', def.icon!), 'utf8');
      assert.match(svg, /viewBox="0 0 40 60"/, `${type}: Node-RED's icon size`);
      assert.match(svg, /#ffffff/, `${type}: white`);
      assert.doesNotMatch(svg, /fill="#(?!ffffff)[0-9a-f]{6}"|<rect[^>]*width="40"[^>]*height="60"/i, `${type}: on transparent`);
      icons.add(svg);
    }
    assert.equal(icons.size, PALETTE.length, 'no two nodes share an icon');
    assert.equal(box.registered.get('v2c-config')!.category, 'config');
  });

  it('takes every label from the catalogue: palette, node, ports and the dialog title', () => {
    for (const type of TYPES) {
      const def = box.registered.get(type)!;
      const _ = translator(type);
      const node = { type, _ };
      const palette = def.paletteLabel.call(node);
      assert.notEqual(palette, `${type}.paletteLabel`, `${type} has a palette label`);
      // The palette filter matches labels and types; "trydan" must find every node.
      assert.match(palette.toLowerCase(), /trydan/, `${type}: "${palette}"`);
      // One line in the palette (82 px): short, and no hyphen, where Node-RED breaks words.
      if (type !== 'v2c-config') assert.ok(palette.length <= 12 && !palette.includes('-'), `${type}: "${palette}" would wrap in the palette`);
      const label = def.label.call(node);
      assert.ok(label && !label.startsWith(`${type}.`), `${type} unnamed label: ${label}`);
      assert.equal(def.label.call({ ...node, name: 'Garage' }), 'Garage');
      if (type === 'v2c-config') continue;
      assert.ok(def.inputs === 1 && def.inputLabels, `${type} input label`);
      assert.doesNotMatch(def.inputLabels!.call(node, 0), /^v2c-/, `${type} input label`);
      for (let i = 0; i < def.outputs!; i++) assert.doesNotMatch(def.outputLabels!.call(node, i), /^v2c-/, `${type} output ${i} label`);
    }
    // The config dialog's title is "Edit <paletteLabel> node".
    assert.equal(box.registered.get('v2c-config')!.paletteLabel.call({ _: translator('v2c-config') }), 'Trydan charger');
  });

  it('gives every property a field with Node-RED\'s standard id, and finds every text it shows', () => {
    for (const type of TYPES) {
      const { html, inline } = scriptsOf(type);
      const def = box.registered.get(type)!;
      const prefix = type === 'v2c-config' ? 'node-config-input' : 'node-input';
      for (const prop of [...Object.keys(def.defaults), ...Object.keys(def.credentials ?? {})]) {
        if (prop === 'version') continue;
        assert.match(html, new RegExp(`id="${prefix}-${prop}"`), `${type}: ${prefix}-${prop}`);
      }
      const _ = translator(type);
      const keys = [...html.matchAll(/data-i18n="(?:\[[a-z]+\])?([^"]+)"/g)].map((m) => m[1]!);
      const coded = inline.flatMap((s) => [...s.matchAll(/_\('([^']+)'/g)].map((m) => m[1]!)).filter((k) => !k.endsWith('.'));
      for (const key of [...keys, ...coded]) assert.notEqual(_(key), key, `${type}: ${key} is not in the catalogue`);
    }
    const shared = fs.readFileSync(path.join(root, 'resources/v2c-editor.js'), 'utf8');
    const _ = translator('v2c-surplus');
    for (const [, key] of shared.matchAll(/'(common\.editor\.\w+)'/g)) assert.notEqual(_(key!), key, `${key} is not in common.json`);
  });

  it('copies no choice list into the HTML: the selects are filled from the tables', () => {
    for (const type of ['v2c-surplus', 'v2c-statistics', 'v2c-rfid', 'v2c-power-profile', 'v2c-write-out', 'v2c-cloud-command']) {
      const options = [...scriptsOf(type).html.matchAll(/<option value="([^"]*)"/g)].map((m) => m[1]);
      assert.deepEqual(options.filter((v) => v !== ''), [], `${type} lists choices itself`);
      assert.doesNotMatch(scriptsOf(type).inline.join('\n'), /\[\s*'\w+',\s*'\w+'[^\]]*\]\.indexOf|RANGES\s*=/, `${type} holds a choice or range table`);
    }
    // The config dialog's address rule is the runtime's: no pattern of its own beyond the shape.
    assert.doesNotMatch(scriptsOf('v2c-config').inline.join('\n'), /RegExp|A-Za-z0-9/);
  });

  it('saves each typed input with its type, as the runtime evaluates it, and the current version', () => {
    for (const type of TYPES) {
      const def = box.registered.get(type)! as unknown as { defaults: Record<string, { value: unknown }>; oneditsave: (this: Record<string, unknown>) => void };
      assert.equal(def.defaults.version!.value, CURRENT_VERSION, type);
      // A node of an older version saved from its dialog (which showed every new field) is current.
      const old: Record<string, unknown> = { version: 1 };
      def.oneditsave.call(old);
      assert.equal(old.version, CURRENT_VERSION, `${type} saved`);
    }
    const firstTypes: Record<string, string> = { value: 'msg', params: 'msg', from: 'str', to: 'str' };
    for (const [type, props] of Object.entries(TYPED_INPUTS)) {
      const def = box.registered.get(type)!;
      for (const prop of Object.keys(props)) {
        assert.ok(def.defaults[prop], `${type}.${prop}`);
        assert.equal(def.defaults[`${prop}Type`]!.value, firstTypes[prop], `${type}.${prop}Type`);
        assert.match(scriptsOf(type).html, new RegExp(`<input type="hidden" id="node-input-${prop}Type">`), `${type}.${prop}Type field`);
      }
    }
  });
});

describe('validators on the runtime\'s tables', () => {
  it('are lenient only until the tables arrive, then hold fields to them', () => {
    const box = sandbox('v2c-surplus', 'v2c-config', 'v2c-rfid');
    assert.equal(box.validate('v2c-surplus', {}, 'minCurrent', '40'), true, 'no table yet: any number');
    assert.equal(box.validate('v2c-config', {}, 'pollInterval', 'ten') !== true, true, 'not a whole number: refused even before');
    assert.equal(box.validate('v2c-rfid', {}, 'action', 'learn'), true);
    box.answer('v2c-trydan/tables', tables());
    assert.equal(box.validate('v2c-surplus', {}, 'minCurrent', '40'), 'from 6 to 32 A');
    assert.equal(box.validate('v2c-surplus', {}, 'minCurrent', 'x'), 'not a number');
    assert.equal(box.validate('v2c-surplus', {}, 'minCurrent', ''), 'required');
    assert.equal(box.validate('v2c-surplus', {}, 'startSurplus', ''), true, 'empty: worked out');
    assert.equal(box.validate('v2c-surplus', {}, 'mode', 'turbo'), false);
    assert.equal(box.validate('v2c-surplus', {}, 'phases', '3'), true);
    assert.equal(box.validate('v2c-surplus', {}, 'unit', 'MW'), false);
    assert.equal(box.validate('v2c-config', {}, 'pollInterval', '3601'), 'from 1 to 3600 s');
    assert.equal(box.validate('v2c-rfid', {}, 'action', 'create'), false, 'a power profile action');
    assert.equal(box.validate('v2c-rfid', {}, 'action', ''), true, 'from msg.action');
    // A property an older flow lacks is filled in by the runtime: valid.
    assert.equal(box.validate('v2c-surplus', {}, 'bridgeEnergy', undefined), true);
  });

  it('accept nodes saved by older versions: a property they lack is valid (the runtime fills it in)', () => {
    const box = sandbox(...TYPES);
    box.answer('v2c-trydan/tables', tables());
    // Properties added after the first version (the surplus settings grew one by one).
    const added: Record<string, string[]> = {
      'v2c-write-out': ['value'],
      'v2c-cloud-command': ['params'],
      'v2c-rfid': ['params'],
      'v2c-power-profile': ['params'],
      'v2c-realtime-in': ['watch', 'keys', 'deadband'],
      'v2c-surplus': Object.keys(box.registered.get('v2c-surplus')!.defaults).filter((p) => p !== 'server'),
    };
    for (const [type, props] of Object.entries(added)) {
      for (const prop of props) {
        if (!box.registered.get(type)!.defaults[prop]!.validate) continue;
        assert.equal(box.validate(type, { id: 'old', version: 1 }, prop, undefined), true, `${type}.${prop} missing`);
      }
    }
    // A version 1 custom range has dates but no date types: they are fixed dates.
    assert.equal(box.validate('v2c-statistics', { id: 'old', version: 1, range: 'custom', from: '2026-01-01', to: '2026-02-01' }, 'from'), true);
    assert.equal(box.validate('v2c-statistics', { id: 'old', version: 1, range: 'custom', from: '2026-03-01', to: '2026-02-01' }, 'from'), 'after To');
  });

  it('flag min current above max current in both fields, saved or in the open dialog', () => {
    const box = sandbox('v2c-surplus');
    box.answer('v2c-trydan/tables', tables());
    const saved = { id: 's1', minCurrent: 16, maxCurrent: 8 };
    assert.equal(box.validate('v2c-surplus', saved, 'minCurrent'), 'above Max current (8 A)');
    assert.equal(box.validate('v2c-surplus', saved, 'maxCurrent'), 'below Min current (16 A)');
    assert.equal(box.validate('v2c-surplus', { id: 's1', minCurrent: 8, maxCurrent: 16 }, 'minCurrent'), true);
    // While the dialog is open the other field is read from it, not from what was saved.
    box.open({ id: 's1' }, { minCurrent: '16', maxCurrent: '8' });
    assert.equal(box.validate('v2c-surplus', { id: 's1', minCurrent: 6, maxCurrent: 16 }, 'minCurrent', '16'), 'above Max current (8 A)');
    box.open({ id: 's1' }, { minCurrent: '16', maxCurrent: '20' });
    assert.equal(box.validate('v2c-surplus', { id: 's1', minCurrent: 6, maxCurrent: 16 }, 'minCurrent', '16'), true);
    box.close();
  });

  it('hold the battery charges in order: buffer start ≥ buffer ≥ priority, unless the buffer is off (100 %)', () => {
    const box = sandbox('v2c-surplus');
    box.answer('v2c-trydan/tables', tables());
    const node = (bufferStartSoc: number, bufferSoc: number, batteryPrioritySoc: number) => ({ id: 's', bufferStartSoc, bufferSoc, batteryPrioritySoc });
    assert.equal(box.validate('v2c-surplus', node(50, 80, 0), 'bufferStartSoc'), 'below Battery feeds car above (80 %)');
    assert.equal(box.validate('v2c-surplus', node(50, 80, 0), 'bufferSoc'), 'above Start from battery above (50 %)');
    assert.equal(box.validate('v2c-surplus', node(90, 30, 50), 'bufferSoc'), 'below Battery first (50 %)');
    assert.equal(box.validate('v2c-surplus', node(100, 100, 50), 'bufferSoc'), true, '100 %: the buffer is off');
    assert.equal(box.validate('v2c-surplus', node(100, 100, 50), 'batteryPrioritySoc'), true);
    assert.equal(box.validate('v2c-surplus', node(90, 80, 50), 'bufferSoc'), true);
  });

  it('check typed inputs by their type', () => {
    const box = sandbox('v2c-write-out', 'v2c-statistics', 'v2c-cloud-command');
    box.answer('v2c-trydan/tables', tables());
    const v = (node: Record<string, unknown>) => box.validate('v2c-write-out', { id: 'w', ...node }, 'value');
    assert.equal(v({ value: 'payload', valueType: 'msg' }), true);
    assert.equal(v({ value: '', valueType: 'flow' }), 'required');
    assert.equal(v({ value: '{"Intensity":', valueType: 'json' }), 'not valid JSON');
    assert.equal(v({ value: '{"Intensity": 16}', valueType: 'json' }), true);
    assert.equal(v({ value: 'six', valueType: 'num' }), 'not a number');
    assert.equal(v({ value: 'x', valueType: 'jsonata' }), 'jsonata is not offered here');
    assert.equal(v({ value: undefined, valueType: undefined }), true, 'a version 1 node: msg.payload');
    assert.equal(box.validate('v2c-cloud-command', { id: 'c', params: 'HOME', paramsType: 'env' }, 'params'), true);
    const dates = (from: string, to: string, range = 'custom', fromType = 'str', toType = 'str') => ({ id: 'st', range, from, to, fromType, toType });
    assert.equal(box.validate('v2c-statistics', dates('2026-01-31', '2026-02-01'), 'from'), true);
    assert.equal(box.validate('v2c-statistics', dates('2026-02-31x', '2026-02-01'), 'from'), 'a date like 2026-01-31');
    assert.equal(box.validate('v2c-statistics', dates('2026-03-01', '2026-02-01'), 'from'), 'after To');
    assert.equal(box.validate('v2c-statistics', dates('START', '2026-02-01', 'custom', 'env'), 'from'), true);
    assert.equal(box.validate('v2c-statistics', dates('', '', 'lastMonth'), 'from'), true, 'only the custom range needs dates');
    assert.equal(box.validate('v2c-statistics', dates('', ''), 'to'), 'a date like 2026-01-31');
  });

  it('check the charger address with the runtime\'s rule, asked once per text', () => {
    const box = sandbox('v2c-config');
    const host = (v: string) => box.validate('v2c-config', { id: 'cfg' }, 'host', v);
    assert.equal(host(''), true);
    assert.equal(host('192.168.1.50/status'), true, 'until the answer: only the shape');
    assert.equal(host('has space'), false);
    assert.ok(box.fetched.includes('v2c-trydan/address?host=192.168.1.50%2Fstatus'));
    box.answer('v2c-trydan/address?host=192.168.1.50%2Fstatus', { ok: false, error: '"192.168.1.50/status" should be just an address like 192.168.1.50 or trydan.local:80' });
    assert.match(String(host('192.168.1.50/status')), /should be just an address/);
    assert.equal(box.fetched.filter((u) => u.startsWith('v2c-trydan/address?host=192.168.1.50%2F')).length, 1, 'asked once');
  });
});
