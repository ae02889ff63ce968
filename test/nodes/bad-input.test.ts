import { strict as assert } from 'node:assert';
import type { TrydanSimulator } from '../../src/sim';
import { config, helper, nodes, startSim, waitFor } from './flow';

type Caught = { error?: { message: string; code?: string }; _msgid?: string };
type Out = { payload: unknown; _msgid?: string };

/** A value JSON.stringify cannot show. */
function circular(): Record<string, unknown> {
  const o: Record<string, unknown> = { value: 16 };
  o.self = o;
  return o;
}

// Every message here must fail at Catch with the input-error code, send nothing anywhere,
// and leave the node working for the next good message.
describe('bad input to every node reaches Catch as INVALID_INPUT, and nothing is sent', function () {
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

  async function check(node: Record<string, unknown>, bad: Array<Record<string, unknown>>, good: Record<string, unknown>, lan = false): Promise<void> {
    await helper.load(nodes, [
      config(lan ? host : '', { cloudUrl, deviceId: sim.state.ID, pollInterval: 3600, idleInterval: 3600 }),
      { id: 'n', server: 'cfg', wires: [['out']], ...node },
      { id: 'c', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'out', type: 'helper' },
      { id: 'caught', type: 'helper' },
    ], { cfg: { apiKey } });
    const out: Out[] = [];
    const caught: Caught[] = [];
    helper.getNode('out').on('input', (m: Out) => out.push(m));
    helper.getNode('caught').on('input', (m: Caught) => caught.push(m));
    const cloudBefore = sim.account!.requests.length;
    for (const [i, msg] of bad.entries()) {
      helper.getNode('n').receive({ ...msg, _msgid: `bad${i}` } as never);
      const c = await waitFor(`Catch for ${i}`, () => caught.find((m) => m._msgid === `bad${i}`), 3_000);
      assert.equal(c.error?.code, 'INVALID_INPUT', `message ${i}: ${c.error?.message}`);
    }
    assert.equal(out.length, 0, 'no bad message produced output');
    assert.equal(sim.account!.requests.length, cloudBefore, 'no cloud call was made');
    helper.getNode('n').receive({ ...good, _msgid: 'good' } as never);
    await waitFor('the node still works', () => out.find((m) => m._msgid === 'good') ?? caught.find((m) => m._msgid === 'good'), 5_000);
    assert.equal(caught.find((m) => m._msgid === 'good'), undefined, caught.find((m) => m._msgid === 'good')?.error?.message);
  }

  const PROTO_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

  it('rfid: prototype-named actions, bad device IDs', () =>
    check({ type: 'v2c-rfid', action: '' }, [
      ...PROTO_NAMES.map((action) => ({ action })),
      { action: 'list', deviceId: 'D'.repeat(300 * 1024) },
      { action: 'list', deviceId: 42 },
      { action: 'list', deviceId: { id: 'x' } },
      { action: 'rename', payload: { code: 'A', tag: 'x', constructor: 1 } },
      { action: 'add', payload: circular() },
    ], { action: 'list' }));

  it('power profile: prototype-named actions, impossible times', () =>
    check({ type: 'v2c-power-profile', action: '' }, [
      ...PROTO_NAMES.map((action) => ({ action })),
      { action: 'get', payload: { updateAt: '2026-02-31T10:00:00Z' } },
      { action: 'list', deviceId: 10n },
    ], { action: 'list' }));

  it('cloud command: oversized and impossible values, BigInt and circular payloads', () =>
    check({ type: 'v2c-cloud-command', command: '' }, [
      ...PROTO_NAMES.map((command) => ({ command })),
      { command: 'ocpp_addr', payload: { value: `ws://${'x'.repeat(200 * 1024)}` } },
      { command: 'inverter_ip', payload: { value: '999.999.999.999' } },
      { command: 'intensity', payload: { value: 16n } },
      { command: 'intensity', payload: circular() },
      { command: 'reboot', deviceId: 'D'.repeat(300 * 1024) },
      { command: 'stadistic/device', payload: { chargeDateStart: '2026-02-31' } },
    ], { command: 'version' }));

  it('statistics: dates that do not exist', () =>
    check({ type: 'v2c-statistics', scope: 'device', range: 'last', from: '', to: '', split: false }, [
      { payload: { from: '2026-02-31', to: '2026-03-05' } },
      { payload: { from: 20260101n, to: '2026-03-05' } },
      { range: 'constructor' },
      { range: '__proto__' },
    ], {}));

  it('surplus: prototype-named settings, BigInt and circular values', () =>
    check({ type: 'v2c-surplus', server: '', gridSource: 'message', wires: [[], ['out']] }, [
      { settings: { constructor: 1 } },
      { settings: { __proto__: { mode: 'fast' }, toString: 2 } },
      { settings: { maxCurrent: 10n } },
      { settings: { maxCurrent: circular() } },
      { mode: 5n },
      { mode: circular() },
      { topic: 'grid', payload: 5n },
      { topic: 'grid', payload: circular() },
    ], { topic: 'grid', payload: -2000 }));

  it('write-out: BigInt and circular values', () =>
    check({ type: 'v2c-write-out', keyword: '' }, [
      { payload: { Intensity: 10n } },
      { payload: { Intensity: circular() } },
      { payload: { constructor: 1 } },
      { topic: '__proto__', payload: 1 },
    ], { payload: { Intensity: 12 } }, true));
});
