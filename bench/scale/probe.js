// Preloaded into the Node-RED process by bench/scale.bench.js (node -r): measures from the
// inside what /proc cannot, and answers over IPC.
//   parent → {type:'mark'}    child → {type:'mark', cpu, wallMs, rss, loop}
// `cpu` is process.cpuUsage() (µs, every thread of the process), `loop` the event-loop delay
// since the last mark (monitorEventLoopDelay, ms, the 10 ms sampling tick included: the
// bench subtracts it).
'use strict';
const { monitorEventLoopDelay } = require('node:perf_hooks');

const RESOLUTION_MS = 10;
const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
histogram.enable();

if (process.send) {
  process.on('message', (msg) => {
    if (!msg || msg.type !== 'mark') return;
    const ms = (ns) => ns / 1e6;
    const loop = { p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max), resolution: RESOLUTION_MS };
    histogram.reset();
    process.send({ type: 'mark', cpu: process.cpuUsage(), wallMs: performance.now(), rss: process.memoryUsage.rss(), loop });
  });
  // The IPC channel must not keep Node-RED alive on its own, nor stop it from being stopped.
  process.channel?.unref();
  process.on('disconnect', () => process.kill(process.pid, 'SIGINT'));
}
