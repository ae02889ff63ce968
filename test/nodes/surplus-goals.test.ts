// Goals through the runtime: a v2c-surplus node on the simulated charger at night, a goal and
// a price series by message, the charger's session energy from its readings.

import { strict as assert } from 'node:assert';
import type { TrydanSimulator } from '../../src/sim';
import { config, helper, lastStatus, nodes, sleep, startSim, waitFor } from './flow';

type Goal = { state: string; energyKwh: number | null; leftKwh: number | null; deadline: string | null; expectedFinish: string | null; slots: { start: string; end: string; price: number | null }[] };
type Msg = { payload: { state: string; reason: string; reasonText: string; setpoint: number; time: number; goal: Goal }; _msgid?: string; error?: { message: string } };

const collect = (id: string): Msg[] => {
  const seen: Msg[] = [];
  helper.getNode(id).on('input', (msg: Msg) => seen.push(msg));
  return seen;
};
const MIN = 60_000;

/** Today at 23:00 local time: no sun, and midnight an hour on. */
function lateEvening(): number {
  const d = new Date();
  d.setHours(23, 0, 0, 0);
  return d.getTime();
}

describe('v2c-surplus goals through the runtime', function () {
  this.timeout(120_000);
  let sim: TrydanSimulator;
  let host: string;
  const start = lateEvening();

  beforeEach(async () => {
    // One simulated minute a real second; a reading every real second. No faster: the
    // coordinator counts the session's energy on the real clock and refuses a counter that
    // grows faster than any charger can (session-energy.ts, 50 kW): at 120× the 3.7 kW of
    // 16 A look like 440 kW, half the readings are refused and the goal is never reached.
    ({ sim, host } = await startSim({ timeScale: 60, startTime: start, seed: 5, environment: { pvPeakW: 0, cloudiness: 0, houseBaseW: 300, houseVariationW: 0 } }));
    sim.set({ Paused: 1, Intensity: 6 });
    helper.settings({ v2cSurplusClock: { now: () => sim.clock.simNow(), tickMs: 50 } });
    await helper.startServer();
  });

  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
    helper.settings({ v2cSurplusClock: undefined });
    await sim.stop();
  });

  it('charges a goal by message in the cheapest slot of a price series, then pauses with the target in', async () => {
    await helper.load(nodes, [
      config(host, { pollInterval: 1, idleInterval: 1 }),
      { id: 's', type: 'v2c-surplus', server: 'cfg', gridSource: 'charger', staleTimeout: 600, wires: [['w'], ['decisions']] },
      { id: 'w', type: 'v2c-write-out', server: 'cfg', keyword: '', wires: [[]] },
      { id: 'c', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
      { id: 'decisions', type: 'helper' },
      { id: 'caught', type: 'helper' },
    ]);
    const carAtStart = sim.car.energyKWh;
    const decisions = collect('decisions');
    const caught = collect('caught');
    await waitFor('the first decision on the charger', () => decisions.find((d) => d.payload.state === 'waiting'), 10_000);
    const q = (i: number) => new Date(start + i * 15 * MIN).toISOString();
    // 15-minute slots: dear, then half an hour cheap, then dear again until midnight.
    const prices = [0.3, 0.05, 0.05, 0.3].map((price, i) => ({ start: q(i), price }));
    const s = helper.getNode('s');
    s.receive({ topic: 'prices', payload: prices, _msgid: 'prices' } as never);
    s.receive({ topic: 'goal', payload: { energy: 1, by: '00:00' }, _msgid: 'goal' } as never);
    const planned = await waitFor('the plan', () => decisions.find((d) => d._msgid === 'goal'));
    const goal = planned.payload.goal;
    assert.equal(goal.state, 'planned');
    assert.equal(goal.deadline, q(4), 'midnight');
    assert.equal(goal.slots.length, 1);
    assert.equal(goal.slots[0]!.end, q(3), 'the latest part of the cheap half hour');
    assert.equal(goal.slots[0]!.price, 0.05);

    // 1 kWh at 16 A takes 16 simulated minutes: within the cheap half hour, 23:15 to 23:45.
    const reached = await waitFor('the target in', () => decisions.find((d) => d.payload.reason === 'goalReached'), 60_000);
    const resumes = sim.writes.filter((w) => w.accepted && w.keyword === 'Paused' && w.value === 0);
    assert.equal(resumes.length, 1, 'one start');
    const charging = decisions.filter((d) => d.payload.reason === 'goalCheap');
    assert.ok(charging.length > 0 && charging.every((d) => d.payload.time >= start + 15 * MIN && d.payload.time < start + 46 * MIN), 'charged only in the cheap slots');
    assert.ok(charging.some((d) => d.payload.setpoint === 16));
    assert.ok(reached.payload.goal.energyKwh! >= 1, `energy ${reached.payload.goal.energyKwh}`);
    await waitFor('paused', () => sim.state.Paused === 1, 10_000);
    await waitFor('the status', () => /goalReached/.test(lastStatus('s')?.text ?? ''), 5_000);

    // A price series that is not one: Catch, and nothing changes.
    s.receive({ topic: 'prices', payload: [{ start: 'tonight', price: 0.1 }], _msgid: 'bad' } as never);
    const err = await waitFor('the error in Catch', () => caught[0]);
    assert.match(err.error!.message, /prices\[0\]: start "tonight" is not a time/);
    await sleep(200);
    assert.equal(decisions.filter((d) => d._msgid === 'bad').length, 0);
    // The charger's ChargeEnergy restarted with the pause: the goal stays reached, no new start.
    await sleep(3_000);
    assert.equal(sim.state.Paused, 1);
    assert.equal(sim.writes.filter((w) => w.accepted && w.keyword === 'Paused' && w.value === 0).length, 1);
    assert.equal(decisions.at(-1)!.payload.reason, 'goalReached');
    assert.ok(decisions.at(-1)!.payload.goal.energyKwh! >= 1);
    // The goal counted the coordinator's sessionEnergy: what the car received, within a poll.
    const delivered = sim.car.energyKWh - carAtStart;
    assert.ok(Math.abs(decisions.at(-1)!.payload.goal.energyKwh! - delivered) <= 0.1, `goal ${decisions.at(-1)!.payload.goal.energyKwh} vs car ${delivered.toFixed(3)}`);
  });
});
