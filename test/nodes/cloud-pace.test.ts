import { strict as assert } from 'node:assert';
import type { TrydanSimulator } from '../../src/sim';
import { config, helper, nodes, sleep, startSim, waitFor } from './flow';

describe('a cloud-only charger across redeploys (through the runtime)', function () {
  this.timeout(60_000);
  let sim: TrydanSimulator;
  let cloudUrl: string;
  let apiKey: string;

  beforeEach(async () => {
    ({ sim, cloudUrl, apiKey } = await startSim({ cloud: true }));
    await helper.startServer();
  });

  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
    await sim.stop();
  });

  it('keeps the cloud pace: 20 redeploys in 10 s make one telemetry call, not 20', async () => {
    const flow = (n: number) => [
      config('', { cloudUrl, name: `4G ${n}` }),
      { id: 'rt', type: 'v2c-realtime-in', server: 'cfg', output: 'every', ignore: '', wires: [['out']] },
      { id: 'out', type: 'helper' },
    ];
    await helper.load(nodes, flow(0), { cfg: { apiKey } });
    const calls = () => sim.account!.requests.filter((r) => r.path !== '/pairings/me').length;
    await waitFor('the first telemetry call', () => calls() > 0);
    for (let i = 1; i <= 20; i++) {
      await helper.setFlows(flow(i), 'full', { cfg: { apiKey } }).catch((err: Error) => {
        if (!/timeout waiting event/.test(err.message)) throw err;
      });
      await waitFor('the new flow', () => helper.getNode('rt'));
      await sleep(450);
    }
    assert.equal(calls(), 1, sim.account!.requests.map((r) => r.path).join(', '));
    assert.ok(sim.account!.requests.length <= 2, 'at most the pairing lookup besides');
  });
});
