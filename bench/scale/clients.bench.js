#!/usr/bin/env node
// Which HTTP client for the LAN (issue 12): CPU and memory per charger of undici as the LAN
// client uses it (a Client per charger, through boundedRequest), of undici's pooled Agent (one
// for all chargers), and of node:http with a keep-alive Agent, each in a fresh process against
// the same fake chargers (bench/scale/fake-chargers.js) at the scale bench's rate: `CHARGERS`
// chargers, one request each every 5 s, spread over the interval.
// `npm run build && node bench/scale/clients.bench.js` (V2C_CLIENTS_CHARGERS, V2C_CLIENTS_S,
// V2C_CLIENTS_SLOTS: how many groups the polls start in, V2C_CLIENTS_KINDS).
'use strict';
const { fork } = require('node:child_process');
const path = require('node:path');

const CHARGERS = Number(process.env.V2C_CLIENTS_CHARGERS || 1000);
const SECONDS = Number(process.env.V2C_CLIENTS_S || 30);
const POLL_MS = 5000;
const KINDS = (process.env.V2C_CLIENTS_KINDS || 'undici-client,undici-agent,node-http').split(',');
/** Polls start in this many groups over the interval: 1 = all at once, CHARGERS = each on its own. */
const SLOTS = Number(process.env.V2C_CLIENTS_SLOTS || CHARGERS);

if (process.argv[2] === 'child') {
  // One client kind, polling every port; reports CPU and memory over the second half.
  const kind = process.argv[3];
  const ports = JSON.parse(process.argv[4]);
  const http = require('node:http');
  const { Agent, Client } = require('undici');
  const { boundedRequest } = require(path.join(__dirname, '..', '..', 'dist', 'src', 'trydan', 'bounded-request.js'));
  const rssStart = process.memoryUsage.rss();
  let get;
  if (kind === 'undici-client') {
    const clients = new Map(ports.map((p) => [p, new Client(`http://127.0.0.1:${p}`, { pipelining: 1, keepAliveTimeout: 35_000, keepAliveMaxTimeout: 35_000 })]));
    get = (p) => boundedRequest(clients.get(p), { origin: `http://127.0.0.1:${p}`, path: '/RealTimeData', method: 'GET' }, { deadlineMs: 8000, maxBytes: 65536, who: 'charger' }).then((r) => r.body);
  } else if (kind === 'undici-agent') {
    const agent = new Agent({ connections: 1, pipelining: 1, keepAliveTimeout: 35_000, keepAliveMaxTimeout: 35_000 });
    get = (p) => boundedRequest(agent, { origin: `http://127.0.0.1:${p}`, path: '/RealTimeData', method: 'GET' }, { deadlineMs: 8000, maxBytes: 65536, who: 'charger' }).then((r) => r.body);
  } else {
    const agent = new http.Agent({ keepAlive: true, keepAliveMsecs: 35_000, maxSockets: 1 });
    get = (p) =>
      new Promise((resolve, reject) => {
        const req = http.get({ host: '127.0.0.1', port: p, path: '/RealTimeData', agent, timeout: 8000 }, (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
          res.on('error', reject);
        });
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', reject);
      });
  }
  let done = 0;
  let failed = 0;
  ports.forEach((p, i) => {
    const poll = () =>
      get(p).then(
        (body) => {
          JSON.parse(body);
          done++;
        },
        () => failed++,
      );
    setTimeout(() => {
      poll();
      setInterval(poll, POLL_MS);
    }, (Math.floor((i / ports.length) * SLOTS) / SLOTS) * POLL_MS);
  });
  setTimeout(() => {
    const cpu = process.cpuUsage();
    const from = { cpu, done, at: performance.now() };
    setTimeout(() => {
      const c = process.cpuUsage(from.cpu);
      const s = (performance.now() - from.at) / 1000;
      process.send({ kind, cpuPct: ((c.user + c.system) / 1e6 / s) * 100, rps: (done - from.done) / s, failed, rssMB: process.memoryUsage.rss() / 2 ** 20, rssStartMB: rssStart / 2 ** 20 });
      process.exit(0);
    }, (SECONDS / 2) * 1000);
  }, (SECONDS / 2) * 1000);
} else {
  (async () => {
    const fake = fork(path.join(__dirname, 'fake-chargers.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const ports = await new Promise((resolve) => {
      fake.on('message', (m) => m.type === 'ports' && resolve(m.ports));
      fake.send({ type: 'start', count: CHARGERS, latencyMs: 60 });
    });
    console.log(`${CHARGERS} chargers in ${SLOTS} groups over the interval, one request each every ${POLL_MS / 1000} s, measured over the last ${SECONDS / 2} s of ${SECONDS} s\n`);
    console.log('| client | CPU of one core | requests/s | resident (bare process) |\n|---|---:|---:|---:|');
    for (const round of [1, 2]) {
      for (const kind of KINDS) {
        const child = fork(__filename, ['child', kind, JSON.stringify(ports)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
        const r = await new Promise((resolve, reject) => {
          child.on('message', resolve);
          child.on('exit', (code) => code && reject(new Error(`${kind} exited with ${code}`)));
        });
        console.log(`| ${kind} (round ${round}) | ${r.cpuPct.toFixed(2)} % | ${r.rps.toFixed(1)} | ${r.rssMB.toFixed(1)} MB |`);
      }
    }
    fake.disconnect();
  })().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
