#!/usr/bin/env node
// Many chargers in one Node-RED: this package (a config node + a realtime-in node per charger)
// against the flow a user builds by hand (inject every 5 s → http request → json), in the same
// run, each in a real Node-RED of its own on 127.0.0.1, against fake chargers in another
// process (bench/scale/fake-chargers.js). Measures the Node-RED process only: CPU of one core,
// resident memory (the start-up peak included), event-loop delay above the sampling tick,
// requests per second; then memory over a longer run of this package at the largest size.
// Everything listens on 127.0.0.1 and stops by itself (a watchdog ends it past its time).
//
// `npm run build && node bench/scale.bench.js`. Settings (environment):
//   V2C_SCALE_SIZES      chargers per run, default "1,200,1000"
//   V2C_SCALE_WARM_S     seconds after every charger answered once, before measuring (default 30:
//                        polls take a few intervals to spread out)
//   V2C_SCALE_MEASURE_S  seconds measured (default 20)
//   V2C_SCALE_MEMORY_S   seconds of the memory run at the largest size (default 60; 600 for the README; 0: none)
//   V2C_SCALE_CPU_PROF   a directory: this package's run at the largest size writes the CPU profile of
//                        its measured window there (scale-ours-<n>-<time>.cpuprofile, for Chrome DevTools)
//   V2C_NODE_RED         another Node-RED package directory (as the tests take it)
//   --json               the figures as JSON on the last line
'use strict';
const { fork } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const PKG = require(path.join(ROOT, 'package.json'));
const NODE_RED = process.env.V2C_NODE_RED ? path.resolve(process.env.V2C_NODE_RED) : path.dirname(require.resolve('node-red/package.json'));
const RED_JS = path.join(NODE_RED, 'red.js');

const num = (name, fallback) => (process.env[name] === undefined || process.env[name] === '' ? fallback : Number(process.env[name]));
const SIZES = (process.env.V2C_SCALE_SIZES || '1,200,1000').split(',').map(Number).filter((n) => n > 0);
const WARM_S = num('V2C_SCALE_WARM_S', 30);
const MEASURE_S = num('V2C_SCALE_MEASURE_S', 20);
const MEMORY_S = num('V2C_SCALE_MEMORY_S', 60);
const CPU_PROF = process.env.V2C_SCALE_CPU_PROF ? path.resolve(process.env.V2C_SCALE_CPU_PROF) : undefined;
const POLL_S = 5;
const LATENCY_MS = 60;
const JSON_OUT = process.argv.includes('--json');
/** Issue 12's bars for the largest size. */
const BARS = { cpuPct: 10, peakMB: 250, p99Ms: 20, ratio: 0.8 };

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const MB = (bytes) => bytes / (1024 * 1024);

// The watchdog: a generous bound on the whole run, so a hung Node-RED cannot keep it going.
const perRunS = 120 + WARM_S + MEASURE_S + 30;
const budgetS = perRunS * (1 + 2 * SIZES.length) + MEMORY_S + 120;
const children = new Set();
const watchdog = setTimeout(() => {
  console.error(`scale bench: still running after ${budgetS} s; stopping`);
  for (const c of children) c.kill('SIGKILL');
  process.exit(2);
}, budgetS * 1000);
watchdog.unref();

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** One answer of the given type from an IPC child. */
function ask(child, msg, type, timeoutMs = 10_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', on);
      reject(new Error(`no ${type} from pid ${child.pid} within ${timeoutMs} ms`));
    }, timeoutMs);
    const on = (m) => {
      if (m && m.type === type) {
        clearTimeout(timer);
        child.off('message', on);
        resolve(m);
      }
    };
    child.on('message', on);
    child.send(msg);
  });
}

function procStatus(pid) {
  const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

function get(url) {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', () => resolve(0));
    req.setTimeout(2000, () => req.destroy());
  });
}

async function until(what, check, timeoutMs) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await sleep(500);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The flows of one run: this package's nodes, or the hand-built flow, for `ports`. */
function flows(kind, ports) {
  const tab = { id: 'tab', type: 'tab', label: `scale ${kind}` };
  const nodes = [tab];
  ports.forEach((port, i) => {
    if (kind === 'ours') {
      nodes.push(
        { id: `cfg${i}`, type: 'v2c-config', name: '', host: `127.0.0.1:${port}`, deviceId: '', cloudUrl: 'https://v2c.cloud/kong/v2c_service', pollInterval: POLL_S, idleInterval: 30 },
        { id: `rt${i}`, type: 'v2c-realtime-in', z: 'tab', name: '', server: `cfg${i}`, output: 'every', watch: 'all', keys: '', ignore: '', deadband: 100, x: 200, y: 40 + i * 40, wires: [[]] },
      );
    } else if (kind === 'hand') {
      nodes.push(
        { id: `in${i}`, type: 'inject', z: 'tab', name: '', props: [{ p: 'payload' }], repeat: String(POLL_S), crontab: '', once: true, onceDelay: 0.1, topic: '', payload: '', payloadType: 'date', x: 100, y: 40 + i * 40, wires: [[`req${i}`]] },
        { id: `req${i}`, type: 'http request', z: 'tab', name: '', method: 'GET', ret: 'txt', paytoqs: 'ignore', url: `http://127.0.0.1:${port}/RealTimeData`, tls: '', persist: false, proxy: '', insecureHTTPParser: false, authType: '', senderr: false, headers: [], x: 300, y: 40 + i * 40, wires: [[`json${i}`]] },
        { id: `json${i}`, type: 'json', z: 'tab', name: '', property: 'payload', action: '', pretty: false, x: 500, y: 40 + i * 40, wires: [[]] },
      );
    }
  });
  return nodes;
}

