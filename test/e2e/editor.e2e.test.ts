// End to end in a real browser: Debian chromium (through playwright-core) on the editor of
// a real Node-RED with this package installed: the write-out dialog takes its keyword choices
// from the runtime's admin endpoint. (The palette, every dialog, the config dialog, examples
// and help have their own files: palette, dialogs, config-dialog, examples, help.e2e.test.ts.)

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { nodeId, nodeRedVersion } from '../helpers/red';
import { type Editor, openEditor, openNodeDialog } from './browser';

describe(`e2e: editor in chromium, Node-RED ${nodeRedVersion}`, function () {
  this.timeout(120_000);

  let ed: Editor | undefined;
  const ids = { tab: nodeId(), cfg: nodeId(), write: nodeId() };

  before(async function () {
    ed = await openEditor(this, {
      flows: (sim, node) => [
        { id: ids.tab, type: 'tab', label: 'Editor e2e', disabled: false, info: '' },
        node({ id: ids.cfg, type: 'v2c-config', name: 'Sim', host: sim.host }),
        node({ id: ids.write, type: 'v2c-write-out', z: ids.tab, server: ids.cfg, keyword: '', name: 'write e2e', x: 200, y: 180, wires: [[]] }),
      ],
    });
  });
  after(async () => ed?.close());

  it('opens v2c-write-out with keyword choices from the admin endpoint', async function () {
    const page = ed!.page;
    const keywords = page.waitForResponse((res) => res.url().includes('v2c-trydan/keywords'));
    await openNodeDialog(page, ids.write);
    const res = await keywords;
    assert.equal(res.status(), 200);
    const select = page.locator('#node-input-keyword');
    await select.waitFor({ state: 'visible' });
    // Until the table arrives the select holds only "from the message" (and the current choice).
    await select.locator('option[value="Intensity"]').waitFor({ state: 'attached' });
    const values = await select.locator('option').evaluateAll((options) => options.map((o) => (o as unknown as { value: string }).value));
    assert.ok(values.includes('Intensity'), `keyword options: ${values.join(', ')}`);
    assert.ok(values.includes('Paused'), `keyword options: ${values.join(', ')}`);
    assert.equal(values[0], '', 'first choice: keyword from the message');

    // One fixed place outside the repo, overwritten by every run.
    const shots = path.join(os.tmpdir(), 'v2c-e2e-screenshots');
    fs.mkdirSync(shots, { recursive: true });
    const file = path.join(shots, `write-out-dialog-node-red-${nodeRedVersion}.png`);
    await page.screenshot({ path: file });
    console.log(`      screenshot: ${file}`);
  });
});
