// The programmatic API as a user gets it: `npm pack`, the tarball installed into an empty
// directory, the package required there by its name (not by a path into this repository),
// used for real against the simulator, type-checked by a consumer file against the shipped
// .d.ts, and required by a function node (setup tab `libs`) in a real Node-RED, where it must
// share the charger's coordinator with the nodes.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { TrydanSimulator } from '../../src/sim';
import {
  type NodeRedProcess,
  deployFlows,
  freePort,
  getJson,
  nodeId,
  nodeRedVersion,
  packageJson,
  removeDir,
  repoRoot,
  startNodeRed,
  tempDir,
  waitFor,
} from '../helpers/red';

type Api = typeof import('../../src/index');

function run(cmd: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, npm_config_update_notifier: 'false' } }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed in ${cwd}: ${err.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** A TypeScript consumer: compiles only if the shipped declarations are there and precise. */
const CONSUMER_TS = `
import {
  LanClient, SurplusController, TrydanSimulator, DeviceUnreachable, TrydanError, acquireCharger, releaseCharger,
  sampleOf, validateWrite, type Decision, type Reading, type SurplusSettings, type TrydanErrorCode,
} from '@v2c-trydan/node-red';

export async function oneStep(now: number): Promise<Decision> {
  const sim = new TrydanSimulator({ port: 0 });
  const { host } = await sim.start();
  const lan = new LanClient({ host });
  try {
    const reading: Reading = await lan.realtime();
    const power: number | undefined = reading.ChargePower;
    const settings: Partial<SurplusSettings> = { mode: 'pv' };
    const controller = new SurplusController(settings, { now });
    return controller.update({ ...sampleOf(reading, 'message', false), gridW: -(power ?? 0) - 3000 }, now);
  } finally {
    await lan.close();
    await sim.stop();
  }
}

export async function shared(host: string): Promise<number> {
  const user = {};
  const charger = acquireCharger(host, user);
  try {
    const { values } = await charger.write(validateWrite({ Intensity: 10 }));
    return values['Intensity'] ?? 0;
  } finally {
    await releaseCharger(host, user);
  }
}

export function codeOf(err: unknown): TrydanErrorCode | undefined {
  return err instanceof TrydanError ? err.code : undefined;
}

export const unreachable: TrydanErrorCode = new DeviceUnreachable('x').code;

// The declarations are real types, not \`any\`: each of these must be an error.
// @ts-expect-error ChargePower is a number
export const notText: Reading['ChargePower'] = 'fast';
// @ts-expect-error the controller has no such mode
export const noMode: SurplusSettings['mode'] = 'turbo';
// @ts-expect-error a host is required
export const noHost = new LanClient({});
`;

const CONSUMER_TSCONFIG = (typeRoot: string) => ({
  compilerOptions: {
    target: 'ES2022',
    module: 'commonjs',
    moduleResolution: 'node10',
    lib: ['ES2022'],
    types: ['node'],
    typeRoots: [typeRoot],
    strict: true,
    noEmit: true,
    esModuleInterop: true,
    skipLibCheck: false,
  },
  files: ['consumer.ts'],
});

describe(`the package by its name (npm pack, installed, required; function node in Node-RED ${nodeRedVersion})`, function () {
  this.timeout(180_000);

  let work: string | undefined;
  let userDir: string;
  let sim: TrydanSimulator;
  let host: string;
  let api: Api;
  let red: NodeRedProcess | undefined;

  before(async function () {
    if (!fs.existsSync(path.join(repoRoot, 'dist', 'src', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` first');
    work = tempDir('v2c-api-');
    const packDir = path.join(work, 'pack');
    userDir = path.join(work, 'user');
    fs.mkdirSync(packDir);
    fs.mkdirSync(userDir);
    const packed = JSON.parse(await run('npm', ['pack', '--json', '--loglevel=error', '--pack-destination', packDir], repoRoot)) as Array<{ filename: string }>;
    const tarball = path.join(packDir, packed[0]!.filename);
    assert.ok(fs.existsSync(tarball), `npm pack wrote no ${tarball}`);
    fs.writeFileSync(path.join(userDir, 'package.json'), JSON.stringify({ name: 'api-consumer', private: true }, null, 2));
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', '--omit=dev', tarball], userDir);

    const requireThere = createRequire(path.join(userDir, 'index.js'));
    const resolved = requireThere.resolve(packageJson.name);
    assert.ok(resolved.startsWith(path.join(userDir, 'node_modules') + path.sep), `${packageJson.name} resolved outside the install: ${resolved}`);
    api = requireThere(packageJson.name) as Api;

    sim = new TrydanSimulator({ port: 0, latencyMs: 5 });
    host = (await sim.start()).host;
  });

  after(async () => {
    await red?.stop();
    await sim?.stop();
    removeDir(work);
  });

  it('reads the charger with the LAN client and runs a controller step', async () => {
    const lan = new api.LanClient({ host });
    let reading;
    try {
      reading = await lan.realtime();
    } finally {
      await lan.close();
    }
    assert.equal(reading.ID, 'SIMTRYDAN01');
    assert.equal(typeof reading.ChargePower, 'number');

    const now = Date.now();
    const controller = new api.SurplusController({ mode: 'pv' }, { now });
    const decision = controller.update({ ...api.sampleOf(reading, 'message', false), gridW: -5000 }, now);
    assert.equal(decision.mode, 'pv');
    assert.equal(decision.surplus.gridW, -5000);
    assert.ok(decision.reason in api.REASONS, `unknown reason ${decision.reason}`);
    assert.ok(decision.reasonText.length > 0, 'a decision says why');
  });

  it('writes through the shared coordinator and throws typed errors', async () => {
    const user = {};
    const charger = api.acquireCharger(host, user);
    try {
      const result = await charger.write(api.validateWrite({ Intensity: 11 }));
      assert.deepEqual(result, { values: { Intensity: 11 }, unverified: [] });
      assert.equal(sim.snapshot().keywords.Intensity, 11);
    } finally {
      await api.releaseCharger(host, user);
    }
    assert.equal(api.activeChargers(), 0);

    assert.throws(
      () => api.validateWrite({ Intensity: 99 }),
      (err: unknown) => err instanceof api.InvalidInput && err instanceof api.TrydanError && err.code === 'INVALID_INPUT',
    );
    const closedPort = await freePort();
    const nowhere = new api.LanClient({ host: `127.0.0.1:${closedPort}`, timeoutMs: 2000 });
    try {
      await assert.rejects(nowhere.realtime(), (err: unknown) => err instanceof api.DeviceUnreachable && err.code === 'DEVICE_UNREACHABLE');
    } finally {
      await nowhere.close();
    }
  });

  it('type-checks a TypeScript consumer against the shipped declarations', async () => {
    const pkgDir = path.join(userDir, 'node_modules', ...packageJson.name.split('/'));
    const shipped = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { types?: string };
    assert.ok(shipped.types && fs.existsSync(path.join(pkgDir, shipped.types)), `the package names no declarations that exist: ${shipped.types}`);
    const dir = path.join(work!, 'ts');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'consumer.ts'), CONSUMER_TS);
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(CONSUMER_TSCONFIG(path.join(repoRoot, 'node_modules', '@types')), null, 2));
    // Resolution by name, from the install: the consumer sits beside the user's node_modules.
    fs.symlinkSync(path.join(userDir, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    await run(process.execPath, [tsc, '-p', dir], dir);
  });

  it('is required by a function node (setup tab libs) and shares the nodes’ coordinator', async () => {
    const tab = nodeId();
    const cfg = nodeId();
    const fn = nodeId();
    const httpIn = nodeId();
    const httpOut = nodeId();
    // As the README shows it: a hold per message, released in finally.
    const func = `
const host = msg.req.query.host;
const before = trydan.activeChargers();
const me = {};
const charger = trydan.acquireCharger(host, me);
try {
  const reading = await charger.refresh();
  const written = (await charger.write(trydan.validateWrite({ Intensity: 12 }))).values;
  let bad;
  try { trydan.validateWrite({ Intensity: 99 }); } catch (err) { bad = { code: err.code, typed: err instanceof trydan.TrydanError }; }
  msg.payload = { before, id: reading.ID, status: charger.status.state, written, bad };
} finally {
  await trydan.releaseCharger(host, me);
}
return msg;`;
    const flows = [
      { id: tab, type: 'tab', label: 'api', disabled: false, info: '' },
      { id: cfg, type: 'v2c-config', name: 'Sim', host, deviceId: '', cloudUrl: 'https://v2c.cloud/kong/v2c_service', pollInterval: 1, idleInterval: 30, version: 1, credentials: { apiKey: '' } },
      { id: nodeId(), type: 'v2c-realtime-in', z: tab, server: cfg, output: 'every', ignore: '', name: '', version: 1, x: 100, y: 40, wires: [[]] },
      { id: httpIn, type: 'http in', z: tab, name: '', url: '/api-check', method: 'get', upload: false, swaggerDoc: '', x: 100, y: 100, wires: [[fn]] },
      {
        id: fn,
        type: 'function',
        z: tab,
        name: 'uses the API',
        func,
        outputs: 1,
        timeout: 0,
        noerr: 0,
        initialize: '',
        finalize: '',
        libs: [{ var: 'trydan', module: packageJson.name }],
        x: 300,
        y: 100,
        wires: [[httpOut]],
      },
      { id: httpOut, type: 'http response', z: tab, name: '', statusCode: '', headers: {}, x: 500, y: 100, wires: [] },
    ];
    red = await startNodeRed({ userDir, extraSettings: { functionExternalModules: true } });
    sim.clearLog();
    await deployFlows(red.url, flows);
    // The config node's coordinator exists once its telemetry node has had a reading.
    await waitFor('the realtime node to poll', () => (sim.requests.length > 0 ? true : undefined));
    const answer = await getJson<{ before: number; id: string; status: string; written: Record<string, number>; bad: { code: string; typed: boolean } }>(
      `${red.url}/api-check?host=${encodeURIComponent(host)}`,
    );
    assert.deepEqual(answer, { before: 1, id: 'SIMTRYDAN01', status: 'online', written: { Intensity: 12 }, bad: { code: 'INVALID_INPUT', typed: true } }, red.output());
    assert.equal(sim.snapshot().keywords.Intensity, 12);
    assert.equal(sim.overlaps, 0, 'the function node and the nodes sent overlapping requests');
  });
});
