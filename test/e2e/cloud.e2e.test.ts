// End to end with the V2C cloud: the simulator's cloud side, a real Node-RED with this
// package installed the way a user installs it, the cloud example flows deployed through the
// admin API with the API key as a credential, and their inject buttons pressed.
//   (a) every cloud example deploys and runs against the simulated cloud without an error,
//   (b) a restart of Node-RED does not forget that the quota is spent,
//   (c) the API key shows up nowhere: exported flows, files on disk, Node-RED's output.
// What the flows do is recorded by nodes the test adds (catch / taps → a JSON-lines file).

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { TrydanSimulator } from '../../src/sim';
import {
  type NodeRedProcess,
  deployFlows,
  freePort,
  getJson,
  installPackage,
  nodeId,
  nodeRedVersion,
  removeDir,
  repoRoot,
  startNodeRed,
  tempDir,
  triggerInject,
  waitFor,
} from '../helpers/red';

const CLOUD_EXAMPLES = ['RFID cards', 'Charging statistics to a CSV file', 'Charge 10 kWh tonight', 'Quota-aware cloud commands'] as const;
/** Distinctive keys, so that finding one anywhere is certain to be a leak. */
const KEY = `e2e-key-${randomBytes(8).toString('hex')}`;
const QUOTA_KEY = `e2e-key-quota-${randomBytes(8).toString('hex')}`;
/** Keys the simulated cloud refuses, or that go to a cloud that does not answer. */
const WRONG_KEY = `e2e-key-wrong-${randomBytes(8).toString('hex')}`;
const LOST_KEY = `e2e-key-lost-${randomBytes(8).toString('hex')}`;
const ALL_KEYS = [KEY, QUOTA_KEY, WRONG_KEY, LOST_KEY];
const DEVICE_ID = 'E2ECLOUD01';
const QUOTA_DEVICE_ID = 'E2EQUOTA01';
/** msg.error.code, or (Node-RED 4.0, which does not copy it) the code from the error's name. */
const CODE_EXPR = '$exists(error.code) ? error.code : $uppercase($replace($substringBefore(error.message, ":"), /([a-z])([A-Z])/, "$1_$2"))';

type FlowNode = { id: string; type: string; name?: string; z?: string; wires?: string[][]; [key: string]: unknown };
interface Rec {
  tab: string;
  kind: string;
  code?: string;
  message?: string;
  source?: string;
  [key: string]: unknown;
}

function readExample(name: string): FlowNode[] {
  return JSON.parse(fs.readFileSync(path.join(repoRoot, 'examples', `${name}.json`), 'utf8')) as FlowNode[];
}

/**
 * Adds to a tab what the test observes it with: a catch node for every error on the tab and
 * "taps" (change nodes building a record with JSONata) wired to chosen outputs, all appending
 * JSON lines to `file`.
 */
class Recorder {
  readonly nodes: FlowNode[] = [];
  private readonly fileNode: string;

  constructor(
    private readonly tab: string,
    private readonly label: string,
    file: string,
  ) {
    this.fileNode = nodeId();
    this.nodes.push({ id: this.fileNode, type: 'file', z: tab, name: '', filename: file, filenameType: 'str', appendNewline: true, createDir: false, overwriteFile: 'false', encoding: 'utf8', x: 900, y: 700, wires: [[]] });
    const catchAll = nodeId();
    this.nodes.push({ id: catchAll, type: 'catch', z: tab, name: '', scope: null, uncaught: false, x: 100, y: 700, wires: [[this.tap('error', `"code": ${CODE_EXPR}, "message": error.message, "source": error.source.type`)]] });
  }

