import { strict as assert } from 'node:assert';
import { ChargerLink } from '../../src/coordinator/charger-link';
import { acquireCharger, activeChargers, releaseCharger } from '../../src/coordinator/charger-registry';
import { TrydanSimulator } from '../../src/sim';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// A new coordinator for a charger (redeploy, the editor's Check, a node restarting) while the
// old one's request is still on the wire: the charger must never see two at once, nor one
// sooner than its gap after the last answer, whichever coordinator sent them.
describe('one charger across coordinator generations', () => {
  let sim: TrydanSimulator;
  let host: string;
  beforeEach(async () => {
    sim = new TrydanSimulator({ latencyMs: 400 });
    ({ host } = await sim.start());
    // 404 to a request within 140 ms of the last answer, as a busy Trydan does.
    sim.setFault({ minGapMs: 140 });
  });
  afterEach(async () => {
    await sim.stop();
  });

  const noOverlap = () => {
    const bad = sim.requests.filter((r) => r.overlapped || r.tooSoon);
    assert.deepEqual(bad, [], 'a request reached a busy charger');
    assert.equal(sim.maxConcurrent, 1);
  };

  it('redeploy: the last release, then a new acquire at once, leaves the charger one request at a time', async () => {
    const oldUser = {};
    const inFlight = acquireCharger(host, oldUser).refresh().catch((err: Error & { code?: string }) => err.code);
    await sleep(100); // the charger works on the old coordinator's request
    await releaseCharger(host, oldUser);
    assert.equal(await inFlight, 'CLOSED', 'its caller is answered at once');
    const newUser = {};
    const reading = await acquireCharger(host, newUser).refresh();
    assert.equal(reading.ID, sim.state.ID);
    await releaseCharger(host, newUser);
    assert.equal(activeChargers(), 0);
    noOverlap();
  });

  it("the editor's Check while the old coordinator is still closing waits for its request", async () => {
    const oldUser = {};
    void acquireCharger(host, oldUser).refresh().catch(() => undefined);
    await sleep(100);
    const closing = releaseCharger(host, oldUser); // not awaited: the Check comes meanwhile
    const check = {};
    const reading = await acquireCharger(host, check).refresh();
    assert.equal(reading.ID, sim.state.ID);
    await Promise.all([closing, releaseCharger(host, check)]);
    noOverlap();
  });

  it('a third generation waits for the second, which waits for the first', async () => {
    const users = [{}, {}, {}];
    const pending: Array<Promise<unknown>> = [];
    for (const user of users.slice(0, 2)) {
      pending.push(acquireCharger(host, user).refresh().catch(() => undefined));
      await sleep(50);
      pending.push(releaseCharger(host, user));
    }
    const reading = await acquireCharger(host, users[2]!).refresh();
    assert.equal(reading.ID, sim.state.ID);
    await Promise.all([...pending, releaseCharger(host, users[2]!)]);
    noOverlap();
  });

  it('the last node of a config node restarting ("modified nodes" deploy) gets its reading without an overlap', async () => {
    const link = new ChargerLink({ host, deviceId: '', cadence: {} });
    try {
      const stop = link.subscribe({ telemetry: () => undefined }); // the first poll goes out
      await sleep(100);
      stop(); // the node closes; the link releases the charger in the background
      let readings = 0;
      link.subscribe({ telemetry: () => readings++ }); // its replacement
      await sleep(1_500);
      assert.equal(readings, 1);
      noOverlap();
    } finally {
      await link.close();
    }
    assert.equal(activeChargers(), 0);
  });
});
