import { strict as assert } from 'node:assert';
import type { TrydanSimulator } from '../../src/sim';
import { config, helper, lastStatus, nodes, sleep, startSim, waitFor } from './flow';

type Msg = { error?: { message: string } };

describe('poll intervals out of range (through the runtime)', () => {
  let sim: TrydanSimulator;
  let host: string;
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.name);

  beforeEach(async () => {
    ({ sim, host } = await startSim());
    await helper.startServer();
    process.on('warning', onWarning);
  });

  afterEach(async () => {
    process.off('warning', onWarning);
    await helper.unload();
    await helper.stopServer();
    await sim.stop();
  });

  it('refuses 3000000 s with a clear error and status, and sends nothing (no timer overflow)', async () => {
    await helper.load(nodes, [
      config(host, { pollInterval: 3000000, idleInterval: '3000000' }),
      { id: 'rt', type: 'v2c-realtime-in', server: 'cfg', output: 'every', ignore: '', wires: [[]] },
      { id: 'w', type: 'v2c-write-out', server: 'cfg', keyword: '', wires: [[]] },
      { id: 'c', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', type: 'helper' },
    ]);
    const caught: Msg[] = [];
    helper.getNode('caught').on('input', (m: Msg) => caught.push(m));
    await sleep(1_500);
    assert.equal(sim.requests.length, 0, 'nothing sent to the charger');
    assert.deepEqual(warnings.filter((w) => w === 'TimeoutOverflowWarning'), []);
    assert.equal(lastStatus('rt')?.fill, 'red');
    helper.getNode('w').receive({ payload: { Intensity: 10 } } as never);
    const err = await waitFor('the error in Catch', () => caught[0]);
    assert.match(err.error!.message, /poll interval 3000000 s is out of range; expected 1\.\.3600 s/);
    assert.match(err.error!.message, /idle poll interval 3000000 s is out of range/);
  });

  it('serves the interval bounds to the editor from the table the runtime checks with', async () => {
    await helper.load(nodes, []);
    const res = await helper.request().get('/v2c-trydan/cadence').expect(200);
    assert.deepEqual(res.body.pollInterval, { min: 1, max: 3600, unit: 's' });
    assert.deepEqual(res.body.idleInterval, { min: 1, max: 3600, unit: 's' });
  });
});
