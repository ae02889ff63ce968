// Preloaded into the Node-RED process by bench/scale.bench.js (node -r): measures from the
// inside what /proc cannot, and answers over IPC.
//   parent → {type:'mark'}    child → {type:'mark', cpu, wallMs, rss, loop}
// `cpu` is process.cpuUsage() (µs, every thread of the process), `loop` the event-loop delay
// since the last mark (monitorEventLoopDelay, ms, the 10 ms sampling tick included: the
// bench subtracts it). With V2C_SCALE_PROFILE_TO=<file>, the CPU profile of the time between
// the first and the second mark (the measured window, not start-up) is written there.
'use strict';
const fs = require('node:fs');
const inspector = require('node:inspector');
const { monitorEventLoopDelay } = require('node:perf_hooks');

const profileTo = process.env.V2C_SCALE_PROFILE_TO;
let marks = 0;
let session;
function profile() {
  marks++;
  if (marks === 1) {
    session = new inspector.Session();
    session.connect();
    session.post('Profiler.enable', () => session.post('Profiler.start'));
  } else if (marks === 2 && session) {
    session.post('Profiler.stop', (err, result) => {
      if (!err) fs.writeFileSync(profileTo, JSON.stringify(result.profile));
      session.disconnect();
    });
  }
}

const RESOLUTION_MS = 10;
const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
histogram.enable();

if (process.send) {
  process.on('message', (msg) => {
    if (!msg || msg.type !== 'mark') return;
    if (profileTo) profile();
    const ms = (ns) => ns / 1e6;
    const loop = { p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max), resolution: RESOLUTION_MS };
    histogram.reset();
    process.send({ type: 'mark', cpu: process.cpuUsage(), wallMs: performance.now(), rss: process.memoryUsage.rss(), loop });
  });
  // The IPC channel must not keep Node-RED alive on its own, nor stop it from being stopped.
  process.channel?.unref();
  process.on('disconnect', () => process.kill(process.pid, 'SIGINT'));
}
