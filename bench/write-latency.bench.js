#!/usr/bin/env node
// How soon a flow sees its own write: time from Coordinator.write() to a telemetry listener
// receiving the new Intensity, against one bare GET /RealTimeData round trip to the same
// simulated charger (baseline, same run). The simulator answers after `latencyMs`, like a
// real Trydan on Wi-Fi. Run after `npm run build`: node bench/write-latency.bench.js
'use strict';
const { request } = require('undici');
const { TrydanSimulator } = require('../dist/src/sim');
const { Coordinator } = require('../dist/src/coordinator/coordinator');
const { LanClient } = require('../dist/src/trydan/lan-client');

const ROUNDS = 20;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  for (const latencyMs of [30, 150]) {
    const sim = new TrydanSimulator({ latencyMs });
    const { host, url } = await sim.start();

    const bare = [];
    for (let i = 0; i < ROUNDS; i++) {
      const t = performance.now();
      const res = await request(`${url}/RealTimeData`);
      await res.body.text();
      bare.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 160));
    }

    const coordinator = new Coordinator({ lan: new LanClient({ host }), cadence: { pollInterval: 60, idleInterval: 60 } });
    let waiting;
    coordinator.subscribe({ telemetry: (r) => waiting && r.Intensity === waiting.value && waiting.resolve() });
    await coordinator.refresh();
    const seen = [];
    for (let i = 0; i < ROUNDS; i++) {
      const value = 6 + (i % 2);
      const t = performance.now();
      const arrived = new Promise((resolve) => (waiting = { value, resolve }));
      await Promise.all([coordinator.write({ Intensity: value }), arrived]);
      seen.push(performance.now() - t);
    }
    await coordinator.close();
    await sim.stop();

    const b = median(bare);
    const w = median(seen);
    console.log(`charger latency ${latencyMs} ms: bare round trip ${b.toFixed(0)} ms, write → telemetry ${w.toFixed(0)} ms (median of ${ROUNDS}), ratio ${(w / b).toFixed(1)}×`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
