import { strict as assert } from 'node:assert';
import { ChargerLink } from '../../src/coordinator/charger-link';
import { activeChargers } from '../../src/coordinator/charger-registry';
import { CloudBudget } from '../../src/coordinator/cloud-budget';
import type { CloudClient } from '../../src/trydan/cloud-client';
import { TrydanSimulator } from '../../src/sim';

describe('a config node asking its charger for its ID before a cloud call', () => {
  it('releases the charger it borrowed even when a node subscribed meanwhile', async () => {
    const sim = new TrydanSimulator({ latencyMs: 300 });
    const { host } = await sim.start();
    const deviceIds: unknown[] = [];
    const client = {
      validate: () => undefined,
      call: async (name: string, call: { deviceId?: string }) => {
        deviceIds.push(call.deviceId);
        return { endpoint: name, payload: { ok: true }, raw: null, rateLimit: { limit: 1, remaining: 1, reset: '' } };
      },
      close: async () => undefined,
    } as unknown as CloudClient;
    const link = new ChargerLink({ host, deviceId: '', cadence: {}, cloud: { client, budget: new CloudBudget() } });
    try {
      const pending = link.cloudCall('reboot', {}); // no user yet: the ID is asked over the LAN
      await new Promise((r) => setTimeout(r, 50));
      link.subscribe({ status: () => undefined }); // a node starts meanwhile
      await pending;
      assert.deepEqual(deviceIds, [sim.state.ID]);
      await link.close();
      assert.equal(activeChargers(), 0, 'the borrowed coordinator (and its socket) outlived the link');
    } finally {
      await sim.stop();
    }
  });
});
