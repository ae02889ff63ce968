// The bad-input matrix (issue 9, item 4), through the real Node-RED runtime: every node type
// gets every kind of bad message (bad-input-cases.ts). Each must reach Catch with the code
// INVALID_INPUT and a readable message, send nothing to the charger or the cloud and nothing
// on its outputs, and the node must answer a good message afterwards.

import { strict as assert } from 'node:assert';
import type { TrydanSimulator } from '../../src/sim';
import {
  type BadCase,
  CLOUD_COMMAND,
  POWER_PROFILE,
  REALTIME_TRIGGERS,
  RFID,
  STATISTICS,
  SURPLUS,
  WIFI_SCAN,
  WRITE_OUT,
} from './bad-input-cases';
import { config, helper, nodes, sleep, startSim, waitFor } from './flow';

type Seen = { _msgid?: string; payload?: unknown; error?: { message: string; code?: string } };

interface Subject {
  type: string;
  /** The node's own properties (besides id, server, wires). */
  def: Record<string, unknown>;
  cases: BadCase[];
  good: Record<string, unknown>;
  /** Talks to the charger over the LAN (else the config node has no LAN address). */
  lan?: boolean;
  outputs?: number;
  /** The surplus node works without a charger. */
  noServer?: boolean;
}

const SUBJECTS: Subject[] = [
  { type: 'v2c-write-out', def: { keyword: '' }, cases: WRITE_OUT, good: { payload: { Intensity: 12 } }, lan: true },
  { type: 'v2c-cloud-command', def: { command: '' }, cases: CLOUD_COMMAND, good: { command: 'version' } },
  { type: 'v2c-rfid', def: { action: '' }, cases: RFID, good: { action: 'list' } },
  { type: 'v2c-statistics', def: { scope: 'device', range: 'last', from: '', to: '', split: false }, cases: STATISTICS, good: {}, outputs: 2 },
  { type: 'v2c-power-profile', def: { action: '' }, cases: POWER_PROFILE, good: { action: 'list' } },
  { type: 'v2c-wifi-scan', def: {}, cases: WIFI_SCAN, good: {} },
  { type: 'v2c-surplus', def: { gridSource: 'message', gridFormat: 'signed', unit: 'W' }, cases: SURPLUS, good: { topic: 'grid', payload: -2000 }, outputs: 2, noServer: true },
];

/** A short view of any value, BigInt and circular ones included. */
function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))?.slice(0, 120) ?? String(value);
  } catch {
    return String(value).slice(0, 120);
  }
}

/** What stays quiet long enough to call "nothing was sent": a LAN answer takes 5 ms, a cloud one 5 ms. */
const QUIET_MS = 150;

describe('bad-input matrix: every node, every kind of bad message', function () {
  this.timeout(60_000);
  let sim: TrydanSimulator;
  let host: string;
  let cloudUrl: string;
  let apiKey: string;
  let outputs: Seen[];
  let caught: Seen[];

  before(async () => {
    ({ sim, host, cloudUrl, apiKey } = await startSim({ cloud: true }));
    await helper.startServer();
  });
  after(async () => {
    await helper.stopServer();
    await sim.stop();
  });

  /** The node under test, its config node, a Catch node, and sinks on every output. */
  async function load(subject: Pick<Subject, 'type' | 'def' | 'lan' | 'outputs' | 'noServer'>): Promise<void> {
    const wires = Array.from({ length: subject.outputs ?? 1 }, (_, i) => [`out${i}`]);
    await helper.load(nodes, [
      config(subject.lan ? host : '', { cloudUrl, deviceId: sim.state.ID, pollInterval: 3600, idleInterval: 3600 }),
      { id: 'n', type: subject.type, server: subject.noServer ? '' : 'cfg', wires, version: 1, ...subject.def },
      { id: 'c', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
      ...wires.map(([id]) => ({ id, type: 'helper' })),
      { id: 'caught', type: 'helper' },
    ], { cfg: { apiKey } });
    outputs = [];
    caught = [];
    for (const [id] of wires) helper.getNode(id!).on('input', (m: Seen) => outputs.push(m));
    helper.getNode('caught').on('input', (m: Seen) => caught.push(m));
  }

  const traffic = () => ({ lan: sim.requests.length, cloud: sim.account?.requests.length ?? 0 });

  for (const subject of SUBJECTS) {
    describe(subject.type, () => {
      before(() => load(subject));
      after(() => helper.unload());

      subject.cases.forEach((bad, i) => {
        it(`${bad.category}: ${bad.label} → INVALID_INPUT at Catch, nothing sent`, async () => {
          const id = `bad-${i}`;
          const before = traffic();
          helper.getNode('n').receive({ ...bad.msg, _msgid: id } as never);
          const answer = await waitFor(`Catch or an output for ${bad.label}`, () => caught.find((m) => m._msgid === id) ?? outputs.find((m) => m._msgid === id), 3000).catch(() => undefined);
          await sleep(QUIET_MS);
          const error = caught.find((m) => m._msgid === id)?.error;
          if (!error) assert.fail(answer ? `no error: it went through to the output (${safeJson(answer.payload)})` : 'neither an error at Catch nor an output within 3 s');
          assert.equal(error.code, 'INVALID_INPUT', `code ${error.code}: ${error.message.slice(0, 200)}`);
          assert.ok(error.message.length < 1000, `the error text is ${error.message.length} characters long`);
          assert.equal(outputs.filter((m) => m._msgid === id).length, 0, 'nothing on the outputs');
          assert.deepEqual(traffic(), before, 'nothing sent to the charger or the cloud');
        });
      });

      it('still works afterwards: a good message succeeds', async () => {
        helper.getNode('n').receive({ ...subject.good, _msgid: 'good' } as never);
        await waitFor('the good message to come out', () => outputs.find((m) => m._msgid === 'good') ?? caught.find((m) => m._msgid === 'good'), 5000);
        assert.equal(caught.find((m) => m._msgid === 'good')?.error?.message, undefined);
      });
    });
  }

  describe('v2c-realtime-in (any message is a trigger)', () => {
    before(() => load({ type: 'v2c-realtime-in', def: { output: 'change', ignore: '' }, lan: true }));
    after(() => helper.unload());

    REALTIME_TRIGGERS.forEach((junk, i) => {
      it(`${junk.category}: ${junk.label} → a fresh reading on that message, no error, nothing written`, async () => {
        const id = `junk-${i}`;
        const writes = sim.writes.length;
        helper.getNode('n').receive({ ...junk.msg, _msgid: id } as never);
        const got = await waitFor(`a reading for ${junk.label}`, () => outputs.find((m) => m._msgid === id) ?? caught.find((m) => m._msgid === id), 3000);
        assert.equal(got.error, undefined, got.error?.message);
        assert.equal((got.payload as { ID?: string }).ID, sim.state.ID);
        assert.equal(sim.writes.length, writes, 'nothing written to the charger');
      });
    });
  });
});
