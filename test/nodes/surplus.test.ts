import { strict as assert } from 'node:assert';
import type { TrydanSimulator } from '../../src/sim';
import { config, helper, nodes, sleep, startSim, waitFor } from './flow';

// Every node type of package.json, v2c-surplus among them.
const all = nodes;

type Report = {
  state: string;
  reason: string;
  setpoint: number;
  command: Record<string, number> | null;
  sent: boolean;
  dryRun: boolean;
  dataAge: number;
  surplus: { smoothedW: number | null; carW: number | null };
};
type Msg = { payload: Record<string, unknown>; topic?: string; _msgid?: string; error?: { message: string; source?: { id: string } } };

const collect = (id: string): Msg[] => {
  const seen: Msg[] = [];
  helper.getNode(id).on('input', (msg: Msg) => seen.push(msg));
  return seen;
};
const reports = (msgs: Msg[]) => msgs.map((m) => m.payload as unknown as Report);
type StatusCall = { thisValue: { id: string }; args: [{ fill?: string; shape?: string; text?: string }] };
/** Node.prototype.status is one spy for every node: pick this node's calls. */
const statuses = (id: string) => (helper.getNode(id).status.getCalls() as StatusCall[]).filter((c) => c.thisValue.id === id).map((c) => c.args[0]);
const lastStatus = (id: string) => statuses(id).at(-1) ?? {};
const statusTexts = (id: string): string[] => statuses(id).map((s) => String(s.text ?? ''));

/** Today at `hour` local time: the simulator's sun follows the local clock. */
function today(hour: number): number {
  const d = new Date();
  d.setHours(hour, 0, 0, 0);
  return d.getTime();
}

