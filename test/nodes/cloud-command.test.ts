import { strict as assert } from 'node:assert';
import type { TrydanSimulator } from '../../src/sim';
import { CLOUD_ENDPOINTS } from '../../src/trydan/cloud-catalogue';
import { config, helper, nodes, startSim, waitFor } from './flow';

type Msg = { payload: unknown; rateLimit?: { limit: number; remaining: number; reset: string }; error?: { message: string }; command?: string; _msgid?: string };

// One call of every catalogue entry with parameters the simulated charger accepts, in an
// order where what a call needs exists (a card before renaming it, a profile before reading it).
const UPDATE_AT = '2026-11-21T10:00:00.000Z';
const CALLS: Array<[string, Record<string, unknown>]> = [
  ['startcharge', {}], ['pausecharge', {}], ['intensity', { value: 16 }], ['locked', { value: 0 }], ['dynamic', { value: 'on' }],
  ['chargefvmode', { value: 1 }], ['maxpower', { value: 5750 }], ['max_car_int', { value: 32 }], ['min_car_int', { value: 6 }],
  ['charger_until_energy', { value: 10 }], ['charger_until_minutes', { value: 60 }], ['startchargekw', { kw: 15 }],
  ['startchargeminutes', { minutes: 120 }], ['timer', { timerId: 1, start_time: '22:00', end_time: '06:00', active: true }],
  ['thirdparty_mode', { mode: 1, value: 1 }], ['inst_type', { value: 0 }], ['ocpp', { value: 1 }], ['ocpp_id', { value: 'CP_001' }],
  ['ocpp_addr', { value: 'ws://127.0.0.1:9/ocpp' }], ['denka/max_power', { value: 5000 }], ['inverter_ip', { value: '127.0.0.2' }],
  ['wifi', { ssid: 'Garage', password: 'secret-wifi' }], ['slave_type', { value: 3 }], ['language', { value: 1 }], ['logo_led', { value: 1 }],
  ['currentstatecharge', {}], ['reported', {}], ['connected', {}], ['wifilist', {}],
  ['rfid/learn', { tag: 'Visitor' }], ['rfid/add', { code: 'AA11BB22', tag: 'Ana' }], ['rfid/list', {}], ['rfid/rename', { code: 'AA11BB22', tag: 'Ana B' }],
  ['rfid/delete', { code: 'AA11BB22' }], ['set_rfid', { value: 1 }],
  ['stadistic/device', { chargeDateStart: '2026-01-01', chargeDateEnd: '2026-12-31' }], ['stadistic/global/me', {}],
  ['savepersonalicepower/v2', { name: 'Solar', updateAt: UPDATE_AT, mode: 'solar', value: 32 }], ['personalicepower/all', {}],
  ['personalicepower/v2/get', { updateAt: UPDATE_AT, name: 'Solar' }], ['personalicepower/v2/update', { name: 'Solar', updateAt: UPDATE_AT, mode: 'solar', value: 16 }],
  ['personalicepower/v2/delete', { name: 'Solar', updateAt: UPDATE_AT }],
  ['version', {}], ['pairings/me', {}], ['reboot', {}], ['update', {}],
];

describe('v2c-cloud-command through the runtime, against the simulated cloud', function () {
  this.timeout(60_000);
  let sim: TrydanSimulator;
  let cloudUrl: string;
  let apiKey: string;

  beforeEach(async () => {
    ({ sim, cloudUrl, apiKey } = await startSim({ cloud: true }));
    await helper.startServer();
  });

  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
    await sim.stop();
  });

  const flow = (cloudUrl: string) => [
    config('', { cloudUrl, deviceId: sim.state.ID }),
    { id: 'cmd', type: 'v2c-cloud-command', server: 'cfg', command: '', wires: [['out']] },
    { id: 'c', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'out', type: 'helper' },
    { id: 'caught', type: 'helper' },
  ];

  it('calls every catalogue entry with the method, path and parameter names the server wants', async () => {
    await helper.load(nodes, flow(cloudUrl), { cfg: { apiKey } });
    const out: Msg[] = [];
    const caught: Msg[] = [];
    helper.getNode('out').on('input', (m: Msg) => out.push(m));
    helper.getNode('caught').on('input', (m: Msg) => caught.push(m));
    assert.deepEqual(new Set(CALLS.map(([n]) => n)), new Set(CLOUD_ENDPOINTS.map((e) => e.name)), 'the test covers the whole catalogue');

    for (const [i, [command, payload]] of CALLS.entries()) {
      sim.account!.clearLog();
      if (command === 'rfid/list') sim.swipeCard('CARD-VISITOR'); // the learned card appears
      helper.getNode('cmd').receive({ command, payload, _msgid: `m${i}` } as never);
      await waitFor(command, () => out.find((m) => m._msgid === `m${i}`) || caught.find((m) => m._msgid === `m${i}`));
      assert.equal(caught.find((m) => m._msgid === `m${i}`)?.error?.message, undefined, command);
      const endpoint = CLOUD_ENDPOINTS.find((e) => e.name === command)!;
      const [request] = sim.account!.requests;
      assert.ok(request, `${command} reached the cloud`);
      assert.equal(request.method, endpoint.method, `${command} method`);
      assert.equal(request.path, endpoint.path, `${command} path`);
      const expectedKeys = [...(endpoint.device === 'none' ? [] : [endpoint.device]), ...Object.keys(payload).filter((k) => !(endpoint.body ?? []).includes(k))].sort();
      assert.deepEqual(Object.keys(request.query).sort(), expectedKeys, `${command} parameter names`);
      assert.ok(request.status < 300, `${command} answered ${request.status}`);
      const msg = out.find((m) => m._msgid === `m${i}`)!;
      assert.equal(msg.command, command);
      assert.equal(typeof msg.rateLimit?.remaining, 'number');
    }
    const learned = out.find((m) => m.command === 'rfid/list')!.payload as Array<{ tag?: string }>;
    assert.ok(learned.some((c) => c.tag === 'Visitor'), 'the card swiped in learning mode has the name');
  });
});
