// End to end for PV surplus: every surplus example deployed in a real Node-RED with this
// package installed as a user installs it, next to the simulator; then the charger's-own-meter
// example alone, driving the simulated charger as `npm start` does.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { TrydanSimulator } from '../../src/sim';
import {
  type NodeRedProcess,
  deployFlows,
  getJson,
  installPackage,
  nodeId,
  nodeRedVersion,
  packageJson,
  removeDir,
  repoRoot,
  startNodeRed,
  tempDir,
  waitFor,
} from '../helpers/red';

const CHROMIUM = process.env.V2C_CHROMIUM || '/usr/bin/chromium';
const IN_CI = !!process.env.CI && !/^(0|false)$/i.test(process.env.CI);

type FlowNode = { id: string; type: string; name?: string; server?: string; z?: string; wires?: string[][]; [key: string]: unknown };

const EXAMPLES = fs
  .readdirSync(path.join(repoRoot, 'examples'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.replace(/\.json$/, ''))
  .filter((name) => {
    const nodes = JSON.parse(fs.readFileSync(path.join(repoRoot, 'examples', `${name}.json`), 'utf8')) as FlowNode[];
    // The dashboard example needs @flowfuse/node-red-dashboard: examples.e2e.test.ts deploys it with it.
    return nodes.some((n) => n.type === 'v2c-surplus') && !nodes.some((n) => n.type.startsWith('ui-'));
  });

/** The local "aWATTar"'s price of the i-th hour from now, EUR/MWh: uneven, so the cheapest hours are a choice. */
function awattarPrice(i: number): number {
  return 50 + ((i * 7) % 13) * 10;
}

interface Observed {
  statuses: Record<string, string>;
  errors: Array<{ source?: string; message?: string }>;
  /** The last decision report's goal (output 2 of a PV surplus node). */
  goal?: unknown;
}

describe(`e2e: PV surplus examples in a real Node-RED ${nodeRedVersion}`, function () {
  this.timeout(120_000);

  let sim: TrydanSimulator;
  let host: string;
  /** One more simulated charger per example, so controllers of different examples never share one. */
  const others: TrydanSimulator[] = [];
  let userDir: string;
  let red: NodeRedProcess | undefined;

  before(async function () {
    // A sun that leaves well under 16 A of surplus at 10:00, so the controller must act.
    sim = new TrydanSimulator({ latencyMs: 10, carConnected: true, environment: { pvPeakW: 4000, cloudiness: 0 } });
    ({ host } = await sim.start());
    userDir = tempDir('v2c-e2e-surplus-');
    await installPackage(userDir);
    red = await startNodeRed({ userDir });
  });

  after(async function () {
    await red?.stop();
    await sim?.stop();
    await Promise.all(others.map((s) => s.stop()));
    removeDir(userDir);
  });

  const failWithLog = (err: unknown): never => {
    throw new Error(`${(err as Error).message}\n--- Node-RED output ---\n${red?.output() ?? ''}`);
  };
  const observed = () => getJson<Observed>(`${red!.url}/e2e/surplus`);

  /**
   * The examples, each on its own tab as Import → Examples puts them with its config node
   * pointed at a simulator, an HTTP meter served locally, and on every tab a status and a
   * catch node that report to GET /e2e/surplus.
   */
  function build(names: string[], hostsOf: (name: string) => string[]): { flows: FlowNode[]; surplusIds: Record<string, string> } {
    const harness = nodeId();
    const record = nodeId();
    const flows: FlowNode[] = [
      { id: harness, type: 'tab', label: 'e2e harness' },
      {
        id: record,
        type: 'function',
        z: harness,
        name: 'record',
        func: [
          "const s = global.get('e2e') || { statuses: {}, errors: [] };",
          "if (msg.status) s.statuses[msg.status.source.id] = msg.status.text || '';",
          'if (msg.error) s.errors.push({ source: msg.error.source && msg.error.source.type, message: msg.error.message });',
          "if (msg.payload && typeof msg.payload === 'object' && msg.payload.goal) s.goal = msg.payload.goal;",
          "global.set('e2e', s);",
          'return null;',
        ].join('\n'),
        outputs: 1,
        wires: [[]],
      },
    ];
    const http = (url: string, body: string) => {
      const inId = nodeId();
      const setId = nodeId();
      const outId = nodeId();
      flows.push(
        { id: inId, type: 'http in', z: harness, url, method: 'get', upload: false, swaggerDoc: '', wires: [[setId]] },
        { id: setId, type: 'function', z: harness, func: body, outputs: 1, wires: [[outId]] },
        { id: outId, type: 'http response', z: harness, statusCode: '', headers: {}, wires: [] },
      );
    };
    http('/e2e/surplus', "msg.payload = global.get('e2e') || { statuses: {}, errors: [] }; return msg;");
    // A Fronius inverter exporting 2.5 kW with 4 kW of PV.
    http('/e2e/fronius', 'msg.payload = { Body: { Data: { Site: { P_Grid: -2500, P_PV: 4000 } } } }; return msg;');
    // Day-ahead prices as aWATTar serves them (EUR/MWh): the next 24 hours, each hour's price
    // from awattarPrice (below).
    http(
      '/e2e/awattar',
      [
        'const hour = 3600000;',
        'const first = Math.floor(Date.now() / hour) * hour;',
        'const data = [];',
        'for (let i = 0; i < 24; i++) {',
        `  data.push({ start_timestamp: first + i * hour, end_timestamp: first + (i + 1) * hour, marketprice: (${awattarPrice.toString()})(i), unit: 'Eur/MWh' });`,
        '}',
        "msg.payload = { object: 'list', data, url: '/at/v1/marketdata' };",
        'return msg;',
      ].join('\n'),
    );

    const surplusIds: Record<string, string> = {};
    for (const name of names) {
      const tab = nodeId();
      flows.push({ id: tab, type: 'tab', label: name });
      const nodes = JSON.parse(fs.readFileSync(path.join(repoRoot, 'examples', `${name}.json`), 'utf8')) as FlowNode[];
      // Each config node of the example on a simulator of its own (two chargers on one site: two).
      const configs = new Map(nodes.filter((n) => n.type === 'v2c-config').map((n, i) => [n.id, { id: nodeId(), host: hostsOf(name)[i] ?? hostsOf(name)[0]! }]));
      for (const [, cfg] of configs) flows.push({ id: cfg.id, type: 'v2c-config', name: `Sim ${cfg.host}`, host: cfg.host, deviceId: '', cloudUrl: 'https://v2c.cloud/kong/v2c_service', pollInterval: 1, idleInterval: 30, version: 1 });
      for (const node of nodes) {
        if (node.type === 'v2c-config') continue;
        const copy: FlowNode = { ...node };
        // Config nodes (the MQTT broker) live outside tabs, like an import puts them.
        if (!['mqtt-broker'].includes(node.type)) copy.z = tab;
        if (copy.server && configs.has(copy.server)) copy.server = configs.get(copy.server)!.id;
        // The HTTP examples' URLs are the inject's msg.url, empty until the user sets them: the
        // meter's is the local "inverter", the prices' the local "aWATTar".
        if (node.type === 'inject' && Array.isArray(node.props) && (node.props as Array<{ p: string }>).some((p) => p.p === 'url')) {
          const url = `${red!.url}/e2e/${node.name === 'every hour' ? 'awattar' : 'fronius'}`;
          copy.props = (node.props as Array<{ p: string }>).map((p) => (p.p === 'url' ? { ...p, v: url } : p));
        }
        if (node.type === 'v2c-surplus') {
          // Two chargers on one site: the second by its name.
          surplusIds[surplusIds[name] ? `${name} (${node.name})` : name] = node.id;
          // Its decisions (output 2) are recorded too: the goal's plan is in them.
          copy.wires = [copy.wires?.[0] ?? [], [...(copy.wires?.[1] ?? []), `${record}-link-${tab}`]];
        }
        flows.push(copy);
      }
      flows.push(
        { id: nodeId(), type: 'status', z: tab, scope: null, wires: [[`${record}-link-${tab}`]] },
        { id: nodeId(), type: 'catch', z: tab, scope: null, uncaught: false, wires: [[`${record}-link-${tab}`]] },
        { id: `${record}-link-${tab}`, type: 'link out', z: tab, mode: 'link', links: [`${record}-in`], wires: [] },
      );
    }
    flows.push({ id: `${record}-in`, type: 'link in', z: harness, links: flows.filter((n) => n.type === 'link out').map((n) => n.id), wires: [[record]] });
    return { flows, surplusIds };
  }

  it('has a PV surplus example for each meter the issue names', () => {
    assert.deepEqual([...EXAMPLES].sort(), [
      '20 kWh by 7 am from the sun and the cheapest hours',
      'Battery priority and min+PV',
      'PV surplus with an HTTP-polled meter',
      'PV surplus with an MQTT grid meter',
      "PV surplus with the charger's own meter",
      'Simulated sunny and cloudy day (no hardware)',
      'Two chargers share the surplus and one fuse',
    ]);
  });

  it('lists v2c-surplus among the loaded node types and serves the examples', async function () {
    const sets = await getJson<Array<{ module: string; types: string[]; err?: string }>>(`${red!.url}/nodes`);
    const ours = sets.filter((s) => s.module === packageJson.name);
    assert.ok(ours.some((s) => s.types.includes('v2c-surplus')), 'v2c-surplus is loaded');
    for (const s of ours) assert.equal(s.err, undefined, `node set failed to load: ${s.err}`);
    for (const name of EXAMPLES) {
      const flow = await getJson<FlowNode[]>(`${red!.url}/library/examples/flows/${packageJson.name}/${encodeURIComponent(name)}`);
      assert.ok(flow.some((n) => n.type === 'v2c-surplus'), `${name} is served`);
    }
  });

  it('deploys every surplus example without errors; each controller shows its state', async function () {
    const hosts: Record<string, string[]> = {};
    for (const name of EXAMPLES) {
      const nodes = JSON.parse(fs.readFileSync(path.join(repoRoot, 'examples', `${name}.json`), 'utf8')) as FlowNode[];
      hosts[name] = [];
      for (let i = 0; i < Math.max(1, nodes.filter((n) => n.type === 'v2c-config').length); i++) {
        const other = new TrydanSimulator({ latencyMs: 10, carConnected: true, environment: { pvPeakW: 4000, cloudiness: 0 } });
        others.push(other);
        hosts[name].push((await other.start()).host);
      }
    }
    const { flows, surplusIds } = build(EXAMPLES, (name) => hosts[name]!);
    const before = red!.output().length;
    await deployFlows(red!.url, flows);
    const statuses = await waitFor(
      'a status from every PV surplus node',
      async () => {
        const s = await observed();
        return Object.values(surplusIds).every((id) => s.statuses[id]) ? s.statuses : undefined;
      },
      20_000,
    ).catch(failWithLog);
    for (const [name, id] of Object.entries(surplusIds)) {
      assert.ok(!/bad settings/.test(statuses[id]!), `${name}: ${statuses[id]}`);
    }
    // The HTTP example gets its readings from the local "inverter": 2.5 kW of export.
    await waitFor('the HTTP example reading its meter', async () => {
      const text = (await observed()).statuses[surplusIds['PV surplus with an HTTP-polled meter']!];
      return text && !/waiting for (meter|charger)/.test(text) ? text : undefined;
    }, 20_000).catch(failWithLog);
    const { errors } = await observed();
    assert.deepEqual(errors, [], 'no node reported an error');
    const log = red!.output().slice(before);
    assert.doesNotMatch(log, /\[error\]/, 'no errors in the log');
    assert.doesNotMatch(log, /missing types|Unknown type/i);
  });

  it('"PV surplus with the charger\'s own meter" takes over the charger and follows the sun', async function () {
    const name = "PV surplus with the charger's own meter";
    // The car charges at 16 A when the flow starts; the sun carries less.
    sim.set({ Paused: 0, Intensity: 16, PauseDynamic: 1 });
    sim.clearLog();
    const { flows, surplusIds } = build([name], () => [host]);
    await deployFlows(red!.url, flows);
    await waitFor('the controller lowering the current to the surplus', () => (sim.state.Intensity < 16 ? true : undefined), 30_000).catch(failWithLog);
    const writes = sim.writes.filter((w) => w.accepted).map((w) => w.keyword);
    assert.ok(writes.includes('Intensity'), `writes: ${writes.join(', ')}`);
    assert.ok(!writes.includes('Locked') && !writes.includes('Dynamic'), `never Locked or Dynamic: ${writes.join(', ')}`);
    const status = (await observed()).statuses[surplusIds[name]!];
    assert.match(String(status), /^(PV \d+ A|stop in \d+:\d\d)/, `status: ${status}`);
    assert.equal(sim.maxConcurrent, 1);
  });

  it('"20 kWh by 7 am from the sun and the cheapest hours" fetches the prices and plans the goal in the cheapest hours', async function () {
    const name = '20 kWh by 7 am from the sun and the cheapest hours';
    // A night: no sun, so the plan goes to the cheapest hours (with sun seen lately it would
    // keep to the latest safe ones).
    const dark = new TrydanSimulator({ latencyMs: 10, carConnected: true, environment: { pvPeakW: 0 } });
    others.push(dark);
    const darkHost = (await dark.start()).host;
    const { flows, surplusIds } = build([name], () => [darkHost]);
    // Its 07:00 may be an hour away, leaving no choice: the test's deadline is 10 hours away,
    // where 20 kWh need about 6 hours at full power.
    const at = new Date(Date.now() + 10 * 3_600_000);
    const by = `${String(at.getHours()).padStart(2, '0')}:00`;
    flows.find((n) => n.id === surplusIds[name])!.targetTime = by;
    await deployFlows(red!.url, flows);
    const goal = await waitFor(
      'a goal plan with the fetched prices',
      async () => {
        const g = (await observed()).goal as { targetKwh?: number; pricesKnown?: number; slots?: Array<{ start: string; price: number }>; deadline?: string } | undefined;
        return g && g.pricesKnown && g.slots?.length ? g : undefined;
      },
      30_000,
    ).catch(failWithLog);
    assert.equal(goal.targetKwh, 20);
    assert.equal(new Date(Date.parse(goal.deadline!)).getHours(), at.getHours(), `the deadline is ${by} local time`);
    assert.ok(goal.slots!.length < 10, `a choice was made: ${JSON.stringify(goal.slots)}`);
    // No hour before the deadline left out is cheaper than one chosen.
    let leftOut = 0;
    const hour = 3_600_000;
    const first = Math.floor(Date.now() / hour) * hour;
    const chosen = new Set(goal.slots!.map((slot) => Math.floor(Date.parse(slot.start) / hour) * hour));
    const dearestChosen = Math.max(...goal.slots!.map((slot) => slot.price));
    for (let i = 1; first + (i + 1) * hour <= Date.parse(goal.deadline!); i++) {
      if (chosen.has(first + i * hour)) continue;
      leftOut++;
      assert.ok(awattarPrice(i) >= dearestChosen, `hour ${i} (${awattarPrice(i)}) left out, chosen up to ${dearestChosen}: ${JSON.stringify(goal.slots)}`);
    }
    assert.ok(leftOut >= 2, `hours were left out: ${JSON.stringify(goal.slots)}`);
    assert.deepEqual((await observed()).errors, [], 'no node reported an error');
  });

  it('opens the editor dialog in chromium: seven tabs, the table\'s defaults, a goal, a site, a valid node', async function () {
    if (!fs.existsSync(CHROMIUM)) {
      if (IN_CI) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)`);
      this.skip();
    }
    const tab = nodeId();
    const surplus = nodeId();
    await deployFlows(red!.url, [
      { id: tab, type: 'tab', label: 'Editor' },
      { id: surplus, type: 'v2c-surplus', z: tab, name: 'dialog e2e', x: 200, y: 100, wires: [[], []] },
    ]);
    const profile = tempDir('v2c-e2e-surplus-chromium-');
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1400, height: 900 },
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      const pageErrors: string[] = [];
      page.on('pageerror', (err) => pageErrors.push(err.message));
      await page.goto(red!.url);
      await page.locator(`[id="${surplus}"] .red-ui-flow-node`).dblclick({ timeout: 30_000 });
      const tabs = page.locator('#v2c-surplus-tabs li');
      await tabs.first().waitFor({ state: 'visible' });
      assert.deepEqual((await tabs.allTextContents()).map((t) => t.trim()), ['Meter', 'Charging', 'Start/stop', 'Tuning', 'Safety', 'Goal', 'Site']);
      await page.locator('#v2c-surplus-tabs a', { hasText: 'Start/stop' }).click();
      await page.locator('#node-input-stopDelay').waitFor({ state: 'visible' });
      assert.equal(await page.locator('#node-input-stopDelay').inputValue(), '120');
      assert.equal(await page.locator('#node-input-minPause').inputValue(), '0');
      assert.equal(await page.locator('#node-input-startDelay').inputValue(), '20');
      assert.equal(await page.locator('#node-input-startSurplus').getAttribute('placeholder'), 'auto');
      // Two tab clicks within 400 ms are a double click to Node-RED's tabs: pause as a person would.
      await page.waitForTimeout(500);
      await page.locator('#v2c-surplus-tabs a', { hasText: 'Meter' }).click();
      await page.locator('#node-input-gridSource').selectOption('charger');
      await page.locator('#node-input-gridFormat').waitFor({ state: 'hidden' });
      await page.locator('#node-input-gridSource').selectOption('message');
      await page.waitForTimeout(500);
      await page.locator('#v2c-surplus-tabs a', { hasText: 'Goal' }).click();
      await page.locator('#node-input-targetEnergy').waitFor({ state: 'visible' });
      assert.equal(await page.locator('#node-input-goalMargin').inputValue(), '10');
      await page.locator('#node-input-targetEnergy').fill('20');
      await page.locator('#node-input-targetTime').fill('07:00');
      // The site: its fields show once it has a name; the choices come from the runtime's table.
      await page.waitForTimeout(500);
      await page.locator('#v2c-surplus-tabs a', { hasText: 'Site' }).click();
      await page.locator('#node-input-site').waitFor({ state: 'visible' });
      await page.locator('#node-input-siteCurrent').waitFor({ state: 'hidden' });
      await page.locator('#node-input-site').fill('home');
      await page.locator('#node-input-siteCurrent').waitFor({ state: 'visible' });
      assert.equal(await page.locator('#node-input-sitePhases').inputValue(), '3');
      await page.locator('#node-input-siteCurrent').fill('25');
      await page.locator('#node-input-siteSharing').selectOption('even');
      await page.locator('#node-dialog-ok').click();
      await page.locator('#v2c-surplus-tabs').waitFor({ state: 'detached' });
      const node = await page.evaluate((id) => {
        type N = { valid: boolean; minPause: unknown; staleAction: unknown; targetEnergy: unknown; targetTime: unknown; site: unknown; siteCurrent: unknown; siteSharing: unknown };
        const R = (globalThis as unknown as { RED: { nodes: { node(id: string): N } } }).RED;
        const n = R.nodes.node(id);
        return { valid: n.valid, minPause: n.minPause, staleAction: n.staleAction, targetEnergy: n.targetEnergy, targetTime: n.targetTime, site: n.site, siteCurrent: n.siteCurrent, siteSharing: n.siteSharing };
      }, surplus);
      // Text fields come back as text; the runtime reads numbers from text (settingsFrom).
      assert.deepEqual(node, { valid: true, minPause: '0', staleAction: 'hold', targetEnergy: '20', targetTime: '07:00', site: 'home', siteCurrent: '25', siteSharing: 'even' });
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
      removeDir(profile);
    }
  });
});
