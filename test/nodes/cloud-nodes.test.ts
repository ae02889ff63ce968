import { strict as assert } from 'node:assert';
import type { TrydanSimulator } from '../../src/sim';
import { config, helper, nodes, sleep, startSim, statusesOf, waitFor } from './flow';

type Msg = { payload: any; topic?: string; rateLimit?: { remaining: number }; error?: { message: string; source?: { id: string } }; index?: number; source?: string; _msgid?: string }; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('cloud nodes through the runtime, against the simulated cloud', function () {
  this.timeout(30_000);
  let sim: TrydanSimulator;
  let cloudUrl: string;
  let apiKey: string;
  let host: string;

  beforeEach(async () => {
    ({ sim, cloudUrl, apiKey, host } = await startSim({ cloud: true }));
    await helper.startServer();
  });

  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
    await sim.stop();
  });

  const load = async (node: Record<string, unknown>, cfg: Record<string, unknown> = {}, outputs = 1) => {
    const wires = Array.from({ length: outputs }, (_, i) => [`out${i}`]);
    await helper.load(nodes, [
      config('', { cloudUrl, ...cfg }),
      { id: 'n', server: 'cfg', wires, ...node },
      { id: 'c', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
      ...wires.map(([id]) => ({ id, type: 'helper' })),
      { id: 'caught', type: 'helper' },
    ], { cfg: { apiKey } });
    const got = wires.map(([id]) => {
      const seen: Msg[] = [];
      helper.getNode(id!).on('input', (m: Msg) => seen.push(m));
      return seen;
    });
    const caught: Msg[] = [];
    helper.getNode('caught').on('input', (m: Msg) => caught.push(m));
    return { got, caught };
  };

  const send = (msg: Record<string, unknown>) => helper.getNode('n').receive(msg as never);

  it('rfid: learns a card by swipe, lists, renames, deletes, and switches the reader', async () => {
    const { got, caught } = await load({ type: 'v2c-rfid', action: '' });
    const out = got[0]!;
    send({ action: 'learn', payload: { tag: 'Guest' } });
    await waitFor('learn', () => out[0]);
    sim.swipeCard('C0FFEE01');
    send({ action: 'list' });
    await waitFor('list', () => out[1]);
    assert.ok(out[1]!.payload.some((c: { code: string; tag: string }) => c.code === 'C0FFEE01' && c.tag === 'Guest'));
    send({ action: 'rename', payload: { code: 'C0FFEE01', tag: 'Neighbour' } });
    send({ action: 'reader', payload: 'off' });
    await waitFor('rename and reader', () => out[3]);
    send({ action: 'delete', payload: { code: 'C0FFEE01' } });
    send({ action: 'list' });
    await waitFor('list again', () => out[5]);
    assert.deepEqual(out[5]!.payload.filter((c: { code: string }) => c.code === 'C0FFEE01'), []);
    assert.equal(caught.length, 0, caught.map((c) => c.error?.message).join());
    send({ action: 'rename', payload: { code: 'X' } });
    await waitFor('missing tag rejected', () => caught[0]);
    assert.match(caught[0]!.error!.message, /tag is required/);
  });

  it('statistics: sessions of a date range with a summary, and one message per session', async () => {
    const { got, caught } = await load({ type: 'v2c-statistics', scope: 'device', range: 'custom', from: '2020-01-01', to: '2030-12-31', split: true }, {}, 2);
    send({});
    await waitFor('summary', () => got[0]![0]);
    const { summary, sessions } = got[0]![0]!.payload;
    assert.ok(sessions.length > 5, 'a range gives more than the last five');
    assert.equal(summary.sessions, sessions.length);
    const energy = sessions.reduce((a: number, s: { energy: number }) => a + s.energy, 0);
    assert.ok(Math.abs(summary.energy - energy) < 0.01);
    await waitFor('one per session', () => got[1]!.length === sessions.length);
    assert.deepEqual(got[1]!.map((m) => m.index), sessions.map((_: unknown, i: number) => i));
    send({ payload: { from: '2026-02-30x', to: '2026-01-01' } });
    await waitFor('bad date', () => caught[0]);
    assert.match(caught[0]!.error!.message, /"from" must be a date/);
  });

  it('statistics: account totals', async () => {
    const { got } = await load({ type: 'v2c-statistics', scope: 'account', range: 'last', from: '', to: '', split: false }, {}, 2);
    send({});
    await waitFor('totals', () => got[0]![0]);
    assert.equal(typeof got[0]![0]!.payload.totalEnergy, 'number');
    assert.equal(typeof got[0]![0]!.payload.totalCharges, 'number');
  });

  it('power-profile: create, list, get, update, delete', async () => {
    const { got, caught } = await load({ type: 'v2c-power-profile', action: '' });
    const out = got[0]!;
    send({ action: 'create', payload: { name: 'Night', mode: 'grid', value: 7 } });
    await waitFor('create', () => out[0] || caught[0]);
    send({ action: 'list' });
    await waitFor('list', () => out[1] || caught[0]);
    assert.equal(caught.length, 0, caught.map((c) => c.error?.message).join());
    const night = out[1]!.payload.find((p: { name: string }) => p.name === 'Night');
    assert.ok(night, 'the new profile is listed');
    send({ action: 'get', payload: { name: 'Night', updateAt: night.updateAt } });
    send({ action: 'delete', payload: { name: 'Night', updateAt: night.updateAt } });
    await waitFor('get and delete', () => out[3] || caught[0]);
    assert.equal(caught.length, 0, caught.map((c) => c.error?.message).join());
  });

  it('cloud-command: a command without parameters ignores an inject timestamp', async () => {
    const { got, caught } = await load({ type: 'v2c-cloud-command', command: 'startcharge' }, { deviceId: sim.state.ID });
    send({ payload: Date.now() });
    await waitFor('started', () => got[0]![0] || caught[0]);
    assert.deepEqual(got[0]![0]?.payload, { ok: true, message: 'Command executed successfully' });
  });

  it('wifi-scan: lists the networks, strongest first', async () => {
    const { got } = await load({ type: 'v2c-wifi-scan' });
    send({});
    await waitFor('networks', () => got[0]![0]);
    const rssi = got[0]![0]!.payload.map((n: { rssi: number }) => n.rssi);
    assert.ok(rssi.length > 1);
    assert.deepEqual(rssi, [...rssi].sort((a: number, b: number) => b - a));
  });

  it('without a LAN address, realtime-in reads through the cloud in LAN keywords and write-out writes through it', async () => {
    await helper.load(nodes, [
      config('', { cloudUrl, deviceId: sim.state.ID }),
      { id: 'rt', type: 'v2c-realtime-in', server: 'cfg', output: 'every', ignore: '', wires: [['telemetry']] },
      { id: 'w', type: 'v2c-write-out', server: 'cfg', keyword: '', wires: [['written']] },
      { id: 'c', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'telemetry', type: 'helper' }, { id: 'written', type: 'helper' }, { id: 'caught', type: 'helper' },
    ], { cfg: { apiKey } });
    const telemetry: Msg[] = [];
    const written: Msg[] = [];
    const caught: Msg[] = [];
    helper.getNode('telemetry').on('input', (m: Msg) => telemetry.push(m));
    helper.getNode('written').on('input', (m: Msg) => written.push(m));
    helper.getNode('caught').on('input', (m: Msg) => caught.push(m));
    const first = await waitFor('cloud telemetry', () => telemetry[0]);
    assert.equal(first.source, 'cloud');
    assert.equal(typeof first.rateLimit?.remaining, 'number', 'a cloud reading carries msg.rateLimit');
    assert.equal(first.payload.ChargeState, sim.state.ChargeState);
    assert.ok(Math.abs(first.payload.ChargePower - sim.state.ChargePower) < 50, `${first.payload.ChargePower} W ≈ ${sim.state.ChargePower} W`);
    assert.equal(typeof first.payload.charging, 'boolean');
    helper.getNode('w').receive({ payload: { Paused: 1, Intensity: 10 } } as never);
    await waitFor('cloud write', () => written[0] || caught[0]);
    assert.deepEqual(written[0]?.payload, { Paused: 1, Intensity: 10 });
    assert.equal(typeof written[0]?.rateLimit?.remaining, 'number', 'a cloud write carries msg.rateLimit');
    assert.equal(sim.state.Paused, 1, 'a cloud pause pauses the charger');
    assert.equal(sim.state.Intensity, 10);
    helper.getNode('w').receive({ payload: { MinIntensity: 8 } } as never);
    await waitFor('LAN-only keyword refused', () => caught[0]);
    assert.match(caught[0]!.error!.message, /MinIntensity can only be written over the LAN/);
    await sleep(500);
    assert.equal(telemetry.length, 1, 'the cloud is polled at its slow pace (90 s at least), not every second');
  });

  it('takes the device ID from the charger over the LAN before asking the cloud', async () => {
    sim.account!.setFault({ forbidPairings: true });
    const { got, caught } = await load({ type: 'v2c-cloud-command', command: 'reported' }, { host, deviceId: '' });
    send({});
    await waitFor('reported', () => got[0]![0] || caught[0]);
    assert.equal(caught.length, 0, caught.map((c) => c.error?.message).join());
    assert.ok(!sim.account!.requests.some((r) => r.path === '/pairings/me'), 'no pairings call was needed');
    assert.equal(sim.account!.requests.at(-1)?.query.deviceId, sim.state.ID);
  });

  it('never shows the API key in logs, status, messages or errors', async () => {
    sim.account!.setFault({ outage: true });
    const { got, caught } = await load({ type: 'v2c-cloud-command', command: '' }, { host, deviceId: '' });
    send({ command: 'reported' });
    send({ command: 'intensity', payload: { value: 99 } });
    send({ command: 'version' });
    await waitFor('three answers', () => got[0]!.length + caught.length >= 3);
    sim.account!.clearFaults();
    send({ command: 'reported' });
    await waitFor('after the outage', () => got[0]!.length >= 1);
    const seen = JSON.stringify({
      messages: got.flat(),
      errors: caught,
      status: statusesOf('n'),
      logs: helper.log().args,
    });
    assert.ok(seen.includes('AUTH_FAILED') || seen.includes('refused the API key'), 'the outage was seen');
    assert.ok(!seen.includes(apiKey), 'the key appears nowhere');
  });

  it('v2c-surplus refuses a charger reached only through the cloud, says why and what instead, and calls nothing', async () => {
    const before = sim.snapshot().cloud.requestCount;
    const { caught } = await load({ type: 'v2c-surplus', gridSource: 'message' }, {}, 2);
    await waitFor('the status', () => statusesOf('n').some((s) => s.text === 'v2c-surplus.status.needsLan'));
    const status = statusesOf('n').at(-1)!;
    assert.equal(status.fill, 'red');
    send({ payload: -2000, _msgid: 'grid' });
    const err = await waitFor('the error at Catch', () => caught[0]);
    assert.match(err.error!.message, /v2c-surplus.errors.needsLan/);
    await sleep(300);
    assert.equal(sim.snapshot().cloud.requestCount, before, 'no cloud call for the controller');
  });
});