describe('v2c-surplus through the runtime', function () {
  this.timeout(60_000);

  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
    helper.settings({ v2cSurplusClock: undefined });
  });

  describe('with the simulated charger and its own meter', () => {
    let sim: TrydanSimulator;
    let host: string;

    beforeEach(async () => {
      // One real second is a simulated minute; the node runs on the simulator's clock.
      ({ sim, host } = await startSim({
        timeScale: 60,
        startTime: today(9),
        seed: 3,
        environment: { pvPeakW: 9000, cloudiness: 0, houseBaseW: 300, houseVariationW: 0 },
      }));
      sim.set({ Paused: 1, Intensity: 6 });
      helper.settings({ v2cSurplusClock: { now: () => sim.clock.simNow(), tickMs: 50 } });
      await helper.startServer();
    });

    afterEach(async () => {
      await sim.stop();
    });

    const flow = (surplus: Record<string, unknown> = {}) => [
      config(host, { pollInterval: 1, idleInterval: 1 }),
      // Readings every simulated minute: a stale timeout above that.
      { id: 's', type: 'v2c-surplus', server: 'cfg', gridSource: 'charger', staleTimeout: 300, wires: [['w'], ['decisions']], ...surplus },
      { id: 'w', type: 'v2c-write-out', server: 'cfg', keyword: '', wires: [['written']] },
      { id: 'c', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'decisions', type: 'helper' },
      { id: 'written', type: 'helper' },
      { id: 'caught', type: 'helper' },
    ];

    it('starts, follows the sun and stops on a cloudy morning', async () => {
      await helper.load(all, flow());
      const decisions = collect('decisions');
      const caught = collect('caught');

      // Sunny: about 3.8 kW of surplus at 9:00.
      await waitFor('the car charging from the sun', () => sim.state.Paused === 0 && sim.state.ChargePower > 0, 20_000);
      const states = () => reports(decisions).map((r) => r.state);
      assert.ok(states().includes('starting'), `states: ${[...new Set(states())].join(', ')}`);
      await waitFor('16 A in full sun', () => sim.state.Intensity === 16, 10_000);

      // Clouds thicken: the current follows the surplus down, without stopping.
      sim.set({ environment: { pvPeakW: 5500 } });
      await waitFor('a lower current under thin clouds', () => sim.state.Intensity < 16 && sim.state.Intensity > 6, 10_000);
      const modulated = sim.state.Intensity;
      assert.equal(sim.state.Paused, 0);

      // A heavy cloud: the minimum current, then a pause after the stop delay.
      sim.set({ environment: { pvPeakW: 600 } });
      await waitFor('the minimum current', () => sim.state.Intensity === 6, 10_000);
      await waitFor('paused', () => sim.state.Paused === 1, 15_000);

      const seen = [...new Set(states())];
      for (const s of ['starting', 'charging', 'stopping', 'waiting']) assert.ok(seen.includes(s), `${s} in ${seen.join(', ')}`);
      const reasons = reports(decisions).map((r) => r.reason);
      assert.ok(reasons.includes('started') && reasons.includes('stopDelay') && reasons.includes('stopped'), reasons.join(', '));

      const writes = sim.writes.filter((w) => w.accepted);
      assert.ok(writes.every((w) => ['Intensity', 'Paused', 'PauseDynamic'].includes(w.keyword)), `only Intensity/Paused/PauseDynamic: ${writes.map((w) => w.keyword).join(', ')}`);
      const intensities = new Set(writes.filter((w) => w.keyword === 'Intensity').map((w) => w.value));
      assert.ok(intensities.size >= 3 && intensities.has(16) && intensities.has(modulated) && intensities.has(6), `currents written: ${[...intensities].join(', ')}`);
      const firstResume = writes.findIndex((w) => w.keyword === 'Paused' && w.value === 0);
      assert.ok(writes.slice(0, firstResume).some((w) => w.keyword === 'Intensity'), 'the current is set before the car resumes');
      assert.equal(caught.length, 0, caught.map((c) => c.error?.message).join('; '));
      assert.equal(sim.maxConcurrent, 1);

      const texts = statusTexts('s');
      for (const key of ['startIn', 'pv', 'stopIn', 'waiting']) assert.ok(texts.includes(`v2c-surplus.status.${key}`), `status ${key} in ${[...new Set(texts)].join(', ')}`);
    });

    it('says the charger is locked, writes nothing while it is, and takes control again once unlocked', async () => {
      await helper.load(all, flow());
      const decisions = collect('decisions');
      const caught = collect('caught');
      await waitFor('the car charging from the sun', () => sim.state.Paused === 0 && sim.state.ChargePower > 0, 20_000);
      sim.set({ Locked: 1 }); // the V2C app's AutoLock
      await waitFor('the locked status', () => lastStatus('s').text === 'v2c-surplus.status.locked', 10_000);
      assert.equal(lastStatus('s').fill, 'red');
      const locked = reports(decisions).at(-1)!;
      assert.equal(locked.state, 'locked');
      assert.equal(locked.reason, 'locked');
      const writes = sim.writes.length;
      sim.set({ environment: { pvPeakW: 600 } }); // a cloud while locked: no pause is written either
      await sleep(3_000);
      assert.equal(sim.writes.length, writes, 'nothing written while locked');
      const since = reports(decisions).slice(reports(decisions).findIndex((r) => r.state === 'locked'));
      assert.ok(since.length >= 2 && since.every((r) => r.state === 'locked' && r.command === null), JSON.stringify(since.map((r) => [r.state, r.command])));
      sim.set({ Locked: 0, environment: { pvPeakW: 9000 } });
      await waitFor('control again after the unlock', () => reports(decisions).at(-1)!.state !== 'locked', 10_000);
      await waitFor('charging again', () => sim.state.Paused === 0 && sim.state.ChargePower > 0, 20_000);
      assert.equal(caught.length, 0, caught.map((c) => c.error?.message).join('; '));
    });

    it('in a dry run decides and reports, and sends nothing', async () => {
      await helper.load(all, flow({ dryRun: true }));
      const decisions = collect('decisions');
      const written = collect('written');
      await waitFor('a decision to start', () => reports(decisions).find((r) => r.reason === 'started'), 20_000);
      const withCommand = reports(decisions).filter((r) => r.command);
      assert.ok(withCommand.length > 0 && withCommand.every((r) => r.dryRun && !r.sent));
      await sleep(300);
      assert.equal(written.length, 0);
      assert.equal(sim.writes.length, 0, 'nothing reached the charger');
      assert.equal(lastStatus('s').shape, 'ring');
      assert.equal(lastStatus('s').text, 'v2c-surplus.status.dryRun');
    });
  });

  describe('with a car that starts late, a separate meter and the charger\'s telemetry', () => {
    let sim: TrydanSimulator;
    let host: string;

    beforeEach(async () => {
      // Five simulated seconds a real second: the charger is polled every 5 simulated seconds.
      ({ sim, host } = await startSim({
        timeScale: 5,
        startTime: today(12),
        seed: 4,
        environment: { pvPeakW: 2300, cloudiness: 0, houseBaseW: 300, houseVariationW: 0 },
      }));
      sim.set({ Paused: 1, Intensity: 6, carStartDelayS: 20, carRampS: 8 });
      helper.settings({ v2cSurplusClock: { now: () => sim.clock.simNow(), tickMs: 200 } });
      await helper.startServer();
    });

    afterEach(async () => {
      await sim.stop();
    });

    it('never sets more current than the surplus allows while the car has yet to draw', async () => {
      await helper.load(all, [
        config(host, { pollInterval: 1, idleInterval: 1 }),
        { id: 's', type: 'v2c-surplus', server: 'cfg', gridSource: 'message', startEnergy: 0, startDelay: 10, minPause: 0, wires: [['w'], ['decisions']] },
        { id: 'w', type: 'v2c-write-out', server: 'cfg', keyword: '', wires: [[]] },
        { id: 'decisions', type: 'helper' },
      ]);
      const decisions = collect('decisions');
      // The grid meter: its own reading every simulated second, as an MQTT meter sends it.
      const meter = setInterval(() => helper.getNode('s').receive({ payload: Math.round(sim.snapshot().site.gridW) } as never), 200);
      try {
        const allowed = Math.floor((sim.snapshot().site.pvW - sim.snapshot().site.houseW) / 230);
        await waitFor('the car drawing', () => sim.state.ChargePower > 0, 30_000);
        await waitFor('the car at the current the surplus allows', () => sim.state.ChargePower >= allowed * 230, 20_000);
        await sleep(8_000); // 40 simulated seconds more: the setpoint must not climb past it
        const written = sim.writes.filter((w) => w.accepted && w.keyword === 'Intensity').map((w) => w.value);
        assert.ok(written.length > 0);
        assert.ok(Math.max(...written) <= allowed, `Intensity written: ${written.join(', ')}; the surplus allows ${allowed} A`);
        assert.ok(reports(decisions).some((r) => (r as unknown as { surplus: { carPendingSeconds: number | null } }).surplus.carPendingSeconds !== null), 'the report shows the wait for the car');
      } finally {
        clearInterval(meter);
      }
    });
  });

  describe('with a meter sending messages', () => {
    let clock = 0;

    beforeEach(async () => {
      clock = Date.UTC(2026, 5, 21, 10);
      helper.settings({ v2cSurplusClock: { now: () => clock, tickMs: 20 } });
      await helper.startServer();
    });

    const flow = (surplus: Record<string, unknown> = {}) => [
      { id: 's', type: 'v2c-surplus', gridSource: 'message', wires: [['commands'], ['decisions']], ...surplus },
      { id: 'c', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'commands', type: 'helper' },
      { id: 'decisions', type: 'helper' },
      { id: 'caught', type: 'helper' },
    ];

    /** One reading a second of simulated time, as an MQTT meter sends them. */
    const meter = async (seconds: number, payload: unknown, topic?: string) => {
      for (let i = 0; i < seconds; i++) {
        clock += 1000;
        helper.getNode('s').receive({ payload, ...(topic ? { topic } : {}) } as never);
      }
      await sleep(30);
    };

    it('starts from meter messages and caps the current when the meter goes silent', async () => {
      await helper.load(all, flow({ staleTimeout: 30 }));
      const commands = collect('commands');
      const decisions = collect('decisions');
      await meter(5, 400);
      assert.deepEqual(commands[0]!.payload, { PauseDynamic: 1, Paused: 1 });
      await meter(480, -3000); // 3 kW of export: started after the 20 s start delay, the surplus smoothed up to about 2.8 kW
      assert.deepEqual(commands[1]!.payload, { Intensity: 12, Paused: 0 }, 'the current first, then resume');
      assert.equal(commands[1]!.topic, 'v2c-surplus');
      assert.equal(reports(decisions).at(-1)!.state, 'charging');
      assert.equal(decisions.length, 485, 'one decision for every reading');

      clock += 31_000; // the meter falls silent
      const stale = await waitFor('the watchdog', () => reports(decisions).find((r) => r.state === 'stale'), 2_000);
      assert.deepEqual(stale.command, { Intensity: 6 });
      assert.deepEqual(commands.at(-1)!.payload, { Intensity: 6 });
      await waitFor('stale status', () => lastStatus('s').text === 'v2c-surplus.status.stale');
      assert.equal(lastStatus('s').fill, 'red');
    });

    it('sums three phases, inverts the sign and reads kW', async () => {
      await helper.load(all, flow({ gridFormat: 'phases', invertGrid: true, unit: 'kW' }));
      const decisions = collect('decisions');
      clock += 1000;
      for (const [topic, kw] of [['meter/L1', 0.5], ['meter/L2', 1.2], ['meter/L3', 0.3]] as const) helper.getNode('s').receive({ topic, payload: kw } as never);
      await waitFor('three decisions', () => decisions.length === 3);
      const [first, , last] = reports(decisions).map((r) => (r as unknown as { surplus: { gridW: number | null } }).surplus.gridW);
      assert.equal(first, null, 'no grid until every phase has reported');
      assert.equal(last, -2000, 'export 2 kW, counted as negative');
    });

    it('changes mode by message, answering on the same message', async () => {
      await helper.load(all, flow());
      const commands = collect('commands');
      const decisions = collect('decisions');
      await meter(3, 200);
      helper.getNode('s').receive({ topic: 'mode', payload: 'fast', _msgid: 'ask-fast' } as never);
      await waitFor('fast', () => decisions.find((m) => m._msgid === 'ask-fast'));
      assert.equal(reports(decisions).at(-1)!.reason, 'fast');
      assert.deepEqual(commands.at(-1)!.payload, { Intensity: 16, Paused: 0 });
      await waitFor('status', () => lastStatus('s').text === 'v2c-surplus.status.fast');
    });

    for (const [what, msg, pattern] of [
      ['a grid value that is not a number', { payload: 'unavailable' }, /"unavailable" is not a number/],
      ['an unknown mode', { topic: 'mode', payload: 'turbo' }, /"turbo" is not a mode/],
      ['a setting out of range', { settings: { maxCurrent: 80 } }, /maxCurrent: 80 is out of range/],
    ] as const) {
      it(`sends ${what} to Catch, turns red and sends nothing`, async () => {
        await helper.load(all, flow());
        const caught = collect('caught');
        const commands = collect('commands');
        const decisions = collect('decisions');
        helper.getNode('s').receive({ ...msg, _msgid: 'bad' } as never);
        const err = await waitFor('the error in Catch', () => caught[0]);
        assert.match(err.error!.message, pattern);
        assert.equal(err.error!.source?.id, 's');
        await sleep(100);
        assert.equal(commands.length, 0);
        assert.equal(decisions.filter((m) => m._msgid === 'bad').length, 0, 'no decision on the bad message');
        const status = lastStatus('s');
        assert.equal(status.fill, 'red');
        assert.equal(status.text, 'common.status.invalidInput');
      });
    }

    it('says so when the selected charger does not exist', async () => {
      await helper.load(all, flow({ server: 'gone' }));
      const caught = collect('caught');
      assert.equal(lastStatus('s').text, 'common.status.noConfig');
      helper.getNode('s').receive({ payload: 100 } as never);
      const err = await waitFor('the error in Catch', () => caught[0]);
      assert.match(err.error!.message, /common.errors.noConfig/);
    });

    it('refuses to start without a charger when the grid is to come from the charger', async () => {
      await helper.load(all, flow({ gridSource: 'charger' }));
      const caught = collect('caught');
      assert.equal(lastStatus('s').text, 'v2c-surplus.status.badSettings');
      helper.getNode('s').receive({ payload: 100 } as never);
      const err = await waitFor('the error in Catch', () => caught[0]);
      assert.match(err.error!.message, /v2c-surplus.errors.needsCharger/);
    });
  });
});
