// Typed inputs reach the charger: a value set in the dialog as msg, flow, global or env (or
// fixed) is looked up when a message arrives and written or sent; one that cannot be
// evaluated fails the message through done(err) with nothing sent.

import { strict as assert } from 'node:assert';
import type { TrydanSimulator } from '../../src/sim';
import { CURRENT_VERSION } from '../../nodes/lib/migrate';
import { config, helper, nodes, sleep, startSim, waitFor } from './flow';

type Msg = { payload: unknown; error?: { message: string; source?: { id: string } } };

describe('typed inputs through the runtime', function () {
  this.timeout(30_000);
  let sim: TrydanSimulator;
  let host: string;
  let cloudUrl: string;
  let apiKey: string;

  beforeEach(async () => {
    ({ sim, host, cloudUrl, apiKey } = await startSim({ cloud: true }));
    await helper.startServer();
  });

  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
    await sim.stop();
  });

  // One tab with an environment variable, so env values come from the flow, not the process.
  const tab = { id: 't', type: 'tab', label: 'typed', env: [{ name: 'AMPS', value: '14', type: 'str' }, { name: 'FROM', value: '2026-01-01', type: 'str' }, { name: 'TO', value: '2026-12-31', type: 'str' }] };
  const flow = (node: Record<string, unknown>) => [
    tab,
    { ...config(host, { pollInterval: 30, idleInterval: 30, cloudUrl, deviceId: sim.state.ID }), z: 't' },
    { id: 'n', z: 't', server: 'cfg', version: CURRENT_VERSION, wires: [['out']], ...node },
    { id: 'c', z: 't', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'out', z: 't', type: 'helper' },
    { id: 'caught', z: 't', type: 'helper' },
  ];

  const collect = (id: string): Msg[] => {
    const seen: Msg[] = [];
    helper.getNode(id).on('input', (msg: Msg) => seen.push(msg));
    return seen;
  };

  const load = async (node: Record<string, unknown>) => {
    await helper.load(nodes, flow(node), { cfg: { apiKey } });
    return { out: collect('out'), caught: collect('caught'), node: helper.getNode('n') };
  };

  const writer = (value: string, valueType: string) => ({ type: 'v2c-write-out', keyword: 'Intensity', value, valueType });

  for (const [source, value, valueType, prepare, expected] of [
    ['msg', 'amps', 'msg', () => undefined, 11],
    ['flow', 'amps', 'flow', (n: { context(): { flow: { set(k: string, v: unknown): void } } }) => n.context().flow.set('amps', 12), 12],
    ['global', 'site.amps', 'global', (n: { context(): { global: { set(k: string, v: unknown): void } } }) => n.context().global.set('site', { amps: 13 }), 13],
    ['env', 'AMPS', 'env', () => undefined, 14],
    ['a fixed number', '15', 'num', () => undefined, 15],
  ] as const) {
    it(`write-out writes a value from ${source}`, async () => {
      const { out, caught, node } = await load(writer(value, valueType));
      (prepare as (n: unknown) => void)(node);
      node.receive({ payload: 'ignored', amps: 11 } as never);
      const done = await waitFor('the value read back', () => out[0]);
      assert.deepEqual(done.payload, { Intensity: expected });
      assert.equal(sim.state.Intensity, expected);
      assert.deepEqual(sim.writes.map((w) => [w.keyword, w.value]), [['Intensity', expected]]);
      assert.equal(caught.length, 0);
    });
  }

  for (const [what, value, valueType, pattern] of [
    ['JSON that does not parse', '{"Intensity": ', 'json', /value \(json "\{\\"Intensity\\": "\): /],
    ['an unset flow value', 'nothing', 'flow', /value \(flow\.nothing\): nothing is stored there/],
    ['an unset environment variable', 'NOT_SET_ANYWHERE', 'env', /value \(env NOT_SET_ANYWHERE\): the environment variable is not set \(or empty\)/],
    ['a type the node does not take', '$now()', 'jsonata', /the type "jsonata" is not one of msg, flow, global, env, num, json/],
    ['a value out of range', '40', 'num', /Intensity: 40 is out of range/],
  ] as const) {
    it(`write-out refuses ${what} with done(err), sending nothing`, async () => {
      const { out, caught, node } = await load(writer(value, valueType));
      sim.clearLog();
      node.receive({ payload: 16 } as never);
      const error = await waitFor('the error in Catch', () => caught[0]);
      assert.match(error.error!.message, pattern);
      assert.equal(error.error!.source!.id, 'n');
      await sleep(100);
      assert.equal(out.length, 0, 'nothing sent on');
      assert.deepEqual(sim.writes, [], 'nothing written');
    });
  }

  it('write-out without a keyword takes an object from flow context', async () => {
    const { out, node } = await load({ type: 'v2c-write-out', keyword: '', value: 'wanted', valueType: 'flow' });
    node.context().flow.set('wanted', { Intensity: 9, Paused: 0 });
    node.receive({ payload: 'tick' } as never);
    const done = await waitFor('the values read back', () => out[0]);
    assert.deepEqual(done.payload, { Intensity: 9, Paused: 0 });
  });

  const cloudCalls = () => (sim.account?.requests ?? []).filter((r) => r.path !== '/pairings/me');

  it('cloud-command takes its parameters from flow context', async () => {
    const { out, node } = await load({ type: 'v2c-cloud-command', command: 'intensity', params: 'cloud', paramsType: 'flow' });
    node.context().flow.set('cloud', { value: 17 });
    sim.account!.clearLog();
    node.receive({ payload: { value: 6 } } as never);
    await waitFor('the cloud reply', () => out[0]);
    const [call] = cloudCalls();
    assert.ok(call, 'one cloud call');
    assert.match(JSON.stringify([call.query, call.body]), /17/);
    assert.doesNotMatch(JSON.stringify([call.query, call.body]), /"6"|:6\b/);
  });

  it('cloud-command refuses fixed parameters that are not JSON, calling nothing', async () => {
    const { out, caught, node } = await load({ type: 'v2c-cloud-command', command: 'intensity', params: '{value: 16}', paramsType: 'json' });
    sim.account!.clearLog();
    node.receive({ payload: {} } as never);
    const error = await waitFor('the error in Catch', () => caught[0]);
    assert.match(error.error!.message, /params \(json "\{value: 16\}"\)/);
    await sleep(100);
    assert.equal(out.length, 0);
    assert.deepEqual(cloudCalls(), []);
  });

  it('rfid takes the card from global context', async () => {
    const { out, node } = await load({ type: 'v2c-rfid', action: 'learn', params: 'card', paramsType: 'global' });
    node.context().global.set('card', { tag: 'Visitor' });
    sim.account!.clearLog();
    node.receive({ payload: 'tick' } as never);
    await waitFor('the cloud reply', () => out[0]);
    assert.match(JSON.stringify(cloudCalls()[0]), /Visitor/);
  });

  it('power-profile names where its parameters are when they are not an object', async () => {
    const { caught, node } = await load({ type: 'v2c-power-profile', action: 'get', params: 'AMPS', paramsType: 'env' });
    sim.account!.clearLog();
    node.receive({ payload: {} } as never);
    const error = await waitFor('the error in Catch', () => caught[0]);
    assert.match(error.error!.message, /power profile get: env AMPS must be an object of parameters/);
    assert.deepEqual(cloudCalls(), []);
  });

  it('statistics takes a custom range\'s dates from env, and a message\'s own dates first', async () => {
    const { out, node } = await load({ type: 'v2c-statistics', scope: 'device', range: 'custom', from: 'FROM', fromType: 'env', to: 'TO', toType: 'env', split: false, wires: [['out'], []] });
    sim.account!.clearLog();
    node.receive({ payload: 'tick' } as never);
    await waitFor('the sessions', () => out[0]);
    assert.deepEqual([cloudCalls()[0]?.query.chargeDateStart, cloudCalls()[0]?.query.chargeDateEnd], ['2026-01-01', '2026-12-31']);
    sim.account!.clearLog();
    node.receive({ payload: { from: '2026-03-01', to: '2026-03-31' } } as never);
    await waitFor('the second answer', () => out[1]);
    assert.deepEqual([cloudCalls()[0]?.query.chargeDateStart, cloudCalls()[0]?.query.chargeDateEnd], ['2026-03-01', '2026-03-31']);
  });

  it('statistics refuses an unset date only when the range needs it', async () => {
    const { out, caught, node } = await load({ type: 'v2c-statistics', scope: 'device', range: 'custom', from: 'missing', fromType: 'flow', to: '2026-12-31', toType: 'str', split: false, wires: [['out'], []] });
    sim.account!.clearLog();
    node.receive({ payload: 'tick' } as never);
    const error = await waitFor('the error in Catch', () => caught[0]);
    assert.match(error.error!.message, /from \(flow\.missing\): nothing is stored there/);
    assert.deepEqual(cloudCalls(), []);
    // A message naming another range needs no dates.
    node.receive({ range: 'today' } as never);
    await waitFor('the sessions of today', () => out[0]);
  });
});
