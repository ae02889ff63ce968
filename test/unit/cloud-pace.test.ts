import { strict as assert } from 'node:assert';
import { cloudPace } from '../../src/coordinator/budget-registry';
import { CloudCharger } from '../../src/coordinator/cloud-charger';
import { Coordinator } from '../../src/coordinator/coordinator';
import type { CloudResult } from '../../src/trydan/cloud-client';
import { fakeClock } from '../helpers/fake-clock';

describe('cloud pace across redeploys', () => {
  it('a new coordinator for the same key and device waits out the pace before its first poll', async () => {
    const { fake, clock } = fakeClock(1_000_000);
    let calls = 0;
    const charger = () =>
      new CloudCharger({
        call: async () => {
          calls++;
          return { payload: { ID: 'X', ChargeState: 1 } } as unknown as CloudResult;
        },
        pollInterval: () => 90_000,
        pace: cloudPace('key-1', 'https://cloud.example/api', 'DEV'),
        clock,
      });
    for (let deploy = 0; deploy < 20; deploy++) {
      const c = new Coordinator({ lan: charger(), clock });
      c.subscribe({ telemetry: () => undefined });
      await fake.tickAsync(500);
      await c.close();
    }
    assert.equal(calls, 1);
    const c = new Coordinator({ lan: charger(), clock });
    c.subscribe({ telemetry: () => undefined });
    await fake.tickAsync(90_000);
    assert.equal(calls, 2, 'polls again once the pace allows');
    await c.close();
    // Another device on the key has its own pace.
    assert.equal(cloudPace('key-1', 'https://cloud.example/api', 'OTHER').lastPollAt, undefined);
  });
});
