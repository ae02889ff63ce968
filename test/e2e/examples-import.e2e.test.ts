// Every example of examples/, as a new user gets it, in Chromium on a real Node-RED with the
// package installed: Menu → Import → Examples → the package → the example, into a new flow,
// beside the ones imported before (no "nodes already exist"). The user then does what the
// example's comment asks: opens the charger (config node) from a node's dialog and sets the
// LAN address (here the simulator's); for cloud nodes also the cloud address (the simulator's),
// the API key and Find my chargers; where an inject carries the meter's URL (msg.url, as the
// HTTP meter example asks) it gets a Fronius-style meter the test serves from the simulator's site. Deploy: no error notification, no error in Node-RED's log,
// and where the example talks to the simulator a green status on the package's nodes.
// Before each deploy the test checks that the flow would contact nothing but 127.0.0.1.
// Writes docs/images/surplus-flow.png (and dashboard.png with @flowfuse/node-red-dashboard)
// with V2C_SCREENSHOTS=1.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { nodeRedVersion, repoRoot, waitFor } from '../helpers/red';
import {
  type Editor,
  type FlowNode,
  type InPage,
  EXAMPLES,
  NODE_TYPES,
  PACKAGE_NAME,
  WRITE_SCREENSHOTS,
  cancelDialogs,
  deploy,
  dialogDone,
  errorLines,
  errorNotifications,
  field,
  openEditor,
  openNodeDialog,
  readmeScreenshot,
} from './browser';

const KEY = 'e2e-examples-key';
const DEVICE_ID = 'E2EEXAMPLE1';
/** Node types that talk to the V2C cloud: their examples need a key and a device ID. */
const CLOUD_TYPES = new Set(['v2c-cloud-command', 'v2c-rfid', 'v2c-statistics', 'v2c-power-profile', 'v2c-wifi-scan']);
/** Properties that name an address a node contacts once deployed. */
const ADDRESS_PROPS = ['url', 'broker', 'host', 'cloudUrl'];
/** The path of the meter's reply the HTTP example polls (a Fronius inverter's power flow). */
const METER_PATH = '/solar_api/v1/GetPowerFlowRealtimeData.fcgi';
const PRICES_PATH = '/v1/marketdata';
const SURPLUS_EXAMPLE = "PV surplus with the charger's own meter";
const DASHBOARD_MODULE = '@flowfuse/node-red-dashboard';

function readExample(name: string): FlowNode[] {
  return JSON.parse(fs.readFileSync(path.join(repoRoot, 'examples', `${name}.json`), 'utf8')) as FlowNode[];
}

