// The config node's Redis URL through the runtime (node-red-node-test-helper): a bad URL stops
// the cloud without echoing the URL; an unreachable Redis is said in the nodes' status and the
// log (without the password), and the node keeps to a bounded share, never unlimited.

import { strict as assert } from 'node:assert';
import type { TrydanSimulator } from '../../src/sim';
import { freePort } from '../helpers/red';
import { config, helper, lastStatus, nodes, startSim, waitFor } from './flow';

type Msg = { payload?: unknown; error?: { message: string } };

const PASSWORD = 'pw-node-redis-7f3a';

describe('config node: the quota shared through Redis', function () {
  this.timeout(30_000);
  let sim: TrydanSimulator;
  let cloudUrl: string;
  let apiKey: string;

  beforeEach(async () => {
    ({ sim, cloudUrl, apiKey } = await startSim({ cloud: true, lan: false }));
    await helper.startServer();
  });

  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
    await sim.stop();
  });

  const load = async (redisUrl: string) => {
    await helper.load(
      nodes,
      [
        config('', { cloudUrl, deviceId: sim.state.ID }),
        { id: 'rt', type: 'v2c-realtime-in', server: 'cfg', output: 'every', watch: 'all', keys: '', wires: [[]] },
        { id: 'n', type: 'v2c-cloud-command', server: 'cfg', command: 'connected', params: 'payload', paramsType: 'msg', wires: [['out']] },
        { id: 'c', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
        { id: 'out', type: 'helper' },
        { id: 'caught', type: 'helper' },
      ],
      { cfg: { apiKey, redisUrl } },
    );
    const out: Msg[] = [];
    const caught: Msg[] = [];
    helper.getNode('out').on('input', (m: Msg) => out.push(m));
    helper.getNode('caught').on('input', (m: Msg) => caught.push(m));
    return { out, caught };
  };
  const logs = (): string => JSON.stringify(helper.log().args);

  it('a bad Redis URL stops the cloud, says why and does not echo the URL', async () => {
    const { out, caught } = await load(`http://user:${PASSWORD}@redis.local:6379`);
    helper.getNode('n').receive({ payload: {} } as never);
    await waitFor('the refusal', () => caught[0]);
    assert.equal(out.length, 0);
    assert.equal(sim.account!.requests.length, 0, 'nothing reached the cloud');
    assert.match(logs(), /badRedisUrl/);
    assert.match(caught[0]!.error!.message, /redis:\/\/ or rediss:\/\//);
    assert.ok(!logs().includes(PASSWORD) && !caught[0]!.error!.message.includes(PASSWORD));
  });

  it('an unreachable Redis shows "quota not shared" and keeps the node to a quarter of the day', async () => {
    const { out, caught } = await load(`redis://:${PASSWORD}@127.0.0.1:${await freePort()}`);
    await waitFor('the status', () => /quotaUnshared/.test(String(lastStatus('rt')?.text)), 10_000);
    assert.match(logs(), /redisLost/);
    const node = helper.getNode('n');
    for (let i = 0; i < 300; i++) node.receive({ payload: {} } as never);
    await waitFor('every command answered', () => out.length + caught.length === 300 || undefined, 20_000);
    // The day's 1000 calls over the 4 instances assumed, less the telemetry poll.
    assert.ok(out.length <= 250 && out.length >= 245, `${out.length} commands went through`);
    assert.ok(caught.every((m) => /share of the V2C cloud daily quota/.test(m.error!.message)), caught[0]?.error?.message);
    assert.ok(sim.account!.requests.length <= 250);
    assert.ok(!logs().includes(PASSWORD), 'the password in the log');
  });
});
