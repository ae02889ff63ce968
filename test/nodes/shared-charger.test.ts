import { strict as assert } from 'node:assert';
import type { TrydanSimulator } from '../../src/sim';
import { config, helper, nodes, sleep, startSim, waitFor } from './flow';

type Msg = { payload: Record<string, unknown>; error?: { message: string } };

describe('one charger, one queue (through the runtime)', function () {
  this.timeout(30_000);
  let sim: TrydanSimulator;
  let host: string;

  beforeEach(async () => {
    // A charger slow enough (40 ms an answer) that two clients would overlap at once.
    ({ sim, host } = await startSim({ latencyMs: 40 }));
    helper.settings({ v2cConfigAllowLoopback: true });
    await helper.startServer();
  });

  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
    helper.settings({});
    await sim.stop();
  });

  it('two config nodes with the same address and an editor Check share one serial queue', async () => {
    await helper.load(nodes, [
      config(host, { id: 'cfg1', name: 'One' }),
      // The same charger written another way: it normalises to the same address.
      config(`http://${host}/`, { id: 'cfg2', name: 'Two' }),
      { id: 'rt1', type: 'v2c-realtime-in', server: 'cfg1', output: 'every', ignore: '', wires: [['telemetry']] },
      { id: 'rt2', type: 'v2c-realtime-in', server: 'cfg2', output: 'every', ignore: '', wires: [['telemetry']] },
      { id: 'w1', type: 'v2c-write-out', server: 'cfg1', keyword: '', wires: [['written']] },
      { id: 'w2', type: 'v2c-write-out', server: 'cfg2', keyword: '', wires: [['written']] },
      { id: 'c', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'telemetry', type: 'helper' },
      { id: 'written', type: 'helper' },
      { id: 'caught', type: 'helper' },
    ]);
    const written: Msg[] = [];
    const caught: Msg[] = [];
    helper.getNode('written').on('input', (m: Msg) => written.push(m));
    helper.getNode('caught').on('input', (m: Msg) => caught.push(m));
    let readings = 0;
    helper.getNode('telemetry').on('input', () => readings++);
    await waitFor('telemetry', () => readings > 0);

    const probes: Array<Promise<{ status: number; body: { ID?: string } }>> = [];
    for (let i = 0; i < 8; i++) {
      helper.getNode('w1').receive({ payload: { Intensity: 6 + i } } as never);
      helper.getNode('w2').receive({ payload: { LightLED: 10 + i } } as never);
      probes.push(helper.request().post('/v2c-trydan/probe').send({ host }).then((r) => ({ status: r.status, body: r.body as { ID?: string } })));
      await sleep(60);
    }
    await waitFor('every write answered', () => written.length + caught.length >= 16, 20_000);
    const checks = await Promise.all(probes);
    assert.deepEqual(caught.map((c) => c.error?.message), []);
    for (const check of checks) assert.equal(check.body.ID, sim.state.ID);
    assert.equal(sim.requests.filter((r) => r.overlapped).length, 0, 'no request overlapped another');
    assert.equal(sim.maxConcurrent, 1);
    assert.equal(sim.state.Intensity, 13);
    assert.equal(sim.state.LightLED, 17);
  });
});
