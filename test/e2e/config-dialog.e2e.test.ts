// A charger set up the way a new user does it, in Chromium on a real Node-RED: from a node's
// dialog, "add new" opens the config dialog; the API key goes into a password field; "Find my
// chargers" asks the (simulated) cloud and fills in the device ID and LAN address; the LAN
// address is set to the simulator's; Done, Deploy. Then the key cannot be read back: not in
// GET /flows, not in Menu → Export, not in the dialog reopened after a reload, not in the log.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { nodeId, nodeRedVersion, waitFor } from '../helpers/red';
import { type Editor, type FlowNode, type InPage, cancelDialogs, deploy, deployedFlows, dialogDone, field, openEditor, openNodeDialog } from './browser';

/** Distinctive, so that finding it anywhere is certain to be a leak. */
const KEY = `e2e-key-${randomBytes(8).toString('hex')}`;
const DEVICE_ID = 'E2EDIALOG01';

describe(`e2e: the charger's config dialog in chromium, Node-RED ${nodeRedVersion}`, function () {
  this.timeout(60_000);
  let ed: Editor | undefined;
  const tab = nodeId();
  const telemetry = nodeId();
  let configId = '';

  before(async function () {
    this.timeout(120_000);
    ed = await openEditor(this, {
      sim: { deviceId: DEVICE_ID, cloud: { apiKey: KEY, latencyMs: 1 } },
      // The editor's Check and Find my chargers refuse loopback addresses unless allowed.
      extraSettings: { v2cConfigAllowLoopback: true },
      flows: (_sim, node) => [
        { id: tab, type: 'tab', label: 'Config dialog', disabled: false, info: '' },
        // No charger yet: the user adds one from here.
        node({ id: telemetry, type: 'v2c-realtime-in', z: tab, name: '', server: '', x: 200, y: 80, wires: [[]] }),
      ],
    });
  });
  after(async () => ed?.close());

  const cfg = (prop: string) => field(ed!.page, prop, true);

  it('adds a charger from a node\'s dialog; the API key field is a password', async function () {
    const page = ed!.page;
    await openNodeDialog(page, telemetry);
    assert.equal(await page.locator('#node-input-server').inputValue(), '_ADD_', 'no charger to choose yet');
    // "+" beside the charger (Node-RED 4+: -btn-server-add; older: the pencil, -lookup-server).
    await page.locator('#node-input-btn-server-add:visible, #node-input-lookup-server').first().click();
    await cfg('apiKey').waitFor({ state: 'visible' });
    assert.equal(await cfg('apiKey').getAttribute('type'), 'password');
    await cfg('apiKey').fill(KEY);
    await cfg('name').fill('E2E charger');
  });

  it('Find my chargers fills in the device ID and LAN address from the cloud', async function () {
    const page = ed!.page;
    await cfg('cloudUrl').fill(ed!.simAddress.cloudUrl!);
    await cfg('host').fill('');
    await cfg('deviceId').fill('');
    await page.locator('#v2c-config-discover').click();
    const charger = page.locator('#v2c-config-chargers li', { hasText: DEVICE_ID });
    await charger.waitFor({ state: 'visible', timeout: 20_000 }).catch(async (err: Error) => {
      throw new Error(`${err.message}\nthe dialog says: ${await page.locator('#v2c-config-discover-result').innerText()}`);
    });
    await charger.click();
    assert.equal(await cfg('deviceId').inputValue(), DEVICE_ID);
    // The cloud knows the charger's IP, not the simulator's port.
    assert.equal(await cfg('host').inputValue(), new URL(`http://${ed!.simAddress.host}`).hostname);
  });

  it('saves the charger with the simulator\'s LAN address: deployed, it answers', async function () {
    const page = ed!.page;
    await cfg('host').fill(ed!.simAddress.host);
    await dialogDone(page, true);
    configId = await page.locator('#node-input-server').inputValue();
    assert.match(configId, /^[0-9a-f]{16}$/, 'the new charger is chosen');
    await dialogDone(page);
    await deploy(page);
    const saved = (await deployedFlows(ed!.red.url)).find((n) => n.id === configId);
    assert.ok(saved, 'the config node is deployed');
    assert.deepEqual({ host: saved.host, deviceId: saved.deviceId, name: saved.name }, { host: ed!.simAddress.host, deviceId: DEVICE_ID, name: 'E2E charger' });
    await waitFor('a green status on the telemetry node', () =>
      page.evaluate((id) => ((globalThis as unknown as InPage).RED.nodes.node(id)?.status?.fill === 'green' ? true : undefined), telemetry),
    );
  });

  it('keeps the key out of GET /flows; Node-RED says only that one is set', async function () {
    const res = await fetch(`${ed!.red.url}/flows`, { headers: { 'Node-RED-API-Version': 'v2' } });
    const text = await res.text();
    assert.ok(text.includes(configId));
    assert.ok(!text.includes(KEY), 'GET /flows holds the API key');
    const creds = await (await fetch(`${ed!.red.url}/credentials/v2c-config/${configId}`)).json();
    // The Redis URL (left empty here) is a password credential too: only whether it is set is told.
    assert.deepEqual(creds, { has_apiKey: true, has_redisUrl: false });
  });

  it('keeps the key out of Menu → Export (all flows)', async function () {
    const page = ed!.page;
    await page.locator('#red-ui-header-button-sidemenu').click();
    await page.locator('#menu-item-export').click();
    await page.locator('#red-ui-clipboard-dialog-export-rng-full').click();
    await page.locator('#red-ui-tab-red-ui-clipboard-dialog-export-tab-clipboard-json a').click();
    const exported = await page.locator('#red-ui-clipboard-dialog-export-text').inputValue();
    await page.locator('#red-ui-clipboard-dialog-cancel').click();
    const nodes = JSON.parse(exported) as FlowNode[];
    assert.ok(nodes.some((n) => n.id === configId), 'the export holds the config node');
    assert.ok(!exported.includes(KEY), 'the export holds the API key');
  });

  it('does not show the key when the dialog is reopened after a reload', async function () {
    const page = ed!.page;
    await page.reload();
    await page.locator(`[id="${telemetry}"]`).waitFor({ timeout: 30_000 });
    await openNodeDialog(page, telemetry);
    await page.locator('#node-input-btn-server-edit, #node-input-lookup-server').first().click();
    await cfg('apiKey').waitFor({ state: 'visible' });
    const shown = await cfg('apiKey').inputValue();
    assert.notEqual(shown, '', 'the dialog shows no sign of a saved key');
    assert.ok(!shown.includes(KEY), 'the dialog shows the API key');
    const values = await page.evaluate(() => Array.from(document.querySelectorAll('input, textarea')).map((e) => (e as HTMLInputElement).value));
    assert.ok(!values.some((v) => v.includes(KEY)), 'a field of the editor holds the API key');
    assert.ok(!(await page.content()).includes(KEY), 'the page holds the API key');
    await cancelDialogs(page);
  });

  it('never printed the key to Node-RED\'s log', function () {
    assert.ok(!ed!.red.output().includes(KEY));
  });
});
