// The examples as a user meets them: each is valid JSON with ids of its own, all import side by
// side, and deployed unedited in a real Node-RED (with the dashboard installed) they contact
// nothing but 127.0.0.1 for 15 s, while their statuses say what to set. Then the same examples
// wired as `npm start` wires them (scripts/demo-flows.js) to simulated chargers: no error in
// the log, a green status on every node that talks to a charger.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { TrydanSimulator } from '../../src/sim';
import { currentStatuses } from '../helpers/node-status';
import { type NodeRedProcess, deployFlows, delay, freePort, installPackage, nodeRedPath, removeDir, repoRoot, startNodeRed, tempDir, waitFor } from '../helpers/red';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const demo = require('../../scripts/demo-flows.js') as DemoFlows;

interface FlowNode {
  id: string;
  type: string;
  name?: string;
  z?: string;
  d?: boolean;
  x?: number;
  info?: string;
  host?: string;
  url?: string;
  props?: Array<{ p: string; v?: string }>;
  credentials?: Record<string, string>;
  [key: string]: unknown;
}

interface DemoFlows {
  SIM_CHARGERS: Array<{ key: string; name: string; cloud?: boolean }>;
  EXAMPLE_CHARGER: Record<string, { key: string; role: string; more?: string[] } | null>;
  exampleNames(): string[];
  readExample(name: string): FlowNode[];
  demoFlows(options: { chargers: Record<string, { host: string; cloudUrl?: string }>; apiKey?: string; packages?: string[] }): {
    flows: FlowNode[];
    credentials: Record<string, { apiKey: string }>;
    skipped: Array<{ name: string; why: string }>;
  };
}

const DASHBOARD = '@flowfuse/node-red-dashboard';
const NO_ADDRESS = 'set a LAN address or API key in the config node';
const names = demo.exampleNames();
const examples = new Map(names.map((name) => [name, demo.readExample(name)]));
const V2C_USERS = new Set(['v2c-realtime-in', 'v2c-write-out', 'v2c-cloud-command', 'v2c-rfid', 'v2c-statistics', 'v2c-power-profile', 'v2c-wifi-scan']);

/** The examples as Node-RED imports them side by side: each on a tab of its own. */
function importedSideBySide(): FlowNode[] {
  const flows: FlowNode[] = [];
  names.forEach((name, i) => {
    const tab = `e0a1${String(i).padStart(12, '0')}`;
    flows.push({ id: tab, type: 'tab', label: name });
    for (const node of examples.get(name)!) flows.push('x' in node ? { ...node, z: tab } : { ...node });
  });
  return flows;
}

/** The watcher's control: one request from inside Node-RED to its own editor, which it must see. */
function probe(port: number): FlowNode[] {
  const tab = 'b10be00000000001';
  return [
    { id: tab, type: 'tab', label: 'probe' },
    { id: 'b10be00000000002', type: 'inject', z: tab, props: [{ p: 'payload' }], repeat: '', once: true, onceDelay: '1', topic: '', payload: '', payloadType: 'date', x: 100, y: 40, wires: [['b10be00000000003']] },
    { id: 'b10be00000000003', type: 'http request', z: tab, method: 'GET', ret: 'txt', paytoqs: 'ignore', url: `http://127.0.0.1:${port}/settings`, tls: '', persist: false, proxy: '', authType: '', senderr: false, headers: [], x: 300, y: 40, wires: [[]] },
  ];
}

function readLines<T>(file: string): T[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as T);
}

/** The dashboard for a Node-RED that does not find it by itself (one outside this repository). */
function linkDashboard(userDir: string): void {
  const source = path.join(repoRoot, 'node_modules', ...DASHBOARD.split('/'));
  if (!path.relative(repoRoot, nodeRedPath).startsWith('..')) return;
  const link = path.join(userDir, 'node_modules', ...DASHBOARD.split('/'));
  fs.mkdirSync(path.dirname(link), { recursive: true });
  fs.symlinkSync(source, link, 'dir');
}

