#!/usr/bin/env node
// `npm start`: the package without hardware. Builds if needed, installs this package into a
// Node-RED user dir of its own (.demo/), starts simulated chargers (one per tab that drives
// one, and one with the cloud) and Node-RED with every example, and stops them on Ctrl-C.
// Your edited flows are kept from run to run; `npm start -- --reset` loads the examples afresh.
//
// Environment: V2C_DEMO_PORT (editor, default 1880), V2C_DEMO_SIM_PORT (first simulated
// charger, default 8180; the others follow), V2C_DEMO_CLOUD_PORT (simulated cloud, default
// 8190), V2C_NODE_RED (another Node-RED package dir), V2C_DEMO_RESET=1 (same as --reset),
// V2C_DEMO_DIR (another user dir than .demo/).
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const { createCipheriv, createHash, randomBytes } = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const { SIM_CHARGERS, demoFlows, updateAddresses } = require('./demo-flows');

const root = path.resolve(__dirname, '..');
// V2C_DEMO_DIR: another user directory (the demo's own test runs it in a temporary one).
const userDir = process.env.V2C_DEMO_DIR ? path.resolve(process.env.V2C_DEMO_DIR) : path.join(root, '.demo');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
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

/**
 * The flows Node-RED starts with. A user's flows from an earlier run are kept (only the
 * simulated chargers' addresses are brought up to date, as ports may differ); --reset saves
 * them as flows.previous.json and loads the examples afresh.
 */
function writeFlows(chargers, apiKey, packages, reset) {
  const file = path.join(userDir, 'flows.json');
  const stampFile = path.join(userDir, '.v2c-flows-written');
  const fresh = demoFlows({ chargers, apiKey, packages });
  for (const { name, why } of fresh.skipped) say(`left out "${name}": it ${why} (see the README)`);
  const text = JSON.stringify(fresh.flows, null, 2) + '\n';
  if (fs.existsSync(file)) {
    const current = fs.readFileSync(file, 'utf8');
    const untouched = fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === sha1(current);
    if (!reset && !untouched) {
      const flows = JSON.parse(current);
      if (updateAddresses(flows, chargers)) {
        fs.writeFileSync(file, JSON.stringify(flows, null, 2) + '\n');
        say('kept your flows from the last run (.demo/flows.json), with the simulated chargers\' new addresses');
      } else {
        say('kept your flows from the last run (.demo/flows.json)');
      }
      say('to load the examples afresh: npm start -- --reset (your flows are then saved as .demo/flows.previous.json)');
      return;
    }
    if (!untouched && current !== text) {
      fs.copyFileSync(file, path.join(userDir, 'flows.previous.json'));
      say('--reset: your flows were saved as .demo/flows.previous.json (Import them from there)');
    }
  }
  say('loading every example, one tab each (your edits are kept from now on; npm start -- --reset loads them afresh)');
  fs.writeFileSync(file, text);
  fs.writeFileSync(stampFile, sha1(text));
  writeCredentials(fresh.credentials);
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
    console.log(fs.readFileSync(__filename, 'utf8').split('\n').slice(1, 10).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
    return;
  }
  const reset = process.env.V2C_DEMO_RESET === '1' || process.argv.includes('--reset');
  fs.mkdirSync(userDir, { recursive: true });
  buildIfNeeded();
  installIfNeeded();

  const nodeRedDir = process.env.V2C_NODE_RED
    ? path.resolve(process.env.V2C_NODE_RED)
    : path.dirname(require.resolve('node-red/package.json', { paths: [root] }));
  const packages = linkDashboard(nodeRedDir);

  // One simulated charger per tab that drives one (so no tab undoes another's writes), and
  // one with the simulated cloud for the cloud examples; each with its own seed, so days differ.
  const { TrydanSimulator } = require(path.join(root, 'dist', 'src', 'sim'));
  const firstPort = Number(process.env.V2C_DEMO_SIM_PORT || 8180);
  const sims = [];
  const chargers = {};
  let cloud = { cloudUrl: '', apiKey: '' };
  for (const [i, charger] of SIM_CHARGERS.entries()) {
    const port = await pickPort(firstPort + i, charger.name);
    const cloudPort = charger.cloud ? await pickPort(Number(process.env.V2C_DEMO_CLOUD_PORT || 8190), 'the simulated cloud') : 0;
    const sim = new TrydanSimulator({
      port,
      timeScale: 1,
      carConnected: true,
      seed: i + 1,
      deviceId: `SIMTRYDAN0${charger.key}`,
      ...(charger.cloud ? { cloud: { port: cloudPort } } : {}),
    });
    sims.push(sim);
    const started = await sim.start();
    chargers[charger.key] = { host: started.host, url: started.url, ...(started.cloudUrl ? { cloudUrl: started.cloudUrl } : {}) };
    if (started.cloudUrl) cloud = { cloudUrl: started.cloudUrl, apiKey: started.apiKey };
  }
  const stopSims = () => Promise.all(sims.map((sim) => sim.stop()));

  const uiPort = await pickPort(Number(process.env.V2C_DEMO_PORT || 1880), 'Node-RED');
  // The simulated cloud starts a fresh day with a full quota: forget the last run's ledger.
  fs.rmSync(path.join(userDir, '.v2c-trydan-quota.json'), { force: true });
  writeSettings(uiPort);
  writeFlows(chargers, cloud.apiKey, packages, reset);

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
    say('stopping Node-RED and the simulated chargers');
    if (red.exitCode === null && red.signalCode === null) red.kill('SIGTERM');
    const timer = setTimeout(() => red.kill('SIGKILL'), 10_000);
    await redExited;
    clearTimeout(timer);
    await stopSims();
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
  console.log(`  Node-RED editor: ${url}${packages.length ? `   Dashboard: ${url}/dashboard` : ''}`);
  for (const charger of SIM_CHARGERS) {
    const c = chargers[charger.key];
    console.log(`  ${charger.name.padEnd(32)} ${c.url}${c.cloudUrl ? `  cloud ${c.cloudUrl}` : ''}`);
  }
  console.log(`  Each tab's label ends in the simulated charger it uses ("· Sim A"); state: <address>/_sim/state.`);
  console.log(`  The cloud tabs use Sim charger G with API key "${cloud.apiKey}" (already in its config node).`);
  console.log(`  Ready in ${((Date.now() - started) / 1000).toFixed(1)} s. Open the Debug sidebar to see telemetry. Ctrl-C stops all.`);
  console.log('');
}

/**
 * The dashboard example needs @flowfuse/node-red-dashboard: a devDependency of this repository.
 * Node-RED run from this repository finds it by itself; another one (V2C_NODE_RED) gets a
 * link in .demo/node_modules. Returns the extra packages the demo has.
 */
function linkDashboard(nodeRedDir) {
  const name = '@flowfuse/node-red-dashboard';
  const source = path.join(root, 'node_modules', ...name.split('/'));
  if (!fs.existsSync(path.join(source, 'package.json'))) {
    say(`${name} is not installed (npm install): the dashboard example is left out`);
    return [];
  }
  const link = path.join(userDir, 'node_modules', ...name.split('/'));
  const nodeRedInRepo = !path.relative(root, nodeRedDir).startsWith('..');
  if (!nodeRedInRepo && !fs.existsSync(link)) {
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(source, link, isWindows ? 'junction' : 'dir');
  }
  return [name];
}

main().catch((err) => fail(err && err.stack ? err.stack : String(err)));