/** A user directory with settings, flows and (for this package) the package linked in. */
function userDir(kind, ports, uiPort) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `v2c-scale-${kind}-`));
  const settings = {
    uiHost: '127.0.0.1',
    uiPort,
    flowFile: 'flows.json',
    credentialSecret: 'scale-bench',
    telemetry: { enabled: false, updateNotification: false },
    diagnostics: { enabled: false, ui: false },
    externalModules: { autoInstall: false, palette: { allowInstall: false, allowUpdate: false, allowUpload: false } },
    editorTheme: { tours: false },
    logging: { console: { level: 'warn', metrics: false, audit: false } },
  };
  fs.writeFileSync(path.join(dir, 'settings.js'), `module.exports = ${JSON.stringify(settings, null, 2)};\n`);
  fs.writeFileSync(path.join(dir, 'flows.json'), JSON.stringify(flows(kind, ports)));
  if (kind === 'ours') {
    // Installed as a user would have it: the package under the user directory's node_modules.
    const scope = path.join(dir, 'node_modules', path.dirname(PKG.name));
    fs.mkdirSync(scope, { recursive: true });
    fs.symlinkSync(ROOT, path.join(dir, 'node_modules', PKG.name), 'dir');
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'scale-bench', private: true, dependencies: { [PKG.name]: '*' } }));
  }
  return dir;
}

async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
  children.delete(child);
}

/**
 * One Node-RED with `ports.length` chargers of this `kind` ('empty', 'ours', 'hand'): started,
 * warmed up until polls spread, measured, optionally kept for `memoryS` more, stopped.
 */
async function run(kind, ports, fake, { memoryS = 0, cpuProf } = {}) {
  const uiPort = await freePort();
  const dir = userDir(kind, ports, uiPort);
  const execArgv = ['-r', path.join(__dirname, 'scale', 'probe.js')];
  const env = { ...process.env };
  delete env.V2C_SCALE_PROFILE_TO;
  if (cpuProf) {
    fs.mkdirSync(cpuProf, { recursive: true });
    env.V2C_SCALE_PROFILE_TO = path.join(cpuProf, `scale-${kind}-${ports.length}-${Date.now()}.cpuprofile`);
  }
  const child = fork(RED_JS, ['-u', dir], { execArgv, env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], cwd: dir });
  children.add(child);
  const log = [];
  const keep = (chunk) => {
    log.push(...String(chunk).split('\n').filter(Boolean));
    log.splice(0, Math.max(0, log.length - 40));
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  try {
    await until('Node-RED to answer', async () => (await get(`http://127.0.0.1:${uiPort}/`)) === 200, 120_000);
    const startedPeak = procStatus(child.pid).peak;
    if (ports.length) {
      fake.send({ type: 'reset' });
      await until(`all ${ports.length} chargers to be polled`, async () => (await ask(fake, { type: 'count' }, 'count')).ports >= ports.length, 120_000);
    }
    const polledPeak = procStatus(child.pid).peak;
    await sleep((ports.length ? WARM_S : Math.min(WARM_S, 10)) * 1000);
    const a = await ask(child, { type: 'mark' }, 'mark');
    const countA = await ask(fake, { type: 'count' }, 'count');
    const rss = [];
    const end = Date.now() + MEASURE_S * 1000;
    while (Date.now() < end) {
      await sleep(1000);
      rss.push(procStatus(child.pid).rss);
    }
    const b = await ask(child, { type: 'mark' }, 'mark');
    const countB = await ask(fake, { type: 'count' }, 'count');
    const seconds = (b.wallMs - a.wallMs) / 1000;
    const cpuUs = b.cpu.user - a.cpu.user + (b.cpu.system - a.cpu.system);
    const result = {
      kind,
      chargers: ports.length,
      cpuPct: (cpuUs / 1e6 / seconds) * 100,
      rssMB: MB(rss.reduce((s, v) => s + v, 0) / rss.length),
      rssMaxMB: MB(Math.max(...rss)),
      loopP50: Math.max(0, b.loop.p50 - b.loop.resolution),
      loopP99: Math.max(0, b.loop.p99 - b.loop.resolution),
      loopMax: Math.max(0, b.loop.max - b.loop.resolution),
      rps: (countB.requests - countA.requests) / seconds,
      connPerS: (countB.connections - countA.connections) / seconds,
    };
    if (memoryS > 0) {
      const series = [];
      const started = Date.now();
      while (Date.now() - started < memoryS * 1000) {
        await sleep(5000);
        series.push({ s: Math.round((Date.now() - started) / 1000), rssMB: MB(procStatus(child.pid).rss) });
      }
      result.memory = series;
    }
    result.peakMB = MB(procStatus(child.pid).peak);
    // Where the peak came: by the time the editor answered, by the first reading of every charger.
    result.peakStartedMB = MB(startedPeak);
    result.peakPolledMB = MB(polledPeak);
    return result;
  } catch (err) {
    err.message += `\nNode-RED (${kind}, ${ports.length}) said:\n${log.join('\n')}`;
    throw err;
  } finally {
    await stop(child);
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  }
}

