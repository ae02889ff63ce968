// A config node with nothing set (an example as imported): its nodes say what to set, in
// yellow, and fail each message with a clear error; an address that cannot be used stays red.

import { strict as assert } from 'node:assert';
import { config, helper, lastStatus, nodes, waitFor } from './flow';

describe('a config node with no LAN address and no API key', () => {
  beforeEach(() => helper.startServer());
  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
  });

  it('has its nodes say what to set, and fail each message without sending anything', async () => {
    await helper.load(nodes, [
      config(''),
      { id: 'rt', type: 'v2c-realtime-in', server: 'cfg', output: 'every', ignore: '', wires: [[]] },
      { id: 'w', type: 'v2c-write-out', server: 'cfg', keyword: '', wires: [[]] },
      { id: 's', type: 'v2c-surplus', server: 'cfg', gridSource: 'charger', wires: [[], []] },
      { id: 'c', type: 'catch', scope: ['w'], uncaught: false, wires: [['caught']] },
      { id: 'caught', type: 'helper' },
    ]);
    for (const id of ['rt', 'w', 's']) assert.deepEqual(lastStatus(id), { fill: 'yellow', shape: 'ring', text: 'common.status.noAddress' }, id);
    const caught: Array<{ error?: { message?: string } }> = [];
    helper.getNode('caught').on('input', (msg: { error?: { message?: string } }) => caught.push(msg));
    helper.getNode('w').receive({ payload: { Intensity: 10 } } as never);
    const err = await waitFor('the error', () => caught[0]);
    assert.match(err.error?.message ?? '', /no LAN address and no cloud API key/);
  });

  it('keeps "not configured" in red for an address that cannot be used', async () => {
    await helper.load(nodes, [config('http://'), { id: 'rt', type: 'v2c-realtime-in', server: 'cfg', output: 'every', ignore: '', wires: [[]] }]);
    assert.deepEqual(lastStatus('rt'), { fill: 'red', shape: 'ring', text: 'common.status.unconfigured' });
  });
});
