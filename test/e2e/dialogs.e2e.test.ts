// Every node's edit dialog, in Chromium on a real Node-RED with the package installed: it opens
// with a double-click, marks a bad value (the field turns red, the node shows the invalid
// triangle after Done), accepts a good one, and Done → Deploy saves it (GET /flows holds it).
// One case per node type of package.json (a type without one fails the suite), plus the
// cross-field check of PV surplus. Writes docs/images/dialog.png with V2C_SCREENSHOTS=1.

import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { nodeId, nodeRedVersion } from '../helpers/red';
import {
  type Editor,
  type FlowNode,
  type InPage,
  NODE_TYPES,
  cancelDialogs,
  deploy,
  deployedFlows,
  dialogDone,
  fieldInvalid,
  openEditor,
  openNodeDialog,
  readmeScreenshot,
  setField,
} from './browser';

/** What a case may use: a config node (on the simulator) the nodes do not use yet, and its address. */
interface Given {
  config: string;
  simHost: string;
}

interface DialogCase {
  type: string;
  /** The field, `node-input-<prop>` (`node-config-input-<prop>` for a config node). */
  prop: string;
  bad: string | ((g: Given) => string);
  good: string | ((g: Given) => string);
  /** Fields set first, in this order (the bad value is bad only beside them). */
  beside?: Array<[string, string]>;
  why: string;
}

// One bad and one good value per node type. "_ADD_" is the charger select's "Add new
// v2c-config node…": no charger chosen.
const CASES: readonly DialogCase[] = [
  { type: 'v2c-config', prop: 'host', bad: '192.168.1.50/status', good: (g) => g.simHost, why: 'a LAN address with a path' },
  { type: 'v2c-realtime-in', prop: 'server', bad: '_ADD_', good: (g) => g.config, why: 'no charger' },
  { type: 'v2c-write-out', prop: 'server', bad: '_ADD_', good: (g) => g.config, why: 'no charger' },
  { type: 'v2c-cloud-command', prop: 'server', bad: '_ADD_', good: (g) => g.config, why: 'no charger' },
  { type: 'v2c-rfid', prop: 'server', bad: '_ADD_', good: (g) => g.config, why: 'no charger' },
  { type: 'v2c-statistics', prop: 'from', beside: [['range', 'custom'], ['to', '2026-01-31']], bad: '31.01.2026', good: '2026-01-01', why: 'a custom range from a date not written yyyy-mm-dd' },
  { type: 'v2c-power-profile', prop: 'server', bad: '_ADD_', good: (g) => g.config, why: 'no charger' },
  { type: 'v2c-wifi-scan', prop: 'server', bad: '_ADD_', good: (g) => g.config, why: 'no charger' },
  { type: 'v2c-surplus', prop: 'minCurrent', bad: '40', good: '8', why: 'a minimum current above 32 A' },
  { type: 'v2c-surplus', prop: 'maxCurrent', beside: [['minCurrent', '16']], bad: '8', good: '20', why: 'a maximum current below the minimum (16 A)' },
];

const value = (v: DialogCase['bad'], g: Given): string => (typeof v === 'function' ? v(g) : v);