/** Where a deployed node would connect to, if not to 127.0.0.1 / localhost. */
function reachesOut(n: FlowNode): string[] {
  const out: string[] = [];
  // An inject's msg.url is the address an HTTP request node after it polls.
  const injected = Object.fromEntries(injectedProps(n).map((p) => [`props.${p.p}`, p.v]));
  for (const prop of [...ADDRESS_PROPS, ...ADDRESS_PROPS.map((p) => `props.${p}`)]) {
    const v = prop.startsWith('props.') ? injected[prop] : n[prop];
    // (A node id here is a reference to a config node, e.g. an MQTT node's broker.)
    if (typeof v !== 'string' || !v.trim() || /^[0-9a-f]{16}$/.test(v)) continue;
    if (n.type === 'v2c-config' && prop === 'cloudUrl' && !n.hasApiKey) continue; // no key: the cloud is never called
    let host: string;
    try {
      host = new URL(/^[a-z]+:\/\//i.test(v) ? v : `http://${v}`).hostname;
    } catch {
      continue;
    }
    if (!/^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/i.test(host)) out.push(`${n.type}${n.name ? ` "${n.name}"` : ''}.${prop} = ${v}`);
  }
  return out;
}

/** The properties an inject node sets on its message ({p, v, vt}); none for other nodes. */
function injectedProps(n: FlowNode): Array<{ p: string; v?: unknown; vt?: string }> {
  return n.type === 'inject' && Array.isArray(n.props) ? (n.props as Array<{ p: string; v?: unknown; vt?: string }>) : [];
}

describe(`e2e: every example imported from the menu in chromium, Node-RED ${nodeRedVersion}`, function () {
  this.timeout(90_000);
  let ed: Editor | undefined;
  let installedTypes: Set<string>;
  const dashboardDir = path.join(repoRoot, 'node_modules', ...DASHBOARD_MODULE.split('/'));
  const hasDashboard = fs.existsSync(path.join(dashboardDir, 'package.json'));
  /** The tab each example was imported into. */
  const tabs = new Map<string, string>();
  let meter: http.Server | undefined;
  let meterPort = 0;
  let meterReads = 0;

  before(async function () {
    this.timeout(120_000);
    ed = await openEditor(this, {
      sim: { deviceId: DEVICE_ID, cloud: { apiKey: KEY, latencyMs: 1 } },
      extraSettings: { v2cConfigAllowLoopback: true },
      // Wide enough for the flows' comments in the README's screenshot.
      viewport: { width: 1800, height: 900 },
      // The dashboard is an extra install: a user who has it has it in their user directory.
      ...(hasDashboard ? { beforeStart: (userDir: string) => linkModule(userDir, DASHBOARD_MODULE, dashboardDir) } : {}),
    });
    const nodes = await (await fetch(`${ed.red.url}/nodes`, { headers: { Accept: 'application/json' } })).json();
    installedTypes = new Set((nodes as Array<{ types: string[] }>).flatMap((s) => s.types));
    // A meter with a Fronius inverter's power-flow reply, reading the simulator's site.
    const sim = ed.sim;
    // The same server is the price API (aWATTar's reply: a day of hourly prices).
    meter = http.createServer((req, res) => {
      meterReads++;
      res.setHeader('Content-Type', 'application/json');
      if (req.url === PRICES_PATH) {
        const hour = 3_600_000;
        const first = Math.floor(Date.now() / hour) * hour;
        const data = Array.from({ length: 24 }, (_, i) => ({ start_timestamp: first + i * hour, end_timestamp: first + (i + 1) * hour, marketprice: 100 + (i % 5) * 10, unit: 'Eur/MWh' }));
        res.end(JSON.stringify({ object: 'list', data }));
        return;
      }
      const site = sim.snapshot().site;
      res.end(JSON.stringify({ Body: { Data: { Site: { P_Grid: site.gridW, P_PV: site.pvW, P_Load: -site.houseW } } } }));
    });
    await new Promise<void>((resolve) => meter!.listen(0, '127.0.0.1', resolve));
    meterPort = (meter.address() as AddressInfo).port;
  });
  afterEach(async function () {
    if (!ed) return;
    await cancelDialogs(ed.page);
    // Imported nodes still hanging on the mouse after a failure: Escape drops the import.
    if (this.currentTest?.state === 'failed') await ed.page.keyboard.press('Escape');
  });
  after(async () => {
    await ed?.close();
    await new Promise((resolve) => (meter ? meter.close(resolve) : resolve(undefined)));
  });

  /** Menu → Import → Examples → package → name, into a new flow; the nodes dropped on the canvas. */
  async function importExample(name: string): Promise<string> {
    const page = ed!.page;
    await page.locator('#red-ui-header-button-sidemenu').click();
    await page.locator('#menu-item-import').click();
    await page.locator('a[href="#red-ui-clipboard-dialog-import-tab-examples"]').click();
    const examples = page.locator('#red-ui-clipboard-dialog-import-tab-examples');
    const label = (text: string) => examples.locator('.red-ui-treeList-label', { has: page.locator('.red-ui-treeList-label-text').getByText(text, { exact: true }) });
    // The package's folder opens with a click (and stays open for the next import).
    await label(PACKAGE_NAME).waitFor({ state: 'visible' });
    if (!(await label(name).isVisible())) await label(PACKAGE_NAME).click();
    // A click while the folder still opens (or the list scrolls) can miss: it is tried again
    // until the example is the selected one.
    const selected = examples.locator('.red-ui-treeList-label.selected', { hasText: name });
    for (let attempt = 1; ; attempt++) {
      await label(name).scrollIntoViewIfNeeded();
      await label(name).click();
      const shown = await selected.waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false);
      if (shown) break;
      if (attempt === 3) throw new Error(`the example "${name}" would not be selected in Import → Examples`);
    }
    await page.locator('#red-ui-clipboard-dialog-ok:not(.disabled):not([disabled])').waitFor({ state: 'visible' });
    await page.locator('#red-ui-clipboard-dialog-import-opt-new').click();
    await page.locator('#red-ui-clipboard-dialog-ok').click();
    const conflict = page.locator('#red-ui-clipboard-dialog-import-conflict');
    if (await conflict.isVisible()) {
      const text = await page.locator('#red-ui-clipboard-dialog').innerText();
      await page.locator('#red-ui-clipboard-dialog-cancel').click();
      throw new Error(`importing "${name}" beside the other examples: ${text}`);
    }
    await page.locator('#red-ui-clipboard-dialog-ok').waitFor({ state: 'hidden' });
    // The imported nodes hang on the mouse until a click on the canvas puts them down. On a
    // busy machine they may be attached only after the dialog has gone: a click before that
    // would leave them hanging, and the next double-click on a node would only drop them.
    const mode = (m: 'IMPORT_DRAGGING' | 'DEFAULT') => page.waitForFunction((want) => {
      const R = (globalThis as unknown as { RED: { view: { state(): number }; state: Record<string, number> } }).RED;
      return R.view.state() === R.state[want];
    }, m);
    await mode('IMPORT_DRAGGING');
    const chart = page.locator('#red-ui-workspace-chart');
    const box = (await chart.boundingBox())!;
    await page.mouse.move(box.x + 60, box.y + 60);
    await page.mouse.click(box.x + 60, box.y + 60);
    await mode('DEFAULT');
    return page.evaluate(() => (globalThis as unknown as InPage).RED.workspaces.active());
  }

  /** The nodes on a tab and the config nodes they use (as the editor holds them). */
  async function nodesOf(tab: string): Promise<FlowNode[]> {
    return ed!.page.evaluate((z) => {
      const R = (globalThis as unknown as InPage).RED;
      const out: FlowNode[] = [];
      R.nodes.eachNode((n) => {
        if (n.z === z) out.push({ id: n.id, type: n.type, name: n.name, server: n.server, url: n.url, broker: n.broker, props: n.props, status: n.status });
      });
      const used = new Set(out.flatMap((n) => Object.values(n).filter((v): v is string => typeof v === 'string')));
      R.nodes.eachConfig((n) => {
        if (used.has(n.id)) {
          const creds = (n as { credentials?: { has_apiKey?: boolean; apiKey?: string } }).credentials;
          out.push({ id: n.id, type: n.type, name: n.name, host: n.host, broker: n.broker, cloudUrl: n.cloudUrl, hasApiKey: !!(creds?.has_apiKey || creds?.apiKey) });
        }
      });
      return out;
    }, tab);
  }

  /**
   * What the example asks of the user: the charger's address (and for the cloud, key and
   * device); the meter's (or the price API's) URL in the msg.url of the inject that starts
   * each poll (here the test's meter).
   */
  async function pointAtSimulator(nodes: FlowNode[]): Promise<void> {
    const page = ed!.page;
    for (const inject of nodes.filter((n) => injectedProps(n).some((p) => p.p === 'url'))) {
      await openNodeDialog(page, inject.id);
      // The inject's property list: the row whose property is msg.url gets the URL typed in.
      const rows = page.locator('#node-input-property-container > li');
      await rows.first().waitFor({ state: 'visible' });
      let done = false;
      for (const row of await rows.all()) {
        if ((await row.locator('input.node-input-prop-property-name').inputValue()) !== 'url') continue;
        // (The value's typedInput hides the original input and shows its own right after it.)
        const value = row.locator('input.node-input-prop-property-value + .red-ui-typedInput-container input.red-ui-typedInput-input');
        // The goal example's hourly inject fetches prices; the others poll a meter.
        await value.fill(`http://127.0.0.1:${meterPort}${inject.name === 'every hour' ? PRICES_PATH : METER_PATH}`);
        await value.press('Tab');
        done = true;
      }
      assert.ok(done, `the inject "${String(inject.name)}" shows no msg.url to set`);
      await dialogDone(page);
    }
    const usesCloud = nodes.some((n) => CLOUD_TYPES.has(n.type));
    for (const cfgNode of nodes.filter((n) => n.type === 'v2c-config')) {
      const user = nodes.find((n) => n.server === cfgNode.id);
      assert.ok(user, `no node uses the config node ${cfgNode.id}`);
      await openNodeDialog(page, user.id);
      await page.locator('#node-input-btn-server-edit, #node-input-lookup-server').first().click();
      const cfg = (prop: string) => field(page, prop, true);
      await cfg('host').waitFor({ state: 'visible' });
      await cfg('host').fill(ed!.simAddress.host);
      if (usesCloud) {
        await cfg('cloudUrl').fill(ed!.simAddress.cloudUrl!);
        await cfg('apiKey').fill(KEY);
        await page.locator('#v2c-config-discover').click();
        await page.locator('#v2c-config-chargers li', { hasText: DEVICE_ID }).click({ timeout: 20_000 });
        await cfg('host').fill(ed!.simAddress.host); // the cloud knows the IP, not the simulator's port
      }
      await dialogDone(page, true);
      await dialogDone(page);
    }
  }

  for (const name of EXAMPLES) {
    it(`${name}: imports from Import → Examples, deploys without an error`, async function () {
      const page = ed!.page;
      const missing = [...new Set(readExample(name).map((n) => n.type))].filter((t) => t !== 'tab' && !installedTypes.has(t));
      if (missing.length) {
        console.log(`      (skipped "${name}": needs ${missing.join(', ')}, not installed${missing.some((t) => t.startsWith('ui-')) ? ` — npm install ${DASHBOARD_MODULE}` : ''})`);
        this.skip();
      }
      const logFrom = ed!.red.output().length;
      const tab = await importExample(name);
      tabs.set(name, tab);
      const imported = await nodesOf(tab);
      assert.ok(imported.length > 1, `nothing was imported for "${name}"`);
      await pointAtSimulator(imported);

      const nodes = await nodesOf(tab);
      const outside = nodes.flatMap(reachesOut);
      if (outside.length) {
        // Never deployed: it would send traffic off this machine.
        await page.evaluate((z) => (globalThis as unknown as InPage & { RED: { workspaces: { delete(id: string): void } } }).RED.workspaces.delete(z), tab);
        assert.fail(`"${name}" would contact addresses other than 127.0.0.1 once deployed (the user was not asked to set them): ${outside.join('; ')}`);
      }

      const readsBefore = meterReads;
      await deploy(page);
      if (nodes.some((n) => n.type === 'http request')) {
        await waitFor(`"${name}" reading its meter or prices`, () => (meterReads > readsBefore ? true : undefined), 15_000);
      }
      const ours = nodes.filter((n) => NODE_TYPES.includes(n.type) && n.type !== 'v2c-config');
      const talksToSim = nodes.some((n) => n.type === 'v2c-config');
      if (talksToSim) {
        await waitFor(`a green status on a node of "${name}"`, async () => ((await statuses(ours.map((n) => n.id))).some((s) => s?.fill === 'green') ? true : undefined), 20_000);
      } else {
        await page.waitForTimeout(1000);
      }
      const red = (await statuses(ours.map((n) => n.id))).map((s, i) => (s?.fill === 'red' ? `${ours[i]!.type}: ${s.text}` : '')).filter(Boolean);
      assert.deepEqual(red, [], `red statuses in "${name}"`);
      assert.deepEqual(await errorNotifications(page), [], `error notifications after deploying "${name}"`);
      assert.deepEqual(errorLines(ed!.red, logFrom), [], `errors in Node-RED's log after deploying "${name}"`);
    });
  }

  async function statuses(ids: string[]): Promise<Array<{ fill?: string; text?: string } | undefined>> {
    return ed!.page.evaluate((list) => list.map((id) => (globalThis as unknown as InPage).RED.nodes.node(id)?.status), ids);
  }

  it(`writes docs/images/surplus-flow.png: "${SURPLUS_EXAMPLE}" on the simulator (V2C_SCREENSHOTS=1)`, async function () {
    const tab = tabs.get(SURPLUS_EXAMPLE);
    assert.ok(tab, `"${SURPLUS_EXAMPLE}" was not imported`);
    const page = ed!.page;
    await page.evaluate((z) => (globalThis as unknown as InPage).RED.workspaces.show(z), tab);
    await page.evaluate(() => (globalThis as unknown as InPage & { RED: { view: { select(s: string): void } } }).RED.view.select(''));
    await page.waitForTimeout(WRITE_SCREENSHOTS ? 3000 : 0); // a few decisions on the statuses
    // The canvas down to just below the flow's lowest node.
    const canvas = (await page.locator('#red-ui-workspace-chart').boundingBox())!;
    const bottom = await page.evaluate((z) => {
      let max = 0;
      (globalThis as unknown as InPage).RED.nodes.eachNode((n) => {
        if (n.z === z) max = Math.max(max, Number(n.y) || 0);
      });
      return max;
    }, tab);
    await readmeScreenshot(page, 'surplus-flow.png', { x: canvas.x, y: canvas.y, width: canvas.width, height: Math.min(canvas.height, bottom + 60) });
  });

  it('writes docs/images/dashboard.png with the dashboard example (V2C_SCREENSHOTS=1)', async function () {
    if (!hasDashboard) {
      console.log(`      (no dashboard.png: ${DASHBOARD_MODULE} is not installed)`);
      this.skip();
    }
    const name = EXAMPLES.find((e) => readExample(e).some((n) => n.type.startsWith('ui-')));
    assert.ok(name && tabs.has(name), `no dashboard example was imported (${DASHBOARD_MODULE} is installed)`);
    const dash = await ed!.page.context().newPage();
    try {
      await dash.setViewportSize({ width: 1280, height: 800 });
      await dash.goto(`${ed!.red.url}/dashboard`);
      await dash.locator('#app, .v-application').first().waitFor({ timeout: 30_000 });
      await dash.waitForTimeout(WRITE_SCREENSHOTS ? 5000 : 0); // a few readings in the charts
      // The dashboard's own "App is offline ready" note is not part of the picture.
      const note = dash.locator('div', { hasText: /^App is offline ready/ }).getByRole('button', { name: 'Close' });
      if (await note.count()) await note.first().click();
      await readmeScreenshot(dash, 'dashboard.png');
    } finally {
      await dash.close();
    }
  });
});

/** Makes a module installed in the repository visible in Node-RED's user directory. */
function linkModule(userDir: string, name: string, dir: string): void {
  const target = path.join(userDir, 'node_modules', ...name.split('/'));
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.symlinkSync(dir, target, 'dir');
}
