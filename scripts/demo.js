#!/usr/bin/env node
// `npm start`: the package without hardware. Builds if needed, installs this package into a
// throwaway Node-RED user dir (.demo/), starts the Trydan simulator (LAN and cloud) and
// Node-RED with the example flows wired to it, and stops both on Ctrl-C.
//
// Environment: V2C_DEMO_PORT (editor port, default 1880), V2C_DEMO_SIM_PORT (default 8180),
// V2C_DEMO_CLOUD_PORT (simulated cloud, default 8181), V2C_NODE_RED (another Node-RED
// package dir), V2C_DEMO_RESET=1 (fresh .demo/).
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { createCipheriv, createHash, randomBytes } = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const userDir = path.join(root, '.demo');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const EXAMPLES = [
  "PV surplus with the charger's own meter",
  'Read telemetry',
  'Manual control',
  'RFID cards',
  'Charging statistics to a CSV file',
  'Charge 10 kWh tonight',
  'Quota-aware cloud commands',
];
/** Node-RED encrypts flows_cred.json with this (settings.js credentialSecret). */
const CREDENTIAL_SECRET = 'v2c-demo';
const started = Date.now();
const isWindows = process.platform === 'win32';

function say(text) {
  console.log(`[demo] ${text}`);
}

function fail(text) {
  console.error(`[demo] ${text}`);
  process.exit(1);
}

// --- build -----------------------------------------------------------------------------------

function newestMtime(target) {
  if (!fs.existsSync(target)) return 0;
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of fs.readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

function buildIfNeeded() {
  const output = path.join(root, 'dist', 'nodes', 'v2c-config.js');
  const sources = ['nodes', 'src', 'icons', 'tsconfig.json', 'scripts/copy-assets.js'].map((p) => path.join(root, p));
  const builtAt = fs.existsSync(output) ? fs.statSync(output).mtimeMs : 0;
  if (builtAt && Math.max(...sources.map(newestMtime)) <= builtAt) return;
  say(builtAt ? 'sources changed since the last build: npm run build' : 'no build yet: npm run build');
  const result = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit', shell: isWindows });
  if (result.status !== 0) fail('the build failed');
}

// --- install into .demo/ ---------------------------------------------------------------------

/** A hash of what `npm install <repo>` copies, to skip reinstalling an unchanged package. */
function packageHash() {
  const hash = createHash('sha1');
  const add = (target) => {
    if (!fs.existsSync(target)) return;
    const stat = fs.statSync(target);
    if (stat.isDirectory()) {
      for (const entry of fs.readdirSync(target).sort()) add(path.join(target, entry));
    } else {
      hash.update(path.relative(root, target)).update(fs.readFileSync(target));
    }
  };
  for (const p of ['package.json', 'dist', 'examples', 'icons']) add(path.join(root, p));
  return hash.digest('hex');
}

function installIfNeeded() {
  const stampFile = path.join(userDir, '.v2c-installed');
  const installedPkg = path.join(userDir, 'node_modules', ...pkg.name.split('/'), 'package.json');
  const hash = packageHash();
  if (fs.existsSync(installedPkg) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === hash) return;
  say(`installing ${pkg.name} into .demo/ (npm install --install-links)`);
  const userPkg = path.join(userDir, 'package.json');
  if (!fs.existsSync(userPkg)) fs.writeFileSync(userPkg, JSON.stringify({ name: 'v2c-demo-user-dir', private: true }, null, 2) + '\n');
  // npm calls a `file:` dependency of the same version "up to date" and keeps the old copy:
  // remove it so the current build is copied in.
  fs.rmSync(path.dirname(installedPkg), { recursive: true, force: true });
  const result = spawnSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--loglevel=error', '--omit=dev', '--install-links', root],
    { cwd: userDir, stdio: 'inherit', shell: isWindows },
  );
  if (result.status !== 0) fail('npm install into .demo/ failed');
  fs.writeFileSync(stampFile, hash);
}

// --- settings and flows ----------------------------------------------------------------------

function writeSettings(port) {
  const settings = {
    uiHost: '127.0.0.1',
    uiPort: port,
    flowFile: 'flows.json',
    credentialSecret: CREDENTIAL_SECRET,
    // Relative file names in flows (the CSV example's v2c-sessions.csv) land in .demo/.
    fileWorkingDirectory: userDir,
    telemetry: { enabled: false, updateNotification: false },
    diagnostics: { enabled: false, ui: false },
    externalModules: { autoInstall: false, palette: { allowInstall: false, allowUpdate: false, allowUpload: false } },
    editorTheme: { tours: false, page: { title: 'V2C Trydan demo' } },
    logging: { console: { level: 'info', metrics: false, audit: false } },
    // The config dialog's Check and "Find my chargers" may reach the simulator on 127.0.0.1.
    v2cConfigAllowLoopback: true,
  };
  const text = `// Written by scripts/demo.js at every start; edit that script instead.\nmodule.exports = ${JSON.stringify(settings, null, 2)};\n`;
  fs.writeFileSync(path.join(userDir, 'settings.js'), text);
}

const CONFIG_ID = 'de30c0f16a7e0001';