describe(`e2e: node dialogs in chromium, Node-RED ${nodeRedVersion}`, function () {
  this.timeout(60_000);
  let ed: Editor | undefined;
  let given: Given;
  const tab = nodeId();
  const sharedConfig = nodeId();
  const otherConfig = nodeId();
  /** Per case: the node double-clicked, and (for a config case) the config node it edits. */
  const nodes = CASES.map(() => ({ node: nodeId(), config: nodeId() }));
  /** A PV surplus node as a user has it, for the README's screenshot. */
  const shown = nodeId();

  before(async function () {
    this.timeout(120_000);
    ed = await openEditor(this, {
      flows: (sim, node) => {
        given = { config: otherConfig, simHost: sim.host };
        const cfg = (id: string, name: string, host: string): FlowNode => node({ id, type: 'v2c-config', name, host });
        const flows: FlowNode[] = [{ id: tab, type: 'tab', label: 'Dialogs', disabled: false, info: '' }, cfg(sharedConfig, 'Simulator', sim.host), cfg(otherConfig, 'Simulator too', sim.host)];
        CASES.forEach((c, i) => {
          const { node: id, config } = nodes[i]!;
          const isConfig = c.type === 'v2c-config';
          if (isConfig) flows.push(cfg(config, `Simulator ${i}`, ''));
          // A config node is edited from a node that uses it, as users reach it. Every node
          // starts valid (Deploy asks otherwise) and unlike the good value (Deploy has a change).
          const type = isConfig ? 'v2c-realtime-in' : c.type;
          flows.push(node({ id, type, z: tab, name: `${c.type} ${c.prop}`, server: isConfig ? config : sharedConfig, x: 200 + 320 * Math.floor(i / 8), y: 60 + 80 * (i % 8), wires: [[], []] }));
        });
        flows.push(node({ id: shown, type: 'v2c-surplus', z: tab, name: '', server: sharedConfig, x: 900, y: 60, wires: [[], []] }));
        return flows;
      },
    });
  });
  afterEach(async () => {
    if (ed) await cancelDialogs(ed.page);
  });
  after(async () => ed?.close());

  it('has a case for every node type of package.json', function () {
    const missing = NODE_TYPES.filter((t) => !CASES.some((c) => c.type === t));
    assert.deepEqual(missing, [], 'node types without a dialog case');
  });

  /** Whether the editor holds a node valid, and whether its canvas shape shows the triangle. */
  async function validity(page: Page, id: string, canvasId: string): Promise<{ valid: boolean; triangle: boolean }> {
    const valid = await page.evaluate((nid) => (globalThis as unknown as InPage).RED.nodes.node(nid)?.valid !== false, id);
    const triangle = await page.locator(`[id="${canvasId}"] .red-ui-flow-node-error`).first().evaluate((e) => !e.classList.contains('hide') && getComputedStyle(e).display !== 'none');
    return { valid, triangle };
  }

  CASES.forEach((c, i) => {
    const isConfig = c.type === 'v2c-config';
    it(`${c.type}: flags ${c.why} in ${c.prop}, saves a good value`, async function () {
      const page = ed!.page;
      const { node, config } = nodes[i]!;
      const target = isConfig ? config : node;
      const open = async (): Promise<void> => {
        await openNodeDialog(page, node);
        if (isConfig) {
          // The pencil beside the charger (Node-RED 4+: -btn-server-edit; older: -lookup-server).
          // A click while the node's tray still slides in can miss: clicked again, a few times at most.
          const ok = page.locator('#node-config-dialog-ok');
          for (let attempt = 1; ; attempt++) {
            if (!(await ok.isVisible())) await page.locator('#node-input-btn-server-edit, #node-input-lookup-server').first().click({ timeout: 5000 });
            try {
              await ok.waitFor({ state: 'visible', timeout: 5000 });
              break;
            } catch (err) {
              if (attempt >= 3) throw err;
            }
          }
        }
      };
      const done = async (): Promise<void> => {
        if (isConfig) await dialogDone(page, true);
        await dialogDone(page);
      };
      const fields = [c.prop, ...(c.beside ?? []).map(([p]) => p)];
      const anyInvalid = async (): Promise<string[]> => {
        const marked: string[] = [];
        for (const p of fields) if (await fieldInvalid(page, p, isConfig)) marked.push(p);
        return marked;
      };

      await open();
      for (const [p, v] of c.beside ?? []) await setField(page, p, v, isConfig);
      await setField(page, c.prop, value(c.bad, given), isConfig);
      assert.ok((await anyInvalid()).length > 0, `${c.prop} = "${value(c.bad, given)}" (${c.why}): no field marked invalid`);
      await done();
      const afterBad = await validity(page, target, node);
      assert.equal(afterBad.valid, false, `${c.type} with ${c.why} is valid after Done`);
      assert.equal(afterBad.triangle, true, `${c.type} with ${c.why}: no invalid triangle on the node`);

      await open();
      await setField(page, c.prop, value(c.good, given), isConfig);
      assert.deepEqual(await anyInvalid(), [], `${c.prop} = "${value(c.good, given)}": fields still marked invalid`);
      await done();
      assert.deepEqual(await validity(page, target, node), { valid: true, triangle: false }, `${c.type} after the good value`);

      await deploy(page);
      const saved = (await deployedFlows(ed!.red.url)).find((n) => n.id === target);
      assert.ok(saved, `${target} is not in GET /flows`);
      assert.equal(String(saved[c.prop]), value(c.good, given), `${c.type}.${c.prop} as deployed`);
      for (const [p, v] of c.beside ?? []) assert.equal(String(saved[p]), v, `${c.type}.${p} as deployed`);
    });
  });

  it('writes docs/images/dialog.png: the PV surplus dialog (V2C_SCREENSHOTS=1)', async function () {
    const page = ed!.page;
    await openNodeDialog(page, shown);
    await page.waitForTimeout(300); // the tray's slide-in
    await readmeScreenshot(page.locator('.red-ui-tray').last(), 'dialog.png');
    await cancelDialogs(page);
  });
});
