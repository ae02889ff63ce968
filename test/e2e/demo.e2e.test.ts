// `npm start` as a user runs it (scripts/demo.js, in a temporary user directory): every
// example on a tab naming its simulated charger, config nodes told apart; a user's edits kept
// at the next start, and --reset loading the examples afresh with the edits saved aside.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort, getJson, nodeRedPath, removeDir, repoRoot, tempDir, waitFor } from '../helpers/red';

interface FlowNode {
  id: string;
  type: string;
  label?: string;
  name?: string;
}

const examples = fs.readdirSync(path.join(repoRoot, 'examples')).filter((f) => f.endsWith('.json'));

interface Demo {
  url: string;
  output(): string;
  stop(): Promise<void>;
}

async function startDemo(userDir: string, args: string[] = []): Promise<Demo> {
  const [uiPort, simPort, cloudPort] = [await freePort(), await freePort(), await freePort()];
  const child: ChildProcess = spawn(process.execPath, [path.join(repoRoot, 'scripts', 'demo.js'), ...args], {
    cwd: repoRoot,
    env: {
      ...process.env,
      V2C_DEMO_DIR: userDir,
      V2C_DEMO_PORT: String(uiPort),
      V2C_DEMO_SIM_PORT: String(simPort),
      V2C_DEMO_CLOUD_PORT: String(cloudPort),
      V2C_NODE_RED: nodeRedPath,
      npm_config_update_notifier: 'false',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGINT');
    await exited;
  };
  try {
    await waitFor('the demo to be ready', () => (/Ready in/.test(log) ? true : child.exitCode !== null ? Promise.reject(new Error(log)) : undefined), 120_000, 250);
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${log}`);
  }
  return { url: `http://127.0.0.1:${uiPort}`, output: () => log, stop };
}

describe('npm start (scripts/demo.js)', function () {
  this.timeout(300_000);
  let userDir: string | undefined;
  let demo: Demo | undefined;

  before(() => {
    userDir = tempDir('v2c-demo-');
  });
  afterEach(async () => {
    await demo?.stop();
    demo = undefined;
  });
  after(() => removeDir(userDir));

  const tabs = async () => (await getJson<FlowNode[]>(`${demo!.url}/flows`)).filter((n) => n.type === 'tab');

  it('loads every example on a tab naming its simulated charger, each config node named after its charger', async () => {
    demo = await startDemo(userDir!);
    assert.match(demo.output(), /loading every example/);
    const flows = await getJson<FlowNode[]>(`${demo.url}/flows`);
    const labels = flows.filter((n) => n.type === 'tab').map((t) => t.label!);
    assert.equal(labels.length, examples.length, labels.join('\n'));
    assert.ok(labels.includes('Manual control · Sim B'), labels.join('\n'));
    assert.ok(labels.includes("PV surplus with the charger's own meter · Sim A"), labels.join('\n'));
    const configs = flows.filter((n) => n.type === 'v2c-config').map((n) => n.name!);
    assert.equal(new Set(configs).size, configs.length, configs.join(', '));
    assert.ok(configs.every((name) => /^Sim charger [A-Z] \(/.test(name)), configs.join(', '));
    for (const name of configs) assert.ok(demo.output().includes(name), `the console names ${name}`);
  });

  it('keeps the flows a user edited at the next start', async () => {
    const file = path.join(userDir!, 'flows.json');
    const flows = JSON.parse(fs.readFileSync(file, 'utf8')) as FlowNode[];
    flows.find((n) => n.type === 'tab')!.label = 'my own tab';
    fs.writeFileSync(file, JSON.stringify(flows, null, 4));
    demo = await startDemo(userDir!);
    assert.match(demo.output(), /kept your flows from the last run/);
    assert.match(demo.output(), /npm start -- --reset/);
    assert.ok((await tabs()).some((t) => t.label === 'my own tab'));
  });

  it('loads the examples afresh with --reset, saving the edited flows aside', async () => {
    demo = await startDemo(userDir!, ['--reset']);
    assert.match(demo.output(), /flows\.previous\.json/);
    const saved = JSON.parse(fs.readFileSync(path.join(userDir!, 'flows.previous.json'), 'utf8')) as FlowNode[];
    assert.ok(saved.some((n) => n.label === 'my own tab'));
    const labels = (await tabs()).map((t) => t.label);
    assert.ok(!labels.includes('my own tab'));
    assert.equal(labels.length, examples.length);
  });
});
