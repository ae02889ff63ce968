import { strict as assert } from 'node:assert';
import type { TrydanSimulator } from '../../src/sim';
import { config, helper, lastStatus, nodes, sleep, startSim, waitFor } from './flow';

type Msg = { payload: Record<string, unknown>; error?: { message: string; source?: { id: string } }; unverified?: string[]; _msgid?: string };

describe('v2c-write-out through the runtime', function () {
  let sim: TrydanSimulator;
  let host: string;

  beforeEach(async () => {
    ({ sim, host } = await startSim());
    await helper.startServer();
  });

  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
    await sim.stop();
  });

  const flow = (writer: Record<string, unknown> = {}, cadence = { pollInterval: 30, idleInterval: 30 }) => [
    config(host, cadence),
    { id: 'rt', type: 'v2c-realtime-in', server: 'cfg', output: 'every', ignore: '', wires: [['telemetry']] },
    { id: 'w', type: 'v2c-write-out', server: 'cfg', keyword: '', wires: [['written']], ...writer },
    { id: 'c', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'telemetry', type: 'helper' },
    { id: 'written', type: 'helper' },
    { id: 'caught', type: 'helper' },
  ];

  const collect = (id: string): Msg[] => {
    const seen: Msg[] = [];
    helper.getNode(id).on('input', (msg: Msg) => seen.push(msg));
    return seen;
  };

  it('writes, verifies, and realtime-in shows the change within a second', async () => {
    await helper.load(nodes, flow());
    const telemetry = collect('telemetry');
    const written = collect('written');
    await waitFor('first reading', () => telemetry[0]);
    const started = Date.now();
    helper.getNode('w').receive({ payload: { Intensity: 10, Paused: 0 } } as never);
    const seen = await waitFor('Intensity 10 in telemetry', () => telemetry.find((m) => m.payload.Intensity === 10));
    const elapsed = Date.now() - started;
    assert.ok(seen);
    assert.ok(elapsed < 1_000, `took ${elapsed} ms`);
    const out = await waitFor('verified output', () => written[0]);
    assert.deepEqual(out.payload, { Intensity: 10, Paused: 0 });
    assert.equal(out.unverified, undefined);
    assert.deepEqual(sim.writes.map((w) => [w.keyword, w.value]), [['Intensity', 10], ['Paused', 0]]);
  });

  it('takes msg.topic + value and a keyword fixed in the node, with on/off for switches', async () => {
    await helper.load(nodes, [...flow({ keyword: 'Paused' }), { id: 'w2', type: 'v2c-write-out', server: 'cfg', keyword: '', wires: [['written']] }]);
    const written = collect('written');
    helper.getNode('w').receive({ payload: 'on' } as never);
    await waitFor('Paused written', () => written[0]);
    assert.deepEqual(written[0]!.payload, { Paused: 1 });
    helper.getNode('w2').receive({ topic: 'intensity', payload: '12' } as never);
    await waitFor('Intensity written', () => written[1]);
    assert.deepEqual(written[1]!.payload, { Intensity: 12 });
    assert.equal(sim.state.Intensity, 12);
    assert.equal(sim.state.Paused, 1);
  });

  for (const [what, msg, pattern] of [
    ['an out-of-range value', { payload: { Intensity: 40 } }, /Intensity: 40 is out of range; expected 6\.\.32 A/],
    ['an unknown keyword', { payload: { Turbo: 1 } }, /"Turbo" is not a writable keyword/],
    ['a value of the wrong type', { payload: { Intensity: 'fast' } }, /"fast" is not a value for Intensity/],
    ['a topic that is not a keyword', { topic: 'Speed', payload: 3 }, /msg.topic "Speed" is not a writable keyword/],
    ['a payload that says nothing', { payload: 16 }, /nothing to write/],
    ['one bad value among good ones', { payload: { Intensity: 16, Paused: 7 } }, /Paused: 7 is out of range/],
  ] as const) {
    it(`sends ${what} to Catch and nothing to the charger`, async () => {
      await helper.load(nodes, flow());
      const caught = collect('caught');
      const written = collect('written');
      helper.getNode('w').receive(msg as never);
      const err = await waitFor('the error in Catch', () => caught[0]);
      assert.match(err.error!.message, pattern);
      assert.equal(err.error!.source?.id, 'w');
      await sleep(200);
      assert.equal(written.length, 0);
      assert.equal(sim.requests.filter((r) => r.path.startsWith('/write/')).length, 0, 'no write reached the charger');
      assert.equal(lastStatus('w')?.fill, 'red');
    });
  }

  it('without a charger chosen, says so and fails each message', async () => {
    await helper.load(nodes, [
      { id: 'w', type: 'v2c-write-out', server: '', keyword: '', wires: [[]] },
      { id: 'c', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'caught', type: 'helper' },
    ]);
    const caught = collect('caught');
    assert.equal(lastStatus('w')?.text, 'common.status.noConfig');
    helper.getNode('w').receive({ payload: { Intensity: 10 } } as never);
    const err = await waitFor('the error', () => caught[0]);
    assert.match(err.error!.message, /noConfig/);
  });

  it('reports a write the charger rejects', async () => {
    await helper.load(nodes, flow());
    const caught = collect('caught');
    sim.setFault({ rejectWrites: true });
    helper.getNode('w').receive({ payload: { Intensity: 16 } } as never);
    const err = await waitFor('the error in Catch', () => caught[0]);
    assert.match(err.error!.message, /charger rejected Intensity=16/);
  });

  it('never resumes the car at a stale current: 32 A, pause, then 6 A + resume while the charger is busy', async () => {
    await helper.load(nodes, flow());
    const written = collect('written');
    const caught = collect('caught');
    await waitFor('first reading', () => sim.requests.length > 0);
    sim.set({ Paused: 1, Intensity: 16 });
    sim.setFault({ slowMs: 150 }); // each answer takes a while: the next messages queue up
    helper.getNode('w').receive({ payload: { Intensity: 32 } } as never);
    await sleep(40);
    helper.getNode('w').receive({ payload: { Paused: 1 } } as never);
    helper.getNode('w').receive({ payload: { Intensity: 6, Paused: 0 } } as never);
    await waitFor('three answers', () => written.length + caught.length >= 3, 10_000);
    assert.deepEqual(caught.map((c) => c.error?.message), []);
    const state = { Intensity: 16, Paused: 1 };
    for (const w of sim.writes) {
      Object.assign(state, { [w.keyword]: Number(w.value) });
      assert.ok(!(state.Paused === 0 && state.Intensity === 32), `resumed at 32 A: ${JSON.stringify(sim.writes)}`);
    }
    assert.deepEqual(state, { Intensity: 6, Paused: 0 });
  });

  it('verifies a write on a charger that needs 200 ms between requests (404 when sooner)', async () => {
    await helper.load(nodes, flow());
    const written = collect('written');
    const caught = collect('caught');
    await waitFor('first reading', () => sim.requests.length > 0);
    sim.setFault({ minGapMs: 200 });
    helper.getNode('w').receive({ payload: { Intensity: 11 } } as never);
    await waitFor('the answer', () => written[0] ?? caught[0], 10_000);
    assert.deepEqual(caught.map((c) => c.error?.message), []);
    assert.deepEqual(written[0]!.payload, { Intensity: 11 });
    assert.equal(written[0]!.unverified, undefined, 'read back and confirmed');
  });

  it('never overlaps requests, even with a burst of writes while polling', async () => {
    await helper.load(nodes, flow({}, { pollInterval: 1, idleInterval: 1 }));
    const written = collect('written');
    const caught = collect('caught');
    for (let i = 0; i < 20; i++) {
      helper.getNode('w').receive({ payload: { Intensity: 6 + (i % 10) } } as never);
      if (i % 5 === 0) helper.getNode('rt').receive({ payload: 'now' } as never);
      await sleep(15);
    }
    await waitFor('all writes answered', () => written.length + caught.length >= 20, 15_000);
    assert.equal(caught.length, 0, caught.map((c) => c.error?.message).join('; '));
    assert.equal(sim.maxConcurrent, 1);
    assert.ok(sim.writes.length < 20, `queued writes collapsed (${sim.writes.length} sent for 20 asked)`);
    assert.equal(sim.state.Intensity, 6 + (19 % 10));
  });
});
