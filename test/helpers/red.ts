// Which Node-RED the tests run against, and a real Node-RED process for end-to-end tests.
//
// V2C_NODE_RED=<node-red package dir> runs the same suite against another Node-RED (CI uses
// it for Node-RED 5 on Node 22); without it, the node-red devDependency is used.
//   helper.init(redModule)                       node-red-node-test-helper
//   const nr = await startNodeRed({ userDir })   a real Node-RED on 127.0.0.1

import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** Node-RED's package directory. */
export const nodeRedPath: string = process.env.V2C_NODE_RED
  ? path.resolve(process.env.V2C_NODE_RED)
  : path.dirname(require.resolve('node-red/package.json'));

/** Node-RED's main file, what node-red-node-test-helper's `helper.init()` wants. */
export const redModule: string = require.resolve(nodeRedPath);

export const nodeRedVersion: string = (JSON.parse(fs.readFileSync(path.join(nodeRedPath, 'package.json'), 'utf8')) as { version: string }).version;

export const repoRoot = path.resolve(__dirname, '..', '..');
export const packageJson = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  'node-red': { nodes: Record<string, string> };
};

/** A port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A fresh temporary directory (removed by the caller, e.g. with removeDir). */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir: string | undefined): void {
  if (dir) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

export interface SettingsOptions {
  port: number;
  /** Extra settings, merged over the defaults (JSON-serialisable). */
  extra?: Record<string, unknown>;
}

/**
 * Writes a settings.js for a quiet Node-RED on loopback: no telemetry, no update checks,
 * no tours, no palette installs (so neither runtime nor editor talk to the internet).
 */
export function writeSettings(userDir: string, { port, extra = {} }: SettingsOptions): void {
  const settings = {
    uiHost: '127.0.0.1',
    uiPort: port,
    flowFile: 'flows.json',
    credentialSecret: 'e2e-secret',
    telemetry: { enabled: false, updateNotification: false },
    diagnostics: { enabled: false, ui: false },
    externalModules: { autoInstall: false, palette: { allowInstall: false, allowUpdate: false, allowUpload: false } },
    editorTheme: { tours: false },
    logging: { console: { level: 'info', metrics: false, audit: false } },
    ...extra,
  };
  fs.mkdirSync(userDir, { recursive: true });
  fs.writeFileSync(path.join(userDir, 'settings.js'), `module.exports = ${JSON.stringify(settings, null, 2)};\n`);
}

export interface NodeRedProcess {
  url: string;
  port: number;
  pid: number;
  /** Everything the process printed so far (for assertion messages). */
  output(): string;
  /** SIGTERM, then SIGKILL after 10 s; resolves once the process has exited. */
  stop(): Promise<void>;
}

export interface StartOptions {
  userDir: string;
  port?: number;
  /** Flows written to flows.json before start (the deployed flows). */
  flows?: unknown[];
  /** Milliseconds to wait for GET /settings; default 30 s. */
  timeoutMs?: number;
  extraSettings?: Record<string, unknown>;
}

/** Starts `node <node-red>/red.js -u <userDir>` and waits until the admin API answers. */
export async function startNodeRed({ userDir, port, flows, timeoutMs = 30_000, extraSettings }: StartOptions): Promise<NodeRedProcess> {
  const uiPort = port ?? (await freePort());
  writeSettings(userDir, { port: uiPort, ...(extraSettings ? { extra: extraSettings } : {}) });
  if (flows) fs.writeFileSync(path.join(userDir, 'flows.json'), JSON.stringify(flows, null, 2));

  const child = spawn(process.execPath, [path.join(nodeRedPath, 'red.js'), '-u', userDir], {
    cwd: userDir,
    env: { ...process.env, NODE_RED_DISABLE_TELEMETRY: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );

  const url = `http://127.0.0.1:${uiPort}`;
  const stop = async (): Promise<void> => {
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exit;
    clearTimeout(timer);
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`Node-RED exited before it answered:\n${log}`);
    try {
      const res = await fetch(`${url}/settings`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Node-RED did not answer on ${url} within ${timeoutMs} ms:\n${log}`);
    }
    await delay(200);
  }
  if (child.pid === undefined) throw new Error('Node-RED has no pid');
  return { url, port: uiPort, pid: child.pid, output: () => log, stop };
}

// --- installing this package the way a user does -------------------------------------------

let installed: Promise<string> | undefined;

/**
 * Installs this package (as built in dist/) into `userDir/node_modules` the way a user gets it:
 * `npm install --install-links <repo>` packs the repo by its `files` list, so a file missing
 * from the package shows up here. The install runs once per test run into a cache directory
 * and is copied into each userDir after that.
 */
export async function installPackage(userDir: string): Promise<void> {
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'nodes', 'v2c-config.js'))) {
    throw new Error('dist/ is missing: run `npm run build` before the e2e tests');
  }
  installed ??= installOnce();
  const template = await installed;
  fs.mkdirSync(userDir, { recursive: true });
  fs.cpSync(path.join(template, 'node_modules'), path.join(userDir, 'node_modules'), { recursive: true, verbatimSymlinks: true });
  fs.copyFileSync(path.join(template, 'package.json'), path.join(userDir, 'package.json'));
}

async function installOnce(): Promise<string> {
  const dir = path.join(os.tmpdir(), `v2c-e2e-install-${process.pid}-${distHash().slice(0, 8)}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'node-red-user-dir', private: true }, null, 2));
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--omit=dev', '--install-links', repoRoot], dir);
  const pkg = path.join(dir, 'node_modules', ...packageJson.name.split('/'), 'package.json');
  if (!fs.existsSync(pkg)) throw new Error(`npm install did not install ${packageJson.name} into ${dir}`);
  if (fs.lstatSync(path.dirname(pkg)).isSymbolicLink()) throw new Error(`${packageJson.name} was linked, not copied`);
  return dir;
}

/** A hash of what gets packed from dist/ (to tell installs of different builds apart). */
function distHash(): string {
  const hash = createHash('sha1');
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else hash.update(full).update(fs.readFileSync(full));
    }
  };
  walk(path.join(repoRoot, 'dist'));
  return hash.digest('hex');
}

function run(cmd: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, npm_config_update_notifier: 'false' } }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed in ${cwd}: ${err.message}\n${stdout}\n${stderr}`));
      else resolve();
    });
  });
}

// --- talking to the admin API --------------------------------------------------------------

/** Replaces every deployed flow (`POST /flows`, full deploy). */
export async function deployFlows(url: string, flows: unknown[]): Promise<void> {
  const res = await fetch(`${url}/flows`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Node-RED-API-Version': 'v2', 'Node-RED-Deployment-Type': 'full' },
    body: JSON.stringify({ flows }),
  });
  if (!res.ok) throw new Error(`deploy failed: ${res.status} ${await res.text()}`);
}

/**
 * Presses an inject node's button. Right after a deploy the node may not be started yet
 * (404), so that is retried for a few seconds.
 */
export async function triggerInject(url: string, id: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${url}/inject/${id}`, { method: 'POST' });
    if (res.ok) return;
    if (res.status !== 404 || Date.now() > deadline) throw new Error(`inject ${id} failed: ${res.status} ${await res.text()}`);
    await delay(100);
  }
}

export async function getJson<T = unknown>(url: string): Promise<T> {
  const res = await fetch(url, { headers: { Accept: 'application/json' } });
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Polls `probe` until it returns something other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    }
    await delay(everyMs);
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A Node-RED node id: 16 hex characters. */
export function nodeId(): string {
  return Array.from({ length: 16 }, () => Math.floor(Math.random() * 16).toString(16)).join('');
}