  /** A change node that records `{tab, kind, ...fields}`; returns its id to wire to. */
  tap(kind: string, fields = ''): string {
    const id = nodeId();
    const expr = `{"tab": ${JSON.stringify(this.label)}, "kind": ${JSON.stringify(kind)}${fields ? ', ' + fields : ''}}`;
    this.nodes.push({
      id,
      type: 'change',
      z: this.tab,
      name: `e2e ${kind}`,
      rules: [{ t: 'set', p: 'payload', pt: 'msg', to: expr, tot: 'jsonata' }],
      action: '',
      property: '',
      from: '',
      to: '',
      reg: false,
      x: 600,
      y: 700,
      wires: [[this.fileNode]],
    });
    return id;
  }
}

function records(file: string): Rec[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as Rec);
}

interface Deployed {
  flows: FlowNode[];
  /** Inject ids by example and inject name. */
  inject(example: string, name: string): string;
}

/**
 * The cloud examples, one tab each as a user imports them, each with its own config node
 * pointed at the simulator (LAN and cloud) and the key as an inline credential. `tap` adds
 * recorders to a tab's nodes.
 */
function exampleFlows(opts: {
  examples: readonly string[];
  host: string;
  cloudUrl: string;
  apiKey: string;
  recordFile: string;
  tap?: (example: string, byName: (name: string) => FlowNode, rec: Recorder) => void;
}): Deployed {
  const flows: FlowNode[] = [];
  const injects = new Map<string, string>();
  for (const example of opts.examples) {
    const tab = nodeId();
    flows.push({ id: tab, type: 'tab', label: example, disabled: false, info: '' });
    const rec = new Recorder(tab, example, opts.recordFile);
    const nodes = readExample(example).map((n) => ({ ...n, wires: n.wires?.map((w) => [...w]) }));
    for (const node of nodes) {
      if (node.type === 'v2c-config') {
        flows.push({ ...node, host: opts.host, cloudUrl: opts.cloudUrl, credentials: { apiKey: opts.apiKey } });
        continue;
      }
      flows.push({ ...node, z: tab });
      if (node.type === 'inject') injects.set(`${example}/${node.name}`, node.id);
    }
    // A node by its name, or by its type when it has no name.
    const byName = (name: string): FlowNode => {
      const found = nodes.find((n) => n.name === name) ?? nodes.find((n) => n.type === name);
      assert.ok(found, `${example}: no node named "${name}"`);
      return found;
    };
    opts.tap?.(example, byName, rec);
    flows.push(...rec.nodes);
  }
  return {
    flows,
    inject: (example, name) => {
      const id = injects.get(`${example}/${name}`);
      assert.ok(id, `${example}: no inject named "${name}"`);
      return id;
    },
  };
}

