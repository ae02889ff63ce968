import { strict as assert } from 'node:assert';
import path from 'node:path';
import type { TrydanSimulator } from '../../src/sim';
import { config, helper, lastStatus, nodes, redeploy, sleep, startSim, statusesOf, waitFor } from './flow';

type Msg = { topic?: string; payload: Record<string, unknown>; changed?: string[]; _msgid?: string };

describe('v2c-realtime-in through the runtime', function () {
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

  const collect = (id: string): Msg[] => {
    const seen: Msg[] = [];
    helper.getNode(id).on('input', (msg: Msg) => seen.push(msg));
    return seen;
  };

  it('emits the charger telemetry with numbers, charging and readable texts', async () => {
    await helper.load(nodes, [config(host), { id: 'rt', type: 'v2c-realtime-in', server: 'cfg', output: 'every', ignore: '', wires: [['out']] }, { id: 'out', type: 'helper' }]);
    const seen = collect('out');
    const msg = await waitFor('telemetry', () => seen[0]);
    assert.equal(msg.topic, 'Garage');
    assert.equal(msg.payload.ID, sim.state.ID);
    assert.equal(typeof msg.payload.ChargePower, 'number');
    assert.equal(typeof msg.payload.Intensity, 'number');
    assert.equal(msg.payload.charging, msg.payload.ChargeState === 2 && msg.payload.Paused === 0);
    assert.equal(typeof msg.payload.ChargeStateText, 'string');
    assert.equal(typeof msg.payload.DynamicPowerModeText, 'string');
    assert.equal(typeof msg.payload.SlaveErrorText, 'string');
    const status = lastStatus('rt')!;
    assert.equal(status.fill, 'green');
    // Polls that change nothing shown do not repeat the status (a Status node hears changes only).
    const shown = statusesOf('rt').length;
    const polls = sim.requests.length;
    await waitFor('two more polls', () => sim.requests.length >= polls + 2, 5_000);
    assert.ok(statusesOf('rt').length - shown <= 1, `statuses: ${JSON.stringify(statusesOf('rt').slice(shown))}`);
  });

  it('on every poll sets msg.changed, comparing the readings only when a flow reads it', async () => {
    await helper.load(nodes, [config(host), { id: 'rt', type: 'v2c-realtime-in', server: 'cfg', output: 'every', ignore: '', wires: [['out']] }, { id: 'out', type: 'helper' }]);
    const seen = collect('out');
    await waitFor('a first reading', () => seen[0]);
    // Every field is a number or a string: a comparison would stringify them, the node nothing else.
    const stringify = JSON.stringify;
    let primitives = 0;
    JSON.stringify = ((value: unknown, ...rest: []) => {
      // The simulator (in this process) writes its replies with it: not counted.
      if ((typeof value === 'number' || typeof value === 'string') && !new Error().stack?.includes(`${path.sep}sim${path.sep}`)) primitives++;
      return stringify(value, ...rest);
    }) as typeof JSON.stringify;
    try {
      await waitFor('three more readings', () => seen.length >= 4, 8_000);
    } finally {
      JSON.stringify = stringify;
    }
    assert.equal(primitives, 0, 'readings were compared although no flow read msg.changed');
    assert.deepEqual(seen[0]!.changed, Object.keys(seen[0]!.payload).filter((k) => !k.endsWith('Text') && k !== 'charging'), 'the first message lists every key');
    const later = seen[3]!;
    assert.ok(later.changed?.includes('ChargeTime'), `changed: ${later.changed}`);
    assert.ok(!later.changed.includes('ID'), 'the ID did not change');
    later.changed = ['mine'];
    assert.deepEqual(later.changed, ['mine'], 'a flow can set msg.changed');
  });

  it('makes one request per interval for five nodes, and none without a realtime-in node', async () => {
    const five = [1, 2, 3, 4, 5].map((i) => ({ id: `rt${i}`, type: 'v2c-realtime-in', server: 'cfg', output: 'every', ignore: '', wires: [['out']] }));
    await helper.load(nodes, [config(host), ...five, { id: 'out', type: 'helper' }]);
    const seen = collect('out');
    await waitFor('first reading', () => seen.length >= 5);
    sim.clearLog();
    seen.length = 0;
    await sleep(3_500);
    const polls = sim.requests.filter((r) => r.path === '/RealTimeData').length;
    assert.ok(polls >= 3 && polls <= 4, `${polls} requests in 3.5 s at 1 s interval`);
    assert.equal(seen.length, polls * 5, 'each node got every reading');

    await redeploy([config(host), { id: 'w', type: 'v2c-write-out', server: 'cfg', keyword: '', wires: [] }], ['w']);
    sim.clearLog();
    await sleep(2_500);
    assert.equal(sim.requests.length, 0, 'no polling without a realtime-in node');
  });

  it('in change mode sends only when a value changed, ignoring listed keys', async () => {
    sim.unplug(); // an idle charger: only the site's powers move, and those are ignored here
    await helper.load(nodes, [config(host), { id: 'rt', type: 'v2c-realtime-in', server: 'cfg', output: 'change', ignore: 'ChargeTime, FVPower, GridPower, HousePower', wires: [['out']] }, { id: 'out', type: 'helper' }]);
    const seen = collect('out');
    await waitFor('first reading', () => seen[0]);
    const polls = () => sim.requests.filter((r) => r.path === '/RealTimeData').length;
    const before = polls();
    await waitFor('three more polls', () => polls() >= before + 3);
    assert.equal(seen.length, 1, 'unchanged readings are not sent');
    sim.plugIn();
    const next = await waitFor('a change', () => seen[1]);
    assert.ok(next.changed?.includes('ChargeState'), `changed: ${next.changed}`);
  });

  it('in change mode with the default deadband stays quiet while a charging car only ticks, and speaks on a real change', async () => {
    // A charging car: ChargeTime ticks every second and the sun moves a watt or two per poll.
    await helper.load(nodes, [config(host), { id: 'rt', type: 'v2c-realtime-in', server: 'cfg', output: 'change', ignore: '', wires: [['out']] }, { id: 'out', type: 'helper' }]);
    const seen = collect('out');
    await waitFor('first reading', () => seen[0]);
    const polls = () => sim.requests.filter((r) => r.path === '/RealTimeData').length;
    const before = polls();
    await waitFor('four more polls', () => polls() >= before + 4, 8_000);
    assert.equal(seen.length, 1, `quiet while nothing moved beyond its band: ${JSON.stringify(seen.slice(1).map((m) => m.changed))}`);
    sim.unplug();
    const next = await waitFor('the car leaving', () => seen[1]);
    assert.ok(next.changed?.includes('ChargeState') && next.changed.includes('ChargePower'), `changed: ${next.changed}`);
    assert.ok(!next.changed.includes('ChargeTime') || next.payload.ChargeTime === 0, 'a tick is not a change');
  });

  it('in change mode with a deadband of 0 counts every move, and with a key list only those keys', async () => {
    await helper.load(nodes, [
      config(host),
      { id: 'exact', type: 'v2c-realtime-in', server: 'cfg', output: 'change', ignore: '', deadband: 0, wires: [['out']] },
      { id: 'listed', type: 'v2c-realtime-in', server: 'cfg', output: 'change', watch: 'keys', keys: 'ChargeState, Paused', ignore: '', wires: [['out2']] },
      { id: 'out', type: 'helper' },
      { id: 'out2', type: 'helper' },
    ]);
    const exact = collect('out');
    const keys = collect('out2');
    await waitFor('first readings', () => exact[0] && keys[0], 8_000).catch((err) => {
      throw new Error(`${err.message}: ${JSON.stringify({ exact: exact.length, keys: keys.length, status: lastStatus('listed'), log: helper.log().args.map((a: [{ msg?: unknown }]) => String(a[0].msg)) })}`);
    });
    await waitFor('three more from the exact one', () => exact.length >= 4, 8_000);
    assert.ok(exact.slice(1).every((m) => m.changed?.includes('ChargeTime')), 'the session clock ticked each time');
    assert.equal(keys.length, 1, 'nothing watched moved');
    assert.deepEqual(keys[0]!.changed, ['ChargeState', 'Paused']);
    sim.unplug();
    const next = await waitFor('the car leaving', () => keys[1]);
    assert.deepEqual(next.changed, ['ChargeState']);
  });

  it('refuses a bad deadband or an empty key list at deploy: red status, and every input fails to Catch with nothing polled', async () => {
    await helper.load(nodes, [
      config(host),
      { id: 'bad', type: 'v2c-realtime-in', server: 'cfg', output: 'change', ignore: '', deadband: 'lots', wires: [['out']] },
      { id: 'empty', type: 'v2c-realtime-in', server: 'cfg', output: 'change', watch: 'keys', keys: ' ', ignore: '', wires: [['out']] },
      { id: 'c', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'out', type: 'helper' },
      { id: 'caught', type: 'helper' },
    ]);
    const seen = collect('out');
    const caught: Array<{ error?: { message: string; code?: string; source?: { id: string } } }> = [];
    helper.getNode('caught').on('input', (msg: (typeof caught)[number]) => caught.push(msg));
    for (const id of ['bad', 'empty']) {
      assert.equal((await waitFor(`${id} status`, () => lastStatus(id))).fill, 'red');
      helper.getNode(id).receive({ payload: 'now' } as never);
    }
    await waitFor('both errors at Catch', () => caught.length >= 2);
    assert.deepEqual(caught.map((c) => [c.error?.source?.id, c.error?.code]), [['bad', 'INVALID_INPUT'], ['empty', 'INVALID_INPUT']]);
    assert.match(String(caught[0]!.error?.message), /deadband/);
    assert.match(String(caught[1]!.error?.message), /at least one key/);
    await sleep(1_500);
    assert.equal(seen.length, 0);
    assert.equal(sim.requests.length, 0, 'no realtime-in that works, so nothing polled');
  });

  it('answers an input message with a fresh reading on the same message', async () => {
    await helper.load(nodes, [config(host, { pollInterval: 60, idleInterval: 60 }), { id: 'rt', type: 'v2c-realtime-in', server: 'cfg', output: 'every', ignore: '', wires: [['out']] }, { id: 'out', type: 'helper' }]);
    const seen = collect('out');
    await waitFor('first reading', () => seen[0]);
    helper.getNode('rt').receive({ payload: 'now', _msgid: 'ask-1' } as never);
    const answer = await waitFor('the answer', () => seen.find((m) => m._msgid === 'ask-1'));
    assert.equal(answer.payload.ID, sim.state.ID);
    await sleep(300);
    assert.equal(seen.length, 2, 'the asked-for reading is sent once, on the asking message');
  });

  it('says offline, backs off, and recovers by itself', async () => {
    await helper.load(nodes, [config(host), { id: 'rt', type: 'v2c-realtime-in', server: 'cfg', output: 'every', ignore: '', wires: [['out']] }, { id: 'out', type: 'helper' }]);
    const seen = collect('out');
    await waitFor('first reading', () => seen[0]);
    const node = helper.getNode('rt');
    sim.setFault({ offline: true });
    const offline = await waitFor('offline status', () => statusesOf('rt').find((s) => s.fill === 'red'), 15_000);
    assert.match(String(offline.text), /offline/);
    node.receive({ payload: 'now' } as never); // a person asks while it is away: that fails too
    await waitFor('the request failed', () => helper.log().args.some((a: [{ level?: number; id?: string }]) => a[0].level === 20 && a[0].id === 'rt'), 15_000);
    const count = seen.length;
    sim.clearFaults();
    await waitFor('recovery', () => seen.length > count && lastStatus('rt')?.fill === 'green', 15_000);
    const logged = helper.log().args.map((a: [{ msg?: unknown }]) => String(a[0].msg));
    assert.equal(logged.filter((m: string) => m.includes('v2c-config.log.offline')).length, 1, 'warned once, not on every retry');
    assert.equal(logged.filter((m: string) => m.includes('v2c-config.log.online')).length, 1, 'said when it came back');
  });

  it('says so when the charger answers garbage, and keeps trying', async () => {
    await helper.load(nodes, [config(host), { id: 'rt', type: 'v2c-realtime-in', server: 'cfg', output: 'every', ignore: '', wires: [['out']] }, { id: 'out', type: 'helper' }]);
    const seen = collect('out');
    await waitFor('first reading', () => seen[0]);
    sim.setFault({ malformed: 'html' });
    await waitFor('bad reply status', () => /badReply/.test(String(lastStatus('rt')?.text)), 10_000);
    sim.clearFaults();
    const count = seen.length;
    await waitFor('recovery', () => seen.length > count, 15_000);
  });
});
