// End to end: the simulator, a real Node-RED with this package installed the way a user
// installs it, flows deployed through the admin API, results read back over HTTP.

import assert from 'node:assert/strict';
import path from 'node:path';
import fs from 'node:fs';
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
  triggerInject,
  waitFor,
} from '../helpers/red';

const DEVICE_ID = 'E2ETRYDAN01';

interface Observed {
  last?: { ID?: unknown; charging?: unknown; [key: string]: unknown };
  lastTopic?: string;
  written?: Record<string, unknown>;
  error?: { message?: string };
}

/** realtime-in and write-out, each observed through flow context, and GET /e2e/state. */
function buildFlow(host: string) {
  const tab = nodeId();
  const cfg = nodeId();
  const ids = { tab, cfg, realtime: nodeId(), writeInject: nodeId(), badInject: nodeId(), write: nodeId() };
  const store = (id: string, rules: Array<Record<string, unknown>>, wires: string[] = []) => ({
    id,
    type: 'change',
    z: tab,
    name: '',
    rules,
    action: '',
    property: '',
    from: '',
    to: '',
    reg: false,
    x: 500,
    y: 100,
    wires: [wires],
  });
  const setFlow = (key: string, from: string) => ({ t: 'set', p: key, pt: 'flow', to: from, tot: 'msg' });
  const storeTelemetry = nodeId();
  const storeWrite = nodeId();
  const storeError = nodeId();
  const catchNode = nodeId();
  const httpIn = nodeId();
  const readState = nodeId();
  const httpOut = nodeId();
  const inject = (id: string, payload: string, y: number) => ({
    id,
    type: 'inject',
    z: tab,
    name: '',
    props: [{ p: 'payload' }],
    repeat: '',
    crontab: '',
    once: false,
    onceDelay: 0.1,
    topic: '',
    payload,
    payloadType: 'json',
    x: 100,
    y,
    wires: [[ids.write]],
  });
  const flows = [
    { id: tab, type: 'tab', label: 'e2e', disabled: false, info: '' },
    {
      id: cfg,
      type: 'v2c-config',
      name: 'Sim',
      host,
      deviceId: '',
      cloudUrl: 'https://v2c.cloud/kong/v2c_service',
      pollInterval: 1,
      idleInterval: 30,
      version: 1,
      credentials: { apiKey: '' },
    },
    { id: ids.realtime, type: 'v2c-realtime-in', z: tab, server: cfg, output: 'every', ignore: '', name: '', version: 1, x: 100, y: 40, wires: [[storeTelemetry]] },
    store(storeTelemetry, [setFlow('last', 'payload'), setFlow('lastTopic', 'topic')]),
    inject(ids.writeInject, '{"Intensity":10}', 160),
    inject(ids.badInject, '{"Intensity":40}', 200),
    { id: ids.write, type: 'v2c-write-out', z: tab, server: cfg, keyword: '', name: '', version: 1, x: 300, y: 160, wires: [[storeWrite]] },
    store(storeWrite, [setFlow('written', 'payload')]),
    { id: catchNode, type: 'catch', z: tab, name: '', scope: [ids.write], uncaught: false, x: 100, y: 260, wires: [[storeError]] },
    store(storeError, [setFlow('error', 'error')]),
    { id: httpIn, type: 'http in', z: tab, name: '', url: '/e2e/state', method: 'get', upload: false, swaggerDoc: '', x: 100, y: 320, wires: [[readState]] },
    store(
      readState,
      [
        { t: 'set', p: 'payload', pt: 'msg', to: '{}', tot: 'json' },
        { t: 'set', p: 'payload.last', pt: 'msg', to: 'last', tot: 'flow' },
        { t: 'set', p: 'payload.lastTopic', pt: 'msg', to: 'lastTopic', tot: 'flow' },
        { t: 'set', p: 'payload.written', pt: 'msg', to: 'written', tot: 'flow' },
        { t: 'set', p: 'payload.error', pt: 'msg', to: 'error', tot: 'flow' },
      ],
      [httpOut],
    ),
    { id: httpOut, type: 'http response', z: tab, name: '', statusCode: '', headers: {}, x: 700, y: 320, wires: [] },
  ];
  return { flows, ids };
}