/** Node-RED with the package and the dashboard installed, every outgoing connection recorded. */
async function startWatched(userDir: string, netLog: string, flows: FlowNode[], port?: number): Promise<NodeRedProcess> {
  await installPackage(userDir);
  linkDashboard(userDir);
  const watcher = path.join(repoRoot, 'test', 'helpers', 'net-watch.js');
  const saved = { options: process.env.NODE_OPTIONS, log: process.env.V2C_NET_LOG };
  // startNodeRed passes its environment on to Node-RED.
  process.env.NODE_OPTIONS = `${saved.options ?? ''} --require ${watcher}`.trim();
  process.env.V2C_NET_LOG = netLog;
  try {
    return await startNodeRed({ userDir, flows, ...(port ? { port } : {}), extraSettings: { fileWorkingDirectory: userDir } });
  } finally {
    if (saved.options === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = saved.options;
    if (saved.log === undefined) delete process.env.V2C_NET_LOG;
    else process.env.V2C_NET_LOG = saved.log;
  }
}

function errorLines(log: string): string[] {
  return log.split('\n').filter((line) => /\[error\]/.test(line));
}

describe('examples', function () {
  this.timeout(120_000);

  it('are each valid JSON arrays of nodes with ids of their own, unique across every example', () => {
    assert.ok(names.length >= 12, `expected every example, found ${names.length}`);
    const seen = new Map<string, string>();
    for (const name of names) {
      const text = fs.readFileSync(path.join(repoRoot, 'examples', `${name}.json`), 'utf8');
      const nodes = JSON.parse(text) as FlowNode[];
      assert.ok(Array.isArray(nodes) && nodes.length > 0, name);
      for (const node of nodes) {
        assert.match(node.id, /^[0-9a-f]{16}$/, `${name}: id ${node.id}`);
        assert.equal(typeof node.type, 'string', `${name}: ${node.id} has a type`);
        assert.equal(seen.get(node.id), undefined, `${name}: id ${node.id} is also in "${seen.get(node.id)}"`);
        seen.set(node.id, name);
      }
    }
  });

  it('name no file with a character some systems refuse', () => {
    for (const name of names) assert.doesNotMatch(name, /[<>:"/\\|?*]/, name);
  });

  it('import beside the demo without "nodes already exist": the demo gives every node a new id', () => {
    const chargers = Object.fromEntries(demo.SIM_CHARGERS.map((c, i) => [c.key, { host: `127.0.0.1:${8180 + i}` }]));
    const { flows, skipped } = demo.demoFlows({ chargers, packages: [DASHBOARD] });
    assert.deepEqual(skipped, []);
    const demoIds = new Set(flows.map((n) => n.id));
    assert.equal(demoIds.size, flows.length, 'the demo has no id twice');
    for (const [name, nodes] of examples) for (const node of nodes) assert.ok(!demoIds.has(node.id), `${name}: ${node.id} is also in the demo`);
    // Every example is on a tab of the demo, and every tab says which simulated charger it uses.
    const tabs = flows.filter((n) => n.type === 'tab');
    assert.equal(tabs.length, names.length);
    for (const [name, use] of Object.entries(demo.EXAMPLE_CHARGER)) {
      if (!examples.has(name)) continue;
      const tab = tabs.find((t) => String(t.label).startsWith(name));
      assert.ok(tab, `a tab for "${name}"`);
      if (use) assert.match(String(tab.label), new RegExp(`· Sim ${[use.key, ...(use.more ?? [])].join(' and ')}$`));
    }
    // Manual control never shares its charger with a tab that drives one.
    const manual = demo.EXAMPLE_CHARGER['Manual control']!;
    const sharing = Object.entries(demo.EXAMPLE_CHARGER).filter(([n, u]) => n !== 'Manual control' && u?.key === manual.key && u.role === 'drives');
    assert.deepEqual(sharing, []);
    const configNames = flows.filter((n) => n.type === 'v2c-config').map((n) => n.name);
    assert.equal(new Set(configNames).size, configNames.length, `config nodes told apart: ${configNames.join(', ')}`);
  });

  it('set no address but 127.0.0.1, name the dialogs\' fields and say what to set', () => {
    for (const [name, nodes] of examples) {
      for (const node of nodes) {
        if (node.type === 'v2c-config') {
          assert.equal(node.host, '', `${name}: the config node has no LAN address until the user sets one`);
          // One charger: "My Trydan"; several: "My Trydan (garage)", ...
          assert.match(String(node.name), /^My Trydan( \([^)]+\))?$/, name);
        }
        if (node.type === 'http request') assert.equal(node.url, '', `${name}: the HTTP request has no URL until the user sets one`);
        if (node.type === 'mqtt in' || node.type === 'mqtt out') assert.equal(node.d, true, `${name}: MQTT nodes stay disabled until set up`);
        if (node.type === 'comment') {
          const text = `${node.name ?? ''}\n${node.info ?? ''}`;
          assert.doesNotMatch(text, /\*\*Host\*\*|"Trydan" config/, `${name}: a comment names a field the dialog does not show`);
        }
      }
      const json = JSON.stringify(nodes);
      for (const match of json.matchAll(/https?:\/\/([^/"\\\s`)]+)/g)) {
        const host = match[1]!;
        const inComment = nodes.some((n) => n.type === 'comment' && `${n.info ?? ''}`.includes(match[0]));
        const inCode = nodes.some((n) => n.type === 'function' && `${String(n.func ?? '')}`.includes(match[0]));
        if (inComment || inCode) continue;
        assert.ok(host === 'v2c.cloud' || host.startsWith('127.0.0.1'), `${name}: ${match[0]} outside a comment`);
      }
    }
  });

  describe('deployed unedited, side by side, with the dashboard installed', () => {
    let userDir: string | undefined;
    let nr: NodeRedProcess | undefined;
    const netLog = () => path.join(userDir!, 'net.log');

    before(async function () {
      this.timeout(180_000);
      userDir = tempDir('v2c-examples-');
      const flows = importedSideBySide();
      const port = await freePort();
      nr = await startWatched(userDir, netLog(), [...flows, ...probe(port)], port);
      // Long enough for pollers, injects that repeat and reconnect timers (5 s) to have fired.
      await delay(15_000);
    });

    after(async () => {
      await nr?.stop();
      removeDir(userDir);
    });

    it('contact nothing but 127.0.0.1 (connections, DNS lookups, UDP)', () => {
      const attempts = readLines<{ kind: string; host?: string; port?: number; path?: string }>(netLog());
      const outside = attempts.filter((a) => a.host !== undefined && a.host !== '127.0.0.1');
      assert.deepEqual(outside, [], `reached out: ${JSON.stringify(outside)}`);
      // The watcher sees what Node-RED's own nodes open: the probe's request to the editor.
      assert.ok(
        attempts.some((a) => a.kind === 'connect' && a.host === '127.0.0.1' && a.port === nr!.port),
        `the watcher saw the probe's connection: ${JSON.stringify(attempts)}`,
      );
    });

    it('deploy without an error in the log', () => {
      assert.deepEqual(errorLines(nr!.output()), [], nr!.output());
    });

    it('show on every V2C node what to set, and the HTTP meter and the price fetch say to set their URLs', async () => {
      const all = importedSideBySide();
      const users = all.filter((n) => V2C_USERS.has(n.type) || (n.type === 'v2c-surplus' && n.server));
      assert.ok(users.length > 20, `${users.length} V2C nodes with a charger`);
      const shown = await currentStatuses(nr!.url);
      for (const node of users) assert.equal(shown.get(node.id)?.text, NO_ADDRESS, `${node.type} "${node.name}" shows what to set`);
      const gate = all.find((n) => n.type === 'function' && n.name === 'meter URL set?');
      assert.ok(gate);
      assert.match(shown.get(gate.id)?.text ?? '', /set your meter's URL in the "every 5 s" inject/);
      const prices = all.find((n) => n.type === 'function' && n.name === 'price URL set?');
      assert.ok(prices);
      assert.match(shown.get(prices.id)?.text ?? '', /set a price API's URL in the "every hour" inject/);
    });

    it('serve the dashboard page at /dashboard', async () => {
      const res = await fetch(`${nr!.url}/dashboard/`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /text\/html/);
      assert.match(await res.text(), /<div id="app"/);
      assert.match(nr!.output(), /Dashboard 2\.0 .* started at \/dashboard/);
    });
  });

  describe('wired as `npm start` wires them, to simulated chargers', () => {
    let userDir: string | undefined;
    let nr: NodeRedProcess | undefined;
    const sims: TrydanSimulator[] = [];
    let flows: FlowNode[] = [];
    const netLog = () => path.join(userDir!, 'net.log');

    before(async function () {
      this.timeout(180_000);
      userDir = tempDir('v2c-demo-examples-');
      const chargers: Record<string, { host: string; cloudUrl?: string }> = {};
      let apiKey = '';
      for (const [i, charger] of demo.SIM_CHARGERS.entries()) {
        const sim = new TrydanSimulator({ latencyMs: 5, seed: i + 1, ...(charger.cloud ? { cloud: true } : {}) });
        sims.push(sim);
        const started = await sim.start();
        chargers[charger.key] = { host: started.host, ...(started.cloudUrl ? { cloudUrl: started.cloudUrl } : {}) };
        if (started.apiKey) apiKey = started.apiKey;
      }
      const wired = demo.demoFlows({ chargers, apiKey, packages: [DASHBOARD] });
      flows = wired.flows.map((n) => (wired.credentials[n.id] ? { ...n, credentials: wired.credentials[n.id] } : n));
      nr = await startWatched(userDir, netLog(), []);
      await deployFlows(nr.url, flows);
    });

    after(async () => {
      await nr?.stop();
      await Promise.all(sims.map((s) => s.stop()));
      removeDir(userDir);
    });

    it('show a green status on every node whose charger is polled, and nothing red or yellow anywhere', async () => {
      // A charger is polled while a node wants its telemetry (telemetry, PV surplus); a write or
      // cloud node on a charger nobody polls shows nothing until it is used.
      const polled = new Set(flows.filter((n) => n.type === 'v2c-realtime-in' || (n.type === 'v2c-surplus' && n.server)).map((n) => String(n.server)));
      const users = flows.filter((n) => V2C_USERS.has(n.type));
      const watched = users.filter((n) => polled.has(String(n.server)));
      assert.ok(watched.length >= 8, `${watched.length} nodes on polled chargers`);
      const shown = await waitFor(
        'a green status on every node of a polled charger',
        async () => {
          const now = await currentStatuses(nr!.url);
          return watched.every((n) => now.get(n.id)?.fill === 'green') ? now : undefined;
        },
        20_000,
        1000,
      ).catch(() => currentStatuses(nr!.url));
      for (const node of watched) assert.equal(shown.get(node.id)?.fill, 'green', `${node.type} "${node.name}": ${JSON.stringify(shown.get(node.id))}`);
      for (const node of users) assert.ok([undefined, 'green'].includes(shown.get(node.id)?.fill), `${node.type} "${node.name}": ${JSON.stringify(shown.get(node.id))}`);
      // PV surplus reports its own state (waiting for sun, PV 9 A, ...), never a red one.
      for (const node of flows.filter((n) => n.type === 'v2c-surplus' && n.server)) {
        assert.ok(shown.get(node.id)?.text, `${node.name} shows its state`);
        assert.notEqual(shown.get(node.id)?.fill, 'red', `${node.name}: ${JSON.stringify(shown.get(node.id))}`);
      }
    });

    it('let Manual control write to its own charger, undisturbed by any PV surplus', async () => {
      const inject = flows.find((n) => n.type === 'inject' && n.name === 'Intensity 10 A');
      assert.ok(inject);
      const res = await fetch(`${nr!.url}/inject/${inject.id}`, { method: 'POST' });
      assert.equal(res.status, 200);
      const manual = sims[demo.SIM_CHARGERS.findIndex((c) => c.key === demo.EXAMPLE_CHARGER['Manual control']!.key)]!;
      await waitFor('Intensity 10 on the manual charger', () => (manual.state.Intensity === 10 ? true : undefined), 10_000);
      await delay(6_000);
      assert.equal(manual.state.Intensity, 10, 'nothing undid the write');
      const writers = manual.writes.filter((w) => w.keyword === 'Intensity');
      assert.deepEqual(writers.map((w) => w.value), [10], 'only Manual control wrote Intensity to its charger');
    });

    it('log no error and contact nothing but 127.0.0.1', () => {
      assert.deepEqual(errorLines(nr!.output()), [], nr!.output());
      const outside = readLines<{ host?: string }>(netLog()).filter((a) => a.host !== undefined && a.host !== '127.0.0.1');
      assert.deepEqual(outside, []);
    });
  });
});