const f1 = (v) => v.toFixed(1);

function table(results) {
  const rows = [
    '| chargers | flow | CPU of one core | resident (mean / max) | peak: started / polled / all | loop p50 / p99 / max above tick | requests/s | new TCP/s |',
    '|---:|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    rows.push(
      `| ${r.chargers} | ${r.kind === 'ours' ? 'this package' : r.kind === 'hand' ? 'by hand' : 'empty Node-RED'} | ${r.cpuPct.toFixed(2)} % | ${f1(r.rssMB)} / ${f1(r.rssMaxMB)} MB | ${f1(r.peakStartedMB)} / ${f1(r.peakPolledMB)} / ${f1(r.peakMB)} MB | ${f1(r.loopP50)} / ${f1(r.loopP99)} / ${f1(r.loopMax)} ms | ${f1(r.rps)} | ${f1(r.connPerS)} |`,
    );
  }
  return rows.join('\n');
}

async function main() {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'nodes', 'v2c-config.js'))) throw new Error('run `npm run build` first');
  const largest = Math.max(...SIZES);
  const fake = fork(path.join(__dirname, 'scale', 'fake-chargers.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.add(fake);
  const results = [];
  try {
    const { ports } = await ask(fake, { type: 'start', count: largest, latencyMs: LATENCY_MS }, 'ports', 60_000);
    console.log(`scale bench: Node ${process.version}, Node-RED ${require(path.join(NODE_RED, 'package.json')).version}, ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    console.log(`fake chargers answer in ${LATENCY_MS} ms; poll every ${POLL_S} s; warm-up ${WARM_S} s, measured ${MEASURE_S} s\n`);
    results.push(await run('empty', [], fake));
    for (const size of SIZES) {
      for (const kind of ['ours', 'hand']) {
        const last = size === largest && kind === 'ours';
        const r = await run(kind, ports.slice(0, size), fake, last ? { memoryS: MEMORY_S, cpuProf: CPU_PROF } : {});
        results.push(r);
        console.log(table([r]).split('\n').pop());
      }
    }
  } finally {
    fake.disconnect();
    children.delete(fake);
  }
  console.log(`\n${table(results)}\n`);
  for (const size of SIZES) {
    const ours = results.find((r) => r.kind === 'ours' && r.chargers === size);
    const hand = results.find((r) => r.kind === 'hand' && r.chargers === size);
    console.log(`${size} chargers: CPU ${(ours.cpuPct / hand.cpuPct).toFixed(2)}× the hand-built flow's, resident ${(ours.rssMB / hand.rssMB).toFixed(2)}×`);
  }
  const big = results.find((r) => r.kind === 'ours' && r.chargers === largest);
  const bigHand = results.find((r) => r.kind === 'hand' && r.chargers === largest);
  if (big.memory) {
    console.log(`\nmemory of this package with ${largest} chargers over ${MEMORY_S} s (every 5 s, MB): ${big.memory.map((m) => f1(m.rssMB)).join(' ')}`);
  }
  const ratio = big.cpuPct / bigHand.cpuPct;
  const checks = [
    [`CPU ${big.cpuPct.toFixed(2)} % of one core < ${BARS.cpuPct} %`, big.cpuPct < BARS.cpuPct],
    [`resident peak ${f1(big.peakMB)} MB (start-up included) < ${BARS.peakMB} MB`, big.peakMB < BARS.peakMB],
    [`event-loop p99 ${f1(big.loopP99)} ms above the tick < ${BARS.p99Ms} ms`, big.loopP99 < BARS.p99Ms],
    [`CPU ${ratio.toFixed(2)}× the hand-built flow's ≤ ${BARS.ratio}×`, ratio <= BARS.ratio],
  ];
  console.log(`\nverdict at ${largest} chargers:`);
  for (const [text, ok] of checks) console.log(`  ${ok ? 'met ' : 'MISSED'}  ${text}`);
  if (JSON_OUT) console.log(JSON.stringify({ results, verdict: Object.fromEntries(checks.map(([t, ok]) => [t, ok])) }));
}

main().then(
  () => clearTimeout(watchdog),
  (err) => {
    console.error(err);
    for (const c of children) c.kill('SIGKILL');
    process.exit(1);
  },
);