describe(`e2e: runtime in a real Node-RED ${nodeRedVersion}`, function () {
  this.timeout(120_000);

  let sim: TrydanSimulator;
  let host: string;
  let userDir: string;
  let red: NodeRedProcess | undefined;

  before(async function () {
    sim = new TrydanSimulator({ deviceId: DEVICE_ID, carConnected: true, latencyMs: 10 });
    ({ host } = await sim.start());
    userDir = tempDir('v2c-e2e-runtime-');
    await installPackage(userDir);
    red = await startNodeRed({ userDir });
  });

  after(async function () {
    await red?.stop();
    await sim?.stop();
    removeDir(userDir);
  });

  const state = () => getJson<Observed>(`${red!.url}/e2e/state`);
  const failWithLog = (err: unknown): never => {
    throw new Error(`${(err as Error).message}\n--- Node-RED output ---\n${red?.output() ?? ''}`);
  };

  it('loads the package from node_modules: all node types, no load errors', async function () {
    const sets = await getJson<Array<{ module: string; types: string[]; enabled: boolean; err?: string; version?: string }>>(`${red!.url}/nodes`);
    const ours = sets.filter((s) => s.module === packageJson.name);
    assert.ok(ours.length > 0, `${packageJson.name} not among loaded modules: ${sets.map((s) => s.module).join(', ')}`);
    for (const s of ours) assert.equal(s.err, undefined, `node set failed to load: ${s.err}`);
    const types = ours.flatMap((s) => s.types).sort();
    assert.deepEqual(types, Object.keys(packageJson['node-red'].nodes).sort());
    assert.ok(ours.every((s) => s.enabled));
  });

  it('lists the package examples under Import → Examples', async function () {
    const modules = await getJson<string[]>(`${red!.url}/library/examples/flows/`);
    assert.ok(modules.includes(packageJson.name), `examples modules: ${JSON.stringify(modules)}`);
    const listing = await getJson<Array<{ fn?: string }>>(`${red!.url}/library/examples/flows/${packageJson.name}`);
    const names = listing.map((e) => e.fn).filter(Boolean).sort();
    const expected = fs
      .readdirSync(path.join(repoRoot, 'examples'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.replace(/\.json$/, ''))
      .sort();
    assert.ok(expected.length >= 2, 'examples/ should hold at least two flows');
    assert.deepEqual(names, expected);
    // Each example is served whole and parses.
    for (const name of expected) {
      const flow = await getJson<unknown[]>(`${red!.url}/library/examples/flows/${packageJson.name}/${encodeURIComponent(name)}`);
      assert.ok(Array.isArray(flow) && flow.length > 0, `example ${name} is empty`);
    }
  });

  it('delivers telemetry from the charger within 15 s of deploy', async function () {
    const { flows } = buildFlow(host);
    await deployFlows(red!.url, flows);
    const observed = await waitFor(
      'telemetry from v2c-realtime-in',
      async () => {
        const s = await state();
        return s.last && s.last.ID === DEVICE_ID ? s : undefined;
      },
      15_000,
    ).catch(failWithLog);
    const payload = observed.last!;
    assert.equal(payload.ID, DEVICE_ID);
    assert.equal(observed.lastTopic, 'Sim');
    for (const key of ['ChargePower', 'Intensity', 'ChargeState', 'Paused', 'ChargeEnergy', 'HousePower']) {
      assert.equal(typeof payload[key], 'number', `${key} should be a number, got ${JSON.stringify(payload[key])}`);
    }
    assert.equal(typeof payload.charging, 'boolean');
    assert.ok(sim.requests.some((r) => r.path.startsWith('/RealTimeData')), 'the simulator saw no /RealTimeData');
    assert.equal(sim.maxConcurrent, 1, 'one request at a time per charger');
  });

  it('writes through v2c-write-out: the charger changes and the flow gets the value read back', async function () {
    const { flows, ids } = buildFlow(host);
    await deployFlows(red!.url, flows);
    assert.notEqual(sim.state.Intensity, 10);
    await waitFor('first telemetry', async () => ((await state()).last ? true : undefined)).catch(failWithLog);
    await triggerInject(red!.url, ids.writeInject);
    await waitFor('Intensity 10 on the simulator', () => (sim.state.Intensity === 10 ? true : undefined), 10_000).catch(failWithLog);
    const written = await waitFor('write result', async () => (await state()).written, 10_000).catch(failWithLog);
    assert.deepEqual(written, { Intensity: 10 });
    assert.ok(sim.writes.some((w) => w.keyword === 'Intensity' && w.value === 10));
  });

  it('runs the example flows: every inject of "Manual control" reaches the charger', async function () {
    // As the demo does: each example on its own tab, one config node pointed at the simulator.
    type FlowNode = { id: string; type: string; name?: string; server?: string; z?: string; [key: string]: unknown };
    const cfg = nodeId();
    const flows: FlowNode[] = [{ id: cfg, type: 'v2c-config', name: 'Sim', host, deviceId: '', cloudUrl: 'https://v2c.cloud/kong/v2c_service', pollInterval: 1, idleInterval: 30, version: 1 }];
    for (const name of ['Read telemetry', 'Manual control']) {
      const tab = nodeId();
      flows.push({ id: tab, type: 'tab', label: name });
      const nodes = JSON.parse(fs.readFileSync(path.join(repoRoot, 'examples', `${name}.json`), 'utf8')) as FlowNode[];
      for (const node of nodes) {
        if (node.type === 'v2c-config') continue;
        flows.push({ ...node, z: tab, ...(node.server ? { server: cfg } : {}) });
      }
    }
    sim.clearLog();
    await deployFlows(red!.url, flows);
    const injectNamed = (name: string) => {
      const node = flows.find((n) => n.type === 'inject' && n.name === name);
      assert.ok(node, `no inject named ${name}`);
      return node.id;
    };
    const press = async (name: string, keyword: string, value: number) => {
      await triggerInject(red!.url, injectNamed(name));
      await waitFor(`${keyword} = ${value} after "${name}"`, () => ((sim.state as unknown as Record<string, unknown>)[keyword] === value ? true : undefined), 10_000).catch(failWithLog);
    };
    await press('PauseDynamic 1 (Intensity applies)', 'PauseDynamic', 1);
    await press('Intensity 6 A', 'Intensity', 6);
    await press('Intensity 10 A', 'Intensity', 10);
    await press('16 A', 'Intensity', 16);
    await press('Pause', 'Paused', 1);
    await press('Resume', 'Paused', 0);
    const writes = sim.writes.length;
    await triggerInject(red!.url, injectNamed('invalid: Intensity 40 A'));
    await triggerInject(red!.url, injectNamed('read now'));
    await waitFor('telemetry polls', () => (sim.requests.filter((r) => r.path === '/RealTimeData').length >= 2 ? true : undefined)).catch(failWithLog);
    assert.equal(sim.writes.length, writes, 'the invalid value never reaches the charger');
    assert.equal(sim.maxConcurrent, 1);
  });

  it('rejects an invalid value before sending anything, and a catch node sees the error', async function () {
    const { flows, ids } = buildFlow(host);
    await deployFlows(red!.url, flows);
    const writesBefore = sim.writes.length;
    await triggerInject(red!.url, ids.badInject);
    const error = await waitFor('error at the catch node', async () => (await state()).error, 10_000).catch(failWithLog);
    assert.match(String(error.message), /Intensity/);
    assert.match(String(error.message), /out of range/);
    assert.equal(sim.writes.length, writesBefore, 'nothing may reach the charger');
  });
});