/** The example flows, one tab each, sharing one config node pointed at the simulator (LAN and cloud). */
function demoFlows(simHost, cloudUrl) {
  const configId = CONFIG_ID;
  const flows = [
    {
      id: configId,
      type: 'v2c-config',
      name: 'Simulator',
      host: simHost,
      deviceId: '',
      cloudUrl,
      pollInterval: 5,
      idleInterval: 30,
      version: 1,
    },
  ];
  EXAMPLES.forEach((name, i) => {
    const file = path.join(root, 'examples', `${name}.json`);
    if (!fs.existsSync(file)) return;
    const tab = `de30ab${String(i).padStart(10, '0')}`;
    flows.push({ id: tab, type: 'tab', label: name, disabled: false, info: `The "${name}" example, wired to the simulator.` });
    const nodes = JSON.parse(fs.readFileSync(file, 'utf8'));
    const configs = new Set(nodes.filter((n) => n.type === 'v2c-config').map((n) => n.id));
    for (const node of nodes) {
      if (node.type === 'v2c-config' || node.type === 'tab') continue;
      const copy = { ...node, z: tab };
      if (configs.has(copy.server)) copy.server = configId;
      flows.push(copy);
    }
  });
  return flows;
}

function writeFlows(simHost, cloudUrl, apiKey) {
  const file = path.join(userDir, 'flows.json');
  const text = JSON.stringify(demoFlows(simHost, cloudUrl), null, 2) + '\n';
  const stampFile = path.join(userDir, '.v2c-flows-written');
  if (fs.existsSync(file)) {
    const current = fs.readFileSync(file, 'utf8');
    const ours = fs.existsSync(stampFile) ? fs.readFileSync(stampFile, 'utf8') : '';
    if (current !== text && sha1(current) !== ours) {
      fs.copyFileSync(file, path.join(userDir, 'flows.previous.json'));
      say('your edited demo flows were saved as .demo/flows.previous.json (Import them from there)');
    }
  }
  fs.writeFileSync(file, text);
  fs.writeFileSync(stampFile, sha1(text));
  writeCredentials({ [CONFIG_ID]: { apiKey } });
}

/**
 * flows_cred.json as Node-RED writes it: the credentials by node id, as JSON, encrypted with
 * aes-256-ctr under sha256(credentialSecret), a random IV in hex in front, base64 after it.
 */
function writeCredentials(credentials) {
  const key = createHash('sha256').update(CREDENTIAL_SECRET).digest();
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-ctr', key, iv);
  const encrypted = iv.toString('hex') + cipher.update(JSON.stringify(credentials), 'utf8', 'base64') + cipher.final('base64');
  fs.writeFileSync(path.join(userDir, 'flows_cred.json'), JSON.stringify({ $: encrypted }, null, 4) + '\n');
}

function sha1(text) {
  return createHash('sha1').update(text).digest('hex');
}

// --- ports -----------------------------------------------------------------------------------

function portFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function pickPort(wanted, what) {
  if (await portFree(wanted)) return wanted;
  const other = await new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
  say(`port ${wanted} is taken, ${what} uses ${other} instead`);
  return other;
}

// --- main ------------------------------------------------------------------------------------

async function main() {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(fs.readFileSync(__filename, 'utf8').split('\n').slice(1, 8).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
    return;
  }
  if (process.env.V2C_DEMO_RESET === '1') fs.rmSync(userDir, { recursive: true, force: true });
  fs.mkdirSync(userDir, { recursive: true });
  buildIfNeeded();
  installIfNeeded();

  const { TrydanSimulator } = require(path.join(root, 'dist', 'src', 'sim'));
  const simPort = await pickPort(Number(process.env.V2C_DEMO_SIM_PORT || 8180), 'the simulator');
  const cloudPort = await pickPort(Number(process.env.V2C_DEMO_CLOUD_PORT || 8181), 'the simulated cloud');
  const sim = new TrydanSimulator({ port: simPort, timeScale: 1, carConnected: true, cloud: { port: cloudPort } });
  const { host: simHost, url: simUrl, cloudUrl, apiKey } = await sim.start();

  const uiPort = await pickPort(Number(process.env.V2C_DEMO_PORT || 1880), 'Node-RED');
  // The simulated cloud starts a fresh day with a full quota: forget the last run's ledger.
  fs.rmSync(path.join(userDir, '.v2c-trydan-quota.json'), { force: true });
  writeSettings(uiPort);
  writeFlows(simHost, cloudUrl, apiKey);

  const nodeRedDir = process.env.V2C_NODE_RED
    ? path.resolve(process.env.V2C_NODE_RED)
    : path.dirname(require.resolve('node-red/package.json', { paths: [root] }));
  const red = spawn(process.execPath, [path.join(nodeRedDir, 'red.js'), '-u', userDir], {
    cwd: userDir,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, NODE_RED_DISABLE_TELEMETRY: '1' },
  });

  let stopping = false;
  const redExited = new Promise((resolve) => red.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
  const stop = async (code) => {
    if (stopping) return;
    stopping = true;
    say('stopping Node-RED and the simulator');
    if (red.exitCode === null && red.signalCode === null) red.kill('SIGTERM');
    const timer = setTimeout(() => red.kill('SIGKILL'), 10_000);
    await redExited;
    clearTimeout(timer);
    await sim.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
  redExited.then((code) => {
    if (!stopping) {
      say(`Node-RED exited (code ${code})`);
      stop(code || 1);
    }
  });

  const url = `http://127.0.0.1:${uiPort}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (stopping) return;
    try {
      const res = await fetch(`${url}/settings`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      say('Node-RED did not come up within 60 s');
      return stop(1);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  console.log('');
  console.log(`  Node-RED editor: ${url}`);
  console.log(`  Simulator:       ${simUrl}  (state: ${simUrl}/_sim/state; flows use host ${simHost})`);
  console.log(`  Simulated cloud: ${cloudUrl}  (API key "${apiKey}", already in the config node)`);
  console.log(`  Ready in ${((Date.now() - started) / 1000).toFixed(1)} s. Open the Debug sidebar to see telemetry. Ctrl-C stops both.`);
  console.log('');
}

main().catch((err) => fail(err && err.stack ? err.stack : String(err)));
