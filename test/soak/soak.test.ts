// Chaos soak (issue 9, item 3): the charger and the cloud fail in every way seen in the field,
// at random, while real flows poll, write, command the cloud and redeploy. CI runs it for
// 60 s; V2C_SOAK_SECONDS=1800 runs it for half an hour, V2C_SOAK_SEED=<n> replays a run.
// Figures are printed; test/soak/README.md records them.

import { strict as assert } from 'node:assert';
import { type SoakReport, runSoak } from './run';
import { soakSeed } from './random';

const seconds = Math.max(10, Number(process.env.V2C_SOAK_SECONDS) || 60);
const seed = soakSeed();
/** Growth allowed between the start and the end, both after GC (a leak of one reply per poll would be far beyond). */
const HEAP_TOLERANCE_MB = 20;
const HANDLE_TOLERANCE = 6;

function print(r: SoakReport): void {
  const lat = r.recoveries.flatMap((x) => Object.values(x.latency)).filter((v): v is number => v !== null).sort((a, b) => a - b);
  const lines = [
    `chaos soak: seed ${r.seed} (V2C_SOAK_SEED=${r.seed} replays it), ${r.seconds} s of chaos, ${r.wallSeconds} s wall, ${(r.drainMs / 1000).toFixed(1)} s to drain after it`,
    `  LAN phases ${JSON.stringify(r.lanPhases)}; cloud phases ${JSON.stringify(r.cloudPhases)}; ${r.redeploys} redeploys`,
    `  LAN: ${r.lanRequests} requests, ${r.overlaps} overlapping ${JSON.stringify(r.overlapsByMode)}, at most ${r.maxConcurrent} at once; ${r.telemetry} telemetry messages, ${r.incompleteReadings.length} incomplete`,
    `  editor checks: ${JSON.stringify(r.checks)}`,
    `  writes: ${JSON.stringify(r.writes)}`,
    `  cloud commands: ${JSON.stringify(r.cloudCommands)}`,
    `  cloud: ${JSON.stringify({ ...r.cloud, examples: undefined })} (limit ${r.quotaLimit} a ${r.quotaDaySeconds}-s day)`,
    `  recovery after the charger returned (bound ${r.recoveryBoundMs} ms): ${r.recoveries.length} returns, median ${lat[Math.floor(lat.length / 2)] ?? '-'} ms, max ${lat.at(-1) ?? '-'} ms, missed ${r.recoveries.flatMap((x) => Object.values(x.latency)).filter((v) => v === null).length}, client never let go ${r.recoveries.filter((x) => x.neverIdle).length}`,
    `  heap ${r.start.heapMB.toFixed(1)} → ${r.end.heapMB.toFixed(1)} MB, rss ${r.start.rssMB.toFixed(0)} → ${r.end.rssMB.toFixed(0)} MB, handles ${r.start.handles} → ${r.end.handles} (${JSON.stringify(r.start.byType)} → ${JSON.stringify(r.end.byType)})`,
    ...r.problems.map((p) => `  problem: ${p}`),
  ];
  console.log(lines.join('\n'));
}

describe(`chaos soak (${seconds} s, seed ${seed})`, function () {
  // Chaos, then up to 45 s for the last deadlines, then a redeploy and settling.
  this.timeout((seconds + 180) * 1000);
  let r: SoakReport;

  before(async () => {
    r = await runSoak({ seconds, seed });
    print(r);
  });

  it('raises no unhandled rejection or exception', () => {
    assert.deepEqual(r.problems, []);
  });

  it('never has two LAN requests at the charger at once, however many config nodes share it', () => {
    assert.equal(r.overlaps, 0, `${r.overlaps} requests overlapped another (at most ${r.maxConcurrent} at once), by the LAN mode at the time: ${JSON.stringify(r.overlapsByMode)}`);
  });

  it('answers every write: verified at the output or reported to Catch, exactly once', () => {
    const w = r.writes;
    assert.ok(w.sent > 0, 'the soak wrote something');
    assert.equal(w.lost, 0, `${w.lost} of ${w.sent} writes never came out`);
    assert.equal(w.twice, 0, `${w.twice} writes came out twice`);
    assert.equal(w.unverified, 0, `${w.unverified} writes came out unverified instead of verified or at Catch`);
    assert.equal(w.uncaught, 0, `${w.uncaught} write errors reached no Catch node while the flow ran`);
  });

  it('answers every cloud command: at the output or reported to Catch', () => {
    const c = r.cloudCommands;
    assert.equal(c.lost, 0, `${c.lost} of ${c.sent} cloud commands never came out`);
    assert.equal(c.twice, 0);
    assert.equal(c.uncaught, 0, `${c.uncaught} cloud command errors reached no Catch node while the flow ran`);
  });

  it("answers every editor Check while the flows run (none waits forever)", () => {
    assert.ok(r.checks.sent > 0, 'the soak pressed Check');
    assert.equal(r.checks.hung, 0, `${r.checks.hung} of ${r.checks.sent} checks got no answer in 30 s`);
  });

  it('makes no cloud call once told the quota is spent, until the reset, and never exceeds it', () => {
    assert.ok(r.cloud.calls > 0, 'the soak called the cloud');
    assert.equal(r.cloud.after429, 0, `calls after a 429 before the reset: ${r.cloud.examples.join('; ')}`);
    assert.equal(r.cloud.afterSpent, 0, `calls after "Remaining: 0" before the reset: ${r.cloud.examples.join('; ')}`);
    assert.equal(r.cloud.overQuota, 0);
    assert.ok(r.cloud.busiestDay <= r.quotaLimit);
  });

  it('passes no cut-off reply off as a reading', () => {
    assert.deepEqual(r.incompleteReadings, []);
  });

  it('gets telemetry back within one interval plus the backoff step after the charger returns', () => {
    assert.ok(r.recoveries.length > 0, 'the charger failed and came back at least once');
    const late = r.recoveries.flatMap((x) => Object.entries(x.latency).filter(([, ms]) => ms === null || ms > r.recoveryBoundMs).map(([id, ms]) => `${id} after ${x.mode}: ${ms === null ? 'none' : `${ms} ms`}`));
    const stuck = r.recoveries.filter((x) => x.neverIdle).map((x) => `after ${x.mode} the client still held a request 40 s later`);
    assert.deepEqual([...stuck, ...late], []);
  });

  it('keeps memory and active handles flat', () => {
    assert.ok(r.end.heapMB - r.start.heapMB <= HEAP_TOLERANCE_MB, `heap grew ${(r.end.heapMB - r.start.heapMB).toFixed(1)} MB`);
    assert.ok(r.end.handles - r.start.handles <= HANDLE_TOLERANCE, `handles ${r.start.handles} → ${r.end.handles}: ${JSON.stringify(r.start.byType)} → ${JSON.stringify(r.end.byType)}`);
  });
});