describe(`e2e: V2C cloud in a real Node-RED ${nodeRedVersion}`, function () {
  this.timeout(180_000);

  let sim: TrydanSimulator;
  let quotaSim: TrydanSimulator;
  let cloud: { host: string; cloudUrl: string };
  let quotaCloudUrl: string;
  let userDir: string;
  let recordDir: string;
  let red: NodeRedProcess | undefined;
  /** Output of Node-RED processes that were stopped. */
  let earlierOutput = '';
  const allOutput = (): string => earlierOutput + (red?.output() ?? '');

  before(async function () {
    // Simulated time on the 15th of this month: its 30 days of invented sessions always reach
    // into last month, whatever the date the test runs on.
    const now = new Date();
    const startTime = new Date(now.getFullYear(), now.getMonth(), 15, 10).getTime();
    sim = new TrydanSimulator({ deviceId: DEVICE_ID, carConnected: true, latencyMs: 5, startTime, cloud: { apiKey: KEY, latencyMs: 1 } });
    const started = await sim.start();
    cloud = { host: started.host, cloudUrl: started.cloudUrl! };
    quotaSim = new TrydanSimulator({ deviceId: QUOTA_DEVICE_ID, lan: false, cloud: { apiKey: QUOTA_KEY, quota: 3, latencyMs: 1 } });
    quotaCloudUrl = (await quotaSim.start()).cloudUrl!;
    userDir = tempDir('v2c-e2e-cloud-');
    recordDir = tempDir('v2c-e2e-cloud-records-');
    await installPackage(userDir);
    red = await startNodeRed({ userDir });
  });

  after(async function () {
    await red?.stop();
    await sim?.stop();
    await quotaSim?.stop();
    removeDir(userDir);
    removeDir(recordDir);
  });

  const account = () => sim.account!;
  const withLog = (err: unknown): never => {
    throw new Error(`${(err as Error).message}\n--- Node-RED output ---\n${red?.output() ?? ''}`);
  };
  /** Log lines at error level since `from` (an index into red.output()). */
  const errorLines = (from: number): string[] =>
    red!
      .output()
      .slice(from)
      .split('\n')
      .filter((l) => /\[error\]/.test(l));

  /** Presses an inject and waits for the cloud request it causes (method + path, answered < 400). */
  async function pressAndExpect(injectId: string, method: string, pathName: string): Promise<void> {
    const before = account().requests.length;
    await triggerInject(red!.url, injectId);
    await waitFor(
      `${method} ${pathName} at the simulated cloud`,
      () => (account().requests.slice(before).some((r) => r.method === method && r.path === pathName && r.status < 400) ? true : undefined),
      10_000,
      50,
    ).catch(withLog);
  }

  describe('(a) the cloud examples', function () {
    const file = () => path.join(recordDir, 'examples.jsonl');
    let deployed: Deployed;
    let logFrom = 0;

    it('deploys every cloud example with the key as a credential, without an error in the log', async function () {
      deployed = exampleFlows({
        examples: CLOUD_EXAMPLES,
        host: cloud.host,
        cloudUrl: cloud.cloudUrl,
        apiKey: KEY,
        recordFile: file(),
        tap: (example, byName, rec) => {
          if (example === 'Charging statistics to a CSV file') {
            byName('v2c-statistics').wires![0]!.push(rec.tap('summary', '"sessions": payload.summary.sessions'));
          }
          if (example === 'Quota-aware cloud commands') {
            const gate = byName('quota left > 150?');
            gate.wires![1]!.push(rec.tap('held', '"topic": topic'));
            const byCode = byName('by error code');
            ['QUOTA_RESERVED', 'RATE_LIMITED', 'AUTH_FAILED', 'other'].forEach((route, i) => byCode.wires![i]!.push(rec.tap(`route ${route}`, '"code": error.code')));
          }
        },
      });
      logFrom = red!.output().length;
      await deployFlows(red!.url, deployed.flows);
      // Started once an inject answers (404 until the flows run). Not the monthly inject: on the
      // 1st of a month its guard lets it through and it would fetch the sessions.
      await triggerInject(red!.url, deployed.inject('Charging statistics to a CSV file', 'start a new file (header only)'));
      const types = new Set(deployed.flows.map((n) => n.type));
      for (const t of ['v2c-rfid', 'v2c-statistics', 'v2c-cloud-command', 'v2c-power-profile', 'v2c-wifi-scan']) assert.ok(types.has(t), `no ${t} in the cloud examples`);
      await new Promise((r) => setTimeout(r, 500));
      assert.deepEqual(errorLines(logFrom), [], 'errors in the Node-RED log after the deploy');
      assert.doesNotMatch(red!.output().slice(logFrom), /missing types|Waiting for missing/i);
      const warnings = red!.output().slice(logFrom).split('\n').filter((l) => /\[warn\].*v2c/.test(l));
      assert.deepEqual(warnings, [], 'warnings from the package after the deploy');
    });

    it('RFID cards: list, learn, add, rename, delete, reader off and on reach the cloud', async function () {
      const ex = 'RFID cards';
      await pressAndExpect(deployed.inject(ex, 'list cards'), 'GET', '/device/rfid');
      await pressAndExpect(deployed.inject(ex, 'learn: next card is "Anna"'), 'POST', '/device/rfid');
      await pressAndExpect(deployed.inject(ex, 'add 04A1B2C3 as "Guest"'), 'POST', '/device/rfid/tag');
      assert.deepEqual(sim.cloud.rfid.find('04A1B2C3')?.tag, 'Guest');
      await pressAndExpect(deployed.inject(ex, 'rename 04A1B2C3 to "Anna\'s car"'), 'PUT', '/device/rfid/tag');
      assert.deepEqual(sim.cloud.rfid.find('04A1B2C3')?.tag, "Anna's car");
      await pressAndExpect(deployed.inject(ex, 'delete 04A1B2C3'), 'DELETE', '/device/rfid');
      assert.equal(sim.cloud.rfid.find('04A1B2C3'), undefined);
      await pressAndExpect(deployed.inject(ex, 'reader off'), 'POST', '/device/set_rfid');
      await waitFor('reader off', () => (sim.cloud.rfid.readerOn === false ? true : undefined));
      await pressAndExpect(deployed.inject(ex, 'reader on'), 'POST', '/device/set_rfid');
      await waitFor('reader on', () => (sim.cloud.rfid.readerOn ? true : undefined));
      // Learning mode is still waiting for a card: the next one swiped gets the name.
      assert.equal(sim.swipeCard('04C0FFEE').result, 'learned');
      assert.equal(sim.cloud.rfid.find('04C0FFEE')?.tag, 'Anna');
    });

    it('Charging statistics: last month\'s sessions become lines of v2c-sessions.csv', async function () {
      const ex = 'Charging statistics to a CSV file';
      const csv = path.join(userDir, 'v2c-sessions.csv');
      const header = 'startChargeDate,endChargeDate,energy,cost,rfidName\n';
      // A file left by an earlier test would pass a wait for "some content" while the inject's
      // overwrite has only truncated it: the wait is for exactly the header.
      fs.rmSync(csv, { force: true });
      await triggerInject(red!.url, deployed.inject(ex, 'start a new file (header only)'));
      await waitFor('the CSV header', () => (fs.existsSync(csv) && fs.readFileSync(csv, 'utf8') === header ? true : undefined)).catch(withLog);
      await pressAndExpect(deployed.inject(ex, 'fetch last month now'), 'GET', '/stadistic/device');
      const request = account().requests.filter((r) => r.path === '/stadistic/device').at(-1)!;
      assert.match(request.query.chargeDateStart ?? '', /^\d{4}-\d{2}-01$/, 'lastMonth starts on the 1st');
      const summary = await waitFor('the summary', () => records(file()).find((r) => r.kind === 'summary')).catch(withLog);
      const sessions = summary.sessions as number;
      assert.ok(sessions > 0, 'the simulator has sessions last month');
      const lines = await waitFor('one CSV line per session', () => {
        const l = fs.readFileSync(csv, 'utf8').split('\n').filter(Boolean);
        return l.length === sessions + 1 ? l : undefined;
      }).catch(withLog);
      for (const line of lines.slice(1)) {
        assert.equal(line.split(',').length, 5, `five columns: ${line}`);
        assert.doesNotMatch(line, /null|undefined/, `no null in ${line}`);
        assert.match(line, /^\d{4}-\d{2}-\d{2}T[\d:]+,\d{4}-\d{2}-\d{2}T[\d:]+,[\d.]+,[\d.]+,/);
      }
      // The monthly inject goes through the "only on the 1st" guard.
      const before = account().requests.length;
      await triggerInject(red!.url, deployed.inject(ex, '1st of each month, 06:00'));
      if (new Date().getDate() === 1) {
        await waitFor('the monthly fetch', () => (account().requests.slice(before).some((r) => r.path === '/stadistic/device') ? true : undefined));
      } else {
        await new Promise((r) => setTimeout(r, 500));
        assert.equal(account().requests.slice(before).filter((r) => r.path === '/stadistic/device').length, 0, 'the guard stops it on other days');
      }
    });

    it('Charge 10 kWh tonight: startchargekw {kw: 10} and charger_until_energy {value: 10}', async function () {
      const ex = 'Charge 10 kWh tonight';
      await pressAndExpect(deployed.inject(ex, 'every day at 23:00: 10 kWh'), 'POST', '/device/startchargekw');
      assert.equal(account().requests.filter((r) => r.path === '/device/startchargekw').at(-1)!.query.kw, '10');
      await pressAndExpect(deployed.inject(ex, 'limit this charge to 10 kWh'), 'POST', '/device/charger_until_energy');
      assert.equal(account().requests.filter((r) => r.path === '/device/charger_until_energy').at(-1)!.query.value, '10');
      assert.equal(sim.cloud.limits.energy?.kWh, 10);
    });

    it('Quota-aware cloud commands: reported, version, power profiles and Wi-Fi scan pass the gate', async function () {
      const ex = 'Quota-aware cloud commands';
      await pressAndExpect(deployed.inject(ex, 'reported state'), 'GET', '/device/reported');
      await pressAndExpect(deployed.inject(ex, 'firmware version'), 'GET', '/version');
      await pressAndExpect(deployed.inject(ex, 'list power profiles'), 'GET', '/device/personalicepower/all');
      await pressAndExpect(deployed.inject(ex, 'Wi-Fi scan'), 'GET', '/device/wifilist');
    });

    it('no inject of the cloud examples caused an error (catch nodes and log)', async function () {
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(records(file()).filter((r) => r.kind === 'error' || r.kind === 'held'), []);
      assert.deepEqual(errorLines(logFrom), [], 'errors in the Node-RED log');
      assert.ok(account().requests.every((r) => r.status < 400), `failed cloud requests: ${JSON.stringify(account().requests.filter((r) => r.status >= 400))}`);
    });

    it('Quota-aware: a refused key is routed to AUTH_FAILED', async function () {
      account().setFault({ outage: true });
      try {
        await triggerInject(red!.url, deployed.inject('Quota-aware cloud commands', 'reported state'));
        const routed = await waitFor('AUTH_FAILED route', () => records(file()).find((r) => r.kind === 'route AUTH_FAILED')).catch(withLog);
        assert.equal(routed.code, 'AUTH_FAILED');
      } finally {
        account().clearFaults();
      }
    });

    it('Quota-aware: once a reply says 150 calls or fewer are left, commands are held back and cost nothing', async function () {
      const ex = 'Quota-aware cloud commands';
      account().setQuota({ used: account().quota.limit - 120 });
      await pressAndExpect(deployed.inject(ex, 'firmware version'), 'GET', '/version');
      await new Promise((r) => setTimeout(r, 200)); // the reply's rateLimit reaches flow context
      const before = account().requests.length;
      await triggerInject(red!.url, deployed.inject(ex, 'Wi-Fi scan'));
      const held = await waitFor('held back', () => records(file()).find((r) => r.kind === 'held')).catch(withLog);
      assert.equal(held.topic, 'wifi');
      assert.equal(account().requests.length, before, 'a held-back command reaches the cloud');
    });

    it('Quota-aware: a spent quota (429) is routed to RATE_LIMITED, and the next command does not reach the cloud', async function () {
      // A fresh copy of the example (new flow context: the gate has seen no reply yet).
      const again = exampleFlows({
        examples: ['Quota-aware cloud commands'],
        host: cloud.host,
        cloudUrl: cloud.cloudUrl,
        apiKey: KEY,
        recordFile: file(),
        tap: (_ex, byName, rec) => {
          const byCode = byName('by error code');
          ['QUOTA_RESERVED', 'RATE_LIMITED', 'AUTH_FAILED', 'other'].forEach((route, i) => byCode.wires![i]!.push(rec.tap(`again ${route}`, '"code": error.code')));
        },
      });
      await deployFlows(red!.url, again.flows);
      account().setQuota({ used: account().quota.limit });
      const before = account().requests.length;
      await triggerInject(red!.url, again.inject('Quota-aware cloud commands', 'reported state'));
      await waitFor('RATE_LIMITED route', () => records(file()).find((r) => r.kind === 'again RATE_LIMITED')).catch(withLog);
      assert.deepEqual(account().requests.slice(before).map((r) => r.status), [429]);
      await triggerInject(red!.url, again.inject('Quota-aware cloud commands', 'firmware version'));
      await waitFor('second RATE_LIMITED', () => (records(file()).filter((r) => r.kind === 'again RATE_LIMITED').length === 2 ? true : undefined)).catch(withLog);
      assert.equal(account().requests.length, before + 1, 'after a 429 nothing more goes to the cloud');
    });
  });

  describe('(b) the quota ledger across a restart', function () {
    const file = () => path.join(recordDir, 'quota.jsonl');
    const ids = { tab: nodeId(), cfg: nodeId(), inject: nodeId(), command: nodeId() };

    it('spends the quota until a 429, and after a restart refuses a call without reaching the cloud', async function () {
      // The ledger's day ends at midnight UTC (quota-day.ts), while this simulator's quota day
      // is on its own clock (10:00 local at start): a 429 before midnight and a restart after
      // it rightly start a fresh ledger, and the simulator answers 429 again. Stay clear of it.
      const toMidnight = 86_400_000 - (Date.now() % 86_400_000);
      if (toMidnight < 60_000) await new Promise((r) => setTimeout(r, toMidnight + 1000));
      const rec = new Recorder(ids.tab, 'quota', file());
      const ok = rec.tap('ok', '"remaining": rateLimit.remaining');
      const flows: FlowNode[] = [
        { id: ids.tab, type: 'tab', label: 'quota', disabled: false, info: '' },
        { id: ids.cfg, type: 'v2c-config', name: 'Cloud only', host: '', deviceId: QUOTA_DEVICE_ID, cloudUrl: quotaCloudUrl, pollInterval: 5, idleInterval: 30, version: 1, credentials: { apiKey: QUOTA_KEY } },
        { id: ids.inject, type: 'inject', z: ids.tab, name: 'version', props: [{ p: 'payload' }], repeat: '', crontab: '', once: false, onceDelay: 0.1, topic: '', payload: '', payloadType: 'date', x: 100, y: 100, wires: [[ids.command]] },
        { id: ids.command, type: 'v2c-cloud-command', z: ids.tab, name: '', server: ids.cfg, command: 'version', version: 1, x: 300, y: 100, wires: [[ok]] },
        ...rec.nodes,
      ];
      await deployFlows(red!.url, flows);
      const q = quotaSim.account!;
      const press = async (n: number) => {
        await triggerInject(red!.url, ids.inject);
        await waitFor(`result ${n}`, () => (records(file()).length >= n ? records(file()).at(-1) : undefined)).catch(withLog);
        return records(file()).at(-1)!;
      };

      // Our call, then another client of the account spends the rest, then ours gets a 429.
      assert.equal((await press(1)).kind, 'ok');
      assert.equal(q.quotaRemaining, 2);
      for (let i = 0; i < 2; i++) {
        const res = await fetch(`${quotaCloudUrl}/version?deviceId=${QUOTA_DEVICE_ID}`, { headers: { apikey: QUOTA_KEY } });
        assert.equal(res.status, 200);
      }
      assert.equal(q.quotaRemaining, 0);
      const spent = await press(2);
      assert.equal(spent.kind, 'error');
      assert.equal(spent.code, 'RATE_LIMITED');
      assert.equal(q.requests.at(-1)!.status, 429, 'the simulated cloud answered 429');
      const requests = q.requests.length;

      // Restart Node-RED with the same user directory (flows, credentials and ledger on disk).
      earlierOutput += red!.output();
      await red!.stop();
      const ledger = path.join(userDir, '.v2c-trydan-quota.json');
      assert.ok(fs.existsSync(ledger), 'the ledger file is in the user directory');
      red = await startNodeRed({ userDir });

      const after = await press(3);
      assert.equal(after.kind, 'error');
      assert.equal(after.code, 'RATE_LIMITED', `after the restart: ${JSON.stringify(after)}`);
      assert.match(String(after.message), /quota is spent/);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(q.requests.length, requests, 'the call after the restart reached the simulated cloud');
    });
  });

  describe('(c) the API key stays secret', function () {
    it('logs failed cloud calls (no catch node) without the key: refused, unreachable, quota spent', async function () {
      const tab = nodeId();
      const flows: FlowNode[] = [{ id: tab, type: 'tab', label: 'uncaught', disabled: false, info: '' }];
      const injects: string[] = [];
      const add = (apiKey: string, cloudUrl: string, command: string) => {
        const cfg = nodeId();
        const inject = nodeId();
        const node = nodeId();
        injects.push(inject);
        flows.push(
          { id: cfg, type: 'v2c-config', name: '', host: '', deviceId: DEVICE_ID, cloudUrl, pollInterval: 5, idleInterval: 30, version: 1, credentials: { apiKey } },
          { id: inject, type: 'inject', z: tab, name: '', props: [{ p: 'payload' }], repeat: '', crontab: '', once: false, onceDelay: 0.1, topic: '', payload: '', payloadType: 'date', x: 100, y: 100, wires: [[node]] },
          { id: node, type: 'v2c-cloud-command', z: tab, name: '', server: cfg, command, version: 1, x: 300, y: 100, wires: [[]] },
        );
      };
      add(WRONG_KEY, cloud.cloudUrl, 'reported');
      add(LOST_KEY, `http://127.0.0.1:${await freePort()}/kong/v2c_service`, 'version');
      add(KEY, cloud.cloudUrl, 'reported'); // spent in (a): refused before sending
      const from = red!.output().length;
      await deployFlows(red!.url, flows);
      for (const id of injects) await triggerInject(red!.url, id);
      for (const name of ['AuthFailed', 'CloudUnreachable', 'RateLimited']) {
        await waitFor(`a logged ${name}`, () => (errorLines(from).some((l) => l.includes(name)) ? true : undefined), 15_000).catch(withLog);
      }
    });

    it('is neither in GET /flows, nor in the files on disk, nor in Node-RED\'s output', async function () {
      const res = await fetch(`${red!.url}/flows`, { headers: { 'Node-RED-API-Version': 'v2' } });
      assert.equal(res.status, 200);
      const exported = await res.text();
      assert.ok(exported.includes('v2c-config'), 'GET /flows holds the config nodes');
      for (const key of ALL_KEYS) {
        assert.ok(!exported.includes(key), 'GET /flows holds an API key');
        for (const name of fs.readdirSync(userDir)) {
          const full = path.join(userDir, name);
          if (!fs.statSync(full).isFile()) continue;
          assert.ok(!fs.readFileSync(full, 'utf8').includes(key), `${name} holds an API key`);
        }
        for (const name of fs.readdirSync(recordDir)) {
          assert.ok(!fs.readFileSync(path.join(recordDir, name), 'utf8').includes(key), `${name} (what the flows saw) holds an API key`);
        }
        assert.ok(!allOutput().includes(key), 'Node-RED printed an API key');
      }
      // The editor learns only that a key is set.
      const flows = (JSON.parse(exported) as { flows: FlowNode[] }).flows;
      for (const cfg of flows.filter((n) => n.type === 'v2c-config')) {
        assert.deepEqual(await getJson(`${red!.url}/credentials/v2c-config/${cfg.id}`), { has_apiKey: true, has_redisUrl: false });
      }
    });
  });
});
