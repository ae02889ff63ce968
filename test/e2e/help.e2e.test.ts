// The help of every node type of package.json, in Chromium on a real Node-RED: it opens in the
// help sidebar (selecting the node on the canvas, then the sidebar's help tab), says something,
// and fits the default sidebar: no element of it reaches past the sidebar's right edge and
// nothing in it scrolls sideways.

import assert from 'node:assert/strict';
import { nodeId, nodeRedVersion } from '../helpers/red';
import { type Editor, type FlowNode, type InPage, NODE_TYPES, openEditor } from './browser';

describe(`e2e: node help in the sidebar in chromium, Node-RED ${nodeRedVersion}`, function () {
  this.timeout(30_000);
  let ed: Editor | undefined;
  const tab = nodeId();
  const config = nodeId();
  /** A node on the canvas per type; a config type is selected through a node that uses it. */
  const canvasNode = new Map(NODE_TYPES.map((t) => [t, nodeId()]));
  let lastHelp = '';

  before(async function () {
    this.timeout(120_000);
    ed = await openEditor(this, {
      flows: (_sim, node) => {
        const flows: FlowNode[] = [{ id: tab, type: 'tab', label: 'Help', disabled: false, info: '' }, node({ id: config, type: 'v2c-config', name: 'no charger', host: '' })];
        NODE_TYPES.forEach((type, i) => {
          if (type === 'v2c-config') return;
          flows.push(node({ id: canvasNode.get(type)!, type, z: tab, server: config, x: 200, y: 60 + 60 * i, wires: [[], []] }));
        });
        return flows;
      },
    });
    // The sidebar's help button (Node-RED 4: a tab link; 5: a button of the sidebar's bar).
    await ed.page.locator('#red-ui-tab-help-link-button, button[data-tab-id="help"]').first().click();
  });
  after(async () => ed?.close());

  for (const type of NODE_TYPES) {
    it(`${type}: the help opens in the sidebar and fits it`, async function () {
      const page = ed!.page;
      const isConfig = (await page.evaluate((t) => (globalThis as unknown as InPage).RED.nodes.getType(t)?.category, type)) === 'config';
      if (isConfig) {
        // Config nodes are not on the canvas: the help sidebar's node list opens their help.
        await page.evaluate((t) => (globalThis as unknown as InPage & { RED: { sidebar: { help: { show(t: string): void } } } }).RED.sidebar.help.show(t), type);
      } else {
        await page.locator(`[id="${canvasNode.get(type)}"] .red-ui-flow-node`).first().click();
      }
      const help = page.locator('.red-ui-help').last();
      // Each help replaces the one before: wait for this type's.
      await page.waitForFunction(
        (before) => {
          const el = [...document.querySelectorAll('.red-ui-help')].pop() as HTMLElement | undefined;
          return !!el && el.offsetParent !== null && el.innerText.length > 100 && el.innerText !== before;
        },
        lastHelp,
        { timeout: 10_000 },
      );
      lastHelp = await help.innerText();
      // (No named functions in here: the page gets this function's source as it is.)
      const report = await help.evaluate((root) => {
        const box = root.getBoundingClientRect();
        const tooWide: string[] = [];
        if (root.scrollWidth > root.clientWidth + 1) tooWide.push(`the help scrolls sideways: ${root.scrollWidth} px in ${root.clientWidth} px`);
        for (const e of root.querySelectorAll('*')) {
          const r = e.getBoundingClientRect();
          if (r.width === 0 || r.height === 0) continue;
          const label = `<${e.tagName.toLowerCase()}> "${(e.textContent ?? '').trim().slice(0, 40)}"`;
          if (r.right > box.right + 1) tooWide.push(`${label} ends ${Math.round(r.right - box.right)} px past the sidebar`);
          else if (['TABLE', 'PRE', 'DL', 'UL', 'OL'].includes(e.tagName) && e.scrollWidth > e.clientWidth + 1) tooWide.push(`${label} scrolls: ${e.scrollWidth} px in ${e.clientWidth} px`);
        }
        return { width: Math.round(box.width), tooWide };
      });
      assert.ok(report.width > 200, `the help is ${report.width} px wide`);
      // The outermost offenders say enough: their children overflow with them.
      assert.ok(report.tooWide.length === 0, `${type}: help wider than the ${report.width} px sidebar (${report.tooWide.length} elements), e.g.\n        ${report.tooWide.slice(0, 4).join('\n        ')}`);
    });
  }
});
