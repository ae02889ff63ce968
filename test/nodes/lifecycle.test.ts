import { strict as assert } from 'node:assert';
import type { TrydanSimulator } from '../../src/sim';
import { config, helper, nodes, redeploy, sleep, startSim, waitFor } from './flow';

/** Handles that would keep the process busy: sockets, servers, timers. */
function handles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const h of process.getActiveResourcesInfo()) counts[h] = (counts[h] ?? 0) + 1;
  return counts;
}

describe('redeploys through the runtime', function () {
  this.timeout(120_000);
  let sim: TrydanSimulator;
  let host: string;

  before(async () => {
    ({ sim, host } = await startSim());
    await helper.startServer();
  });

  after(async () => {
    await helper.unload();
    await helper.stopServer();
    await sim.stop();
  });

  it('leaves no timer, socket or listener behind after 50 redeploys', async () => {
    const flow = (n: number) => [
      config(host, { name: `Garage ${n}` }),
      { id: 'rt', type: 'v2c-realtime-in', server: 'cfg', output: 'every', ignore: '', wires: [['out']] },
      { id: 'w', type: 'v2c-write-out', server: 'cfg', keyword: 'Intensity', wires: [] },
      { id: 'out', type: 'helper' },
    ];
    await helper.load(nodes, flow(0));
    let readings = 0;
    const watch = () => helper.getNode('out').on('input', () => readings++);
    watch();
    await waitFor('a reading', () => readings > 0);
    await redeploy([], []);
    // Earlier tests in this process may leave a timer that ends by itself within 2 s (a Redis
    // client's reconnect delay cannot be cancelled): it must not count as this test's.
    await sleep(2500);
    const before = handles();

    for (let i = 1; i <= 50; i++) {
      await redeploy(flow(i), ['rt', 'out']);
      readings = 0;
      watch();
      // Half the deploys close while a request is on the wire, half after a reading.
      if (i % 2 === 0) await waitFor(`reading after deploy ${i}`, () => readings > 0);
      if (i % 10 === 0) helper.getNode('w').receive({ payload: 6 + i / 10 } as never);
    }
    await redeploy([], []);
    await sleep(300);
    const after = handles();
    assert.deepEqual(after, before);
  });
});
