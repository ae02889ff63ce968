import { strict as assert } from 'node:assert';
import { acquireCharger, releaseCharger } from '../../src/coordinator/charger-registry';
import { TrydanSimulator } from '../../src/sim';

describe('a charger shared by config nodes of different cadences', () => {
  it('gives the second, faster config node telemetry at its own pace, not after the first one\'s hour', async function () {
    this.timeout(10_000);
    const sim = new TrydanSimulator({ latencyMs: 5 });
    const { host } = await sim.start();
    const slowNode = {};
    const fastNode = {};
    try {
      const a = acquireCharger(host, slowNode, { cadence: { pollInterval: 3600, idleInterval: 3600, maxBackoff: 3600 } });
      let aReadings = 0;
      a.subscribe({ telemetry: () => aReadings++ });
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(aReadings, 1);
      // A second config node (same address, 1 s interval) is deployed with its realtime-in node.
      const b = acquireCharger(host, fastNode, { cadence: { pollInterval: 1, idleInterval: 1, maxBackoff: 60 } });
      let bReadings = 0;
      b.subscribe({ telemetry: () => bReadings++ });
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(bReadings, 1, 'a reading at once');
      await new Promise((r) => setTimeout(r, 2_100));
      assert.ok(bReadings >= 3, `the 1 s node got ${bReadings} readings in 2.3 s`);
      assert.equal(sim.maxConcurrent, 1);
    } finally {
      await releaseCharger(host, slowNode);
      await releaseCharger(host, fastNode);
      await sim.stop();
    }
  });
});
