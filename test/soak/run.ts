// The chaos soak itself: a simulated charger and cloud switching between faults at random
// (seeded), real Node-RED flows polling, writing, commanding the cloud and redeploying, and
// everything they do recorded. `runSoak` returns the figures; the test asserts on them.

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { SimAccount, SimClock, TrydanSimulator } from '../../src/sim';
import { helper, nodes } from '../nodes/flow';
import { type CloudMode, type LanMode, applyCloud, applyLan, nextCloudPhase, nextLanPhase } from './chaos';
import { type OutcomeFigures, Outcomes } from './outcomes';
import { type QuotaFigures, QuotaWatch } from './quota-watch';
import { Random } from './random';
import { type Recovery, RecoverySpell } from './recovery-spell';
import { CADENCE, IDS, soakCredentials, soakFlow } from './soak-flow';

/** How long Node-RED may take to hand a node's error to its Catch nodes, ms. */
const CATCH_HANDOFF_MS = 250;

export interface SoakOptions {
  seconds: number;
  seed: number;
}

export interface Usage {
  heapMB: number;
  rssMB: number;
  handles: number;
  byType: Record<string, number>;
}

export interface SoakReport {
  seed: number;
  seconds: number;
  wallSeconds: number;
  /** From the end of the chaos until every message had come out (the last healthy spell included). */
  drainMs: number;
  lanPhases: Record<string, number>;
  cloudPhases: Record<string, number>;
  redeploys: number;
  lanRequests: number;
  overlaps: number;
  /** Overlapping requests by the LAN mode when they were answered: which fault caused them. */
  overlapsByMode: Record<string, number>;
  maxConcurrent: number;
  telemetry: number;
  /** Readings missing fields a whole reading has (a cut reply passed off as a reading). */
  incompleteReadings: string[];
  /** The config dialog's "Check" (POST /v2c-trydan/probe) against the same charger. */
  checks: { sent: number; answered: number; hung: number; statuses: Record<string, number> };
  writes: OutcomeFigures;
  cloudCommands: OutcomeFigures;
  cloud: QuotaFigures;
  quotaLimit: number;
  quotaDaySeconds: number;
  recoveryBoundMs: number;
  recoveries: Recovery[];
  problems: string[];
  start: Usage;
  end: Usage;
}

/** One quota day of the simulated cloud in real seconds, and its calls: a day's spending and its reset happen several times a run. */
const QUOTA_DAY_S = 20;
const QUOTA_LIMIT = 30;
/** The longest a healthy spell waits for the client to let go of a request from the fault. */
const IDLE_CAP_MS = 40_000;
const RECOVERY_BOUND_MS = (CADENCE.pollInterval + CADENCE.maxBackoff) * 1000 + 1000;
const WRITE_SHAPES: readonly ((r: Random) => Record<string, number>)[] = [
  (r) => ({ Intensity: r.int(6, 16) }),
  (r) => ({ Paused: r.int(0, 1) }),
  // The surplus controller's resume: the current first, then un-pause (issue 9 row 7).
  (r) => ({ Intensity: r.int(6, 16), Paused: 0 }),
  () => ({ Paused: 1, Intensity: 6 }),
];
const COMMANDS = ['version', 'connected', 'reported', 'rfid/list', 'pairings/me'] as const;

/** A Check that takes longer than this is waiting forever. */
const CHECK_CAP_MS = 30_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Probe = { post(path: string): { send(body: object): { timeout(ms: number): PromiseLike<{ status: number }> } } };
async function waitUntil(done: () => boolean, capMs: number, stepMs = 50): Promise<boolean> {
  const deadline = Date.now() + capMs;
  while (!done()) {
    if (Date.now() >= deadline) return false;
    await sleep(stepMs);
  }
  return true;
}

type SpyCall = { args: unknown[] };
type SoakMsg = { _soak?: unknown; payload?: unknown; unverified?: unknown[] };
type EventNode = { on(event: string, listener: (arg: never) => void): void; receive(msg: object): void };
const nodeOf = (id: string) => helper.getNode(id) as unknown as EventNode | undefined;

/** `gc()` without --expose-gc on the command line. */
function exposeGc(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

export async function runSoak({ seconds, seed }: SoakOptions): Promise<SoakReport> {
  const began = Date.now();
  const random = new Random(seed);
  const gc = exposeGc();
  const problems: string[] = [];
  const onRejection = (reason: unknown) => problems.push(`unhandled rejection: ${String((reason as Error)?.stack ?? reason).slice(0, 300)}`);
  const onException = (err: Error) => problems.push(`uncaught exception: ${String(err?.stack ?? err).slice(0, 300)}`);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtExceptionMonitor', onException);

  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'v2c-soak-'));
  const sim = new TrydanSimulator({ latencyMs: 5, seed });
  const { host } = await sim.start();
  const apiKey = `soak-${randomBytes(8).toString('hex')}`;
  // The account's own clock runs a quota day in QUOTA_DAY_S real seconds; the charger keeps real time.
  const dayStart = Math.floor(Date.now() / 86_400_000) * 86_400_000;
  const account = new SimAccount({ devices: [sim], apiKey, quota: QUOTA_LIMIT, latencyMs: 2, clock: new SimClock({ startTime: dayStart + 1000, timeScale: 86_400 / QUOTA_DAY_S }) });
  const { cloudUrl } = await account.start();
  const flow = soakFlow(host, cloudUrl);
  const credentials = soakCredentials(apiKey);

  const writes = new Outcomes(1);
  const commands = new Outcomes(1_000_000_000);
  const watch = new QuotaWatch(() => account.quota.limit);
  const lanPhases: Record<string, number> = {};
  const cloudPhases: Record<string, number> = {};
  const recoveries: Recovery[] = [];
  let current: RecoverySpell | undefined;
  let wholeKeys: string[] | undefined;
  const incompleteReadings: string[] = [];
  let telemetry = 0;
  let lanRequests = 0;
  let maxConcurrent = 0;
  let redeploys = 0;
  let redeploying = false;
  let lanMode: LanMode = 'healthy';
  const overlapsByMode: Record<string, number> = {};
  const checks = { sent: 0, answered: 0, hung: 0, statuses: {} as Record<string, number> };

  const onTelemetry = (id: string, msg: SoakMsg): void => {
    telemetry++;
    const keys = Object.keys((msg.payload ?? {}) as object);
    if (!wholeKeys) wholeKeys = keys;
    const missing = wholeKeys.filter((k) => !keys.includes(k));
    if (missing.length && incompleteReadings.length < 20) incompleteReadings.push(`${id}: ${JSON.stringify(msg.payload).slice(0, 160)} (missing ${missing.slice(0, 6).join(', ')}${missing.length > 6 ? ', …' : ''})`);
    current?.reading(id, Date.now());
  };

  // Node objects of flows a redeploy stopped: what they still say cannot reach a Catch node.
  const stopped = new WeakSet<object>();
  let live: object[] = [];
  // Listeners go on the node objects, which outlive a stopped flow, so nothing said during a redeploy is missed.
  const wire = (): void => {
    live.forEach((n) => stopped.add(n));
    live = [...IDS.telemetry, ...IDS.writers, IDS.cloud, IDS.caught].map(nodeOf).filter((n): n is EventNode => n !== undefined);
    for (const id of IDS.telemetry) nodeOf(id)?.on('call:send', (c: SpyCall) => onTelemetry(id, c.args[0] as SoakMsg));
    for (const [ids, ledger] of [[IDS.writers, writes], [[IDS.cloud], commands]] as const) {
      for (const id of ids) {
        nodeOf(id)?.on('call:send', (c: SpyCall) => {
          const msg = c.args[0] as SoakMsg;
          ledger.record(msg?._soak, Array.isArray(msg?.unverified) && msg.unverified.length ? 'unverified' : 'output');
        });
        const node = nodeOf(id);
        node?.on('call:error', (c: SpyCall) => ledger.record((c.args[1] as SoakMsg)?._soak, 'error', (c.args[0] as { code?: string })?.code, redeploying || stopped.has(node)));
      }
    }
    nodeOf(IDS.caught)?.on('input', (m: SoakMsg) => {
      writes.caught(m._soak);
      commands.caught(m._soak);
    });
  };

  const resetSpies = () => (helper as unknown as { _sandbox: { resetHistory(): void } })._sandbox.resetHistory();
  const measure = (): Usage => {
    // The helper's spies keep every call's arguments: forget them so they do not read as a leak.
    resetSpies();
    gc();
    gc();
    const mem = process.memoryUsage();
    const byType: Record<string, number> = {};
    for (const t of process.getActiveResourcesInfo()) byType[t] = (byType[t] ?? 0) + 1;
    return { heapMB: mem.heapUsed / 2 ** 20, rssMB: mem.rss / 2 ** 20, handles: Object.values(byType).reduce((a, b) => a + b, 0), byType };
  };

  const deploy = async (): Promise<void> => {
    redeploying = true;
    // An error raised a moment ago is still on its way to the Catch node the redeploy closes.
    writes.redeployBegins(CATCH_HANDOFF_MS);
    commands.redeployBegins(CATCH_HANDOFF_MS);
    current?.redeploy();
    try {
      await helper.setFlows(flow, 'full', credentials).catch((err: Error) => {
        if (!/timeout waiting event/.test(err.message)) throw err;
      });
      await waitUntil(() => [...IDS.telemetry, ...IDS.writers, IDS.cloud, IDS.caught].every((id) => nodeOf(id)), 10_000);
      wire();
      redeploys++;
    } finally {
      redeploying = false;
    }
  };

  // Every 50 ms: note when the returned charger is idle, fold the simulators' logs into the figures.
  const bookkeeping = setInterval(() => {
    if (current && !redeploying && sim.inFlight === 0) current.idle(Date.now());
    maxConcurrent = Math.max(maxConcurrent, sim.maxConcurrent);
    lanRequests += sim.requests.length;
    for (const r of sim.requests) if (r.overlapped) overlapsByMode[lanMode] = (overlapsByMode[lanMode] ?? 0) + 1;
    sim.clearLog();
    const records = account.requests.slice();
    account.clearLog();
    watch.consume(records);
  }, 50);
  const spyReset = setInterval(resetSpies, 1000);

  const healthySpell = async (minMs: number, after: LanMode): Promise<void> => {
    applyLan(sim, 'healthy');
    lanMode = 'healthy';
    const spell = new RecoverySpell(after, IDS.telemetry);
    current = spell;
    const started = Date.now();
    await waitUntil(() => Date.now() - started >= minMs && (spell.seenAll() || spell.idleFor(Date.now(), RECOVERY_BOUND_MS + 1000)), IDLE_CAP_MS);
    current = undefined;
    if (after !== 'healthy') recoveries.push(spell.result());
  };

  try {
    // The simulator is on loopback, which the editor's Check refuses unless told otherwise; a
    // user directory, as every real Node-RED has, keeps the quota ledger across redeploys.
    helper.settings({ v2cConfigAllowLoopback: true, userDir });
    await helper.startServer();
    await helper.load(nodes, flow, credentials);
    wire();
    await sleep(4000);
    if (!wholeKeys) throw new Error('no telemetry in the first 4 s of a healthy charger: the soak flow does not run');
    const start = measure();
    const end = Date.now() + seconds * 1000;

    const lanLoop = async () => {
      let mode: LanMode = 'healthy';
      while (Date.now() < end) {
        const phase = nextLanPhase(random, mode, RECOVERY_BOUND_MS + 1000);
        lanPhases[phase.mode] = (lanPhases[phase.mode] ?? 0) + 1;
        if (phase.mode === 'healthy') await healthySpell(phase.ms, mode);
        else {
          applyLan(sim, phase.mode);
          lanMode = phase.mode;
          await sleep(phase.ms);
        }
        mode = phase.mode;
      }
      // The charger comes back for good: the last recovery is measured like the others.
      if (mode !== 'healthy') await healthySpell(0, mode);
    };
    const cloudLoop = async () => {
      while (Date.now() < end) {
        const phase = nextCloudPhase(random);
        cloudPhases[phase.mode] = (cloudPhases[phase.mode] ?? 0) + 1;
        applyCloud(account, phase.mode as CloudMode);
        await sleep(phase.ms);
      }
      applyCloud(account, 'healthy');
    };
    // Bursts, and writes that conflict: two writers through two config nodes of one charger.
    const writeLoop = async () => {
      while (Date.now() < end) {
        await sleep(random.int(200, 1500));
        const burst = random.chance(0.2) ? random.int(4, 8) : random.int(1, 2);
        for (let i = 0; i < burst && !redeploying; i++) {
          const node = nodeOf(random.pick(IDS.writers));
          if (node) node.receive({ _soak: writes.issue(), payload: random.pick(WRITE_SHAPES)(random) });
        }
      }
    };
    const cloudCommandLoop = async () => {
      while (Date.now() < end) {
        await sleep(random.int(300, 1500));
        const burst = random.chance(0.15) ? random.int(5, 10) : 1;
        for (let i = 0; i < burst && !redeploying; i++) nodeOf(IDS.cloud)?.receive({ _soak: commands.issue(), command: random.pick(COMMANDS) });
      }
    };
    // The editor's Check while the flows poll (issue 9 row 4): one more user of the charger.
    const checkLoop = async () => {
      while (Date.now() < end) {
        await sleep(random.int(2000, 8000));
        checks.sent++;
        try {
          const res = await (helper.request() as unknown as Probe).post('/v2c-trydan/probe').send({ host }).timeout(CHECK_CAP_MS);
          checks.answered++;
          checks.statuses[res.status] = (checks.statuses[res.status] ?? 0) + 1;
        } catch (err) {
          if ((err as { timeout?: number }).timeout) checks.hung++;
          else checks.statuses[String((err as Error).message).slice(0, 40)] = (checks.statuses[String((err as Error).message).slice(0, 40)] ?? 0) + 1;
        }
      }
    };
    const redeployLoop = async () => {
      while (Date.now() < end) {
        await sleep(random.int(8000, 16_000));
        if (Date.now() < end) await deploy();
      }
    };
    await Promise.all([lanLoop(), cloudLoop(), writeLoop(), cloudCommandLoop(), checkLoop(), redeployLoop()]);
    const chaosOver = Date.now();

    // Everything handed to a node must come out, once the clients' deadlines have passed.
    await waitUntil(() => writes.pending === 0 && commands.pending === 0, 45_000, 100);
    const drainMs = Date.now() - chaosOver;
    // Counted before the redeploy below, which would fail whatever still hangs.
    const writeFigures = writes.figures();
    const commandFigures = commands.figures();
    await deploy();
    await sleep(4000);
    const finish = measure();
    return {
      seed,
      seconds,
      wallSeconds: Math.round((Date.now() - began) / 1000),
      drainMs,
      lanPhases,
      cloudPhases,
      redeploys,
      lanRequests,
      overlaps: sim.overlaps,
      overlapsByMode,
      maxConcurrent,
      telemetry,
      incompleteReadings,
      checks,
      writes: writeFigures,
      cloudCommands: commandFigures,
      cloud: watch.figures,
      quotaLimit: QUOTA_LIMIT,
      quotaDaySeconds: QUOTA_DAY_S,
      recoveryBoundMs: RECOVERY_BOUND_MS,
      recoveries,
      problems,
      start,
      end: finish,
    };
  } finally {
    clearInterval(bookkeeping);
    clearInterval(spyReset);
    await helper.unload();
    await helper.stopServer();
    helper.settings({});
    await sim.stop();
    await account.stop();
    fs.rmSync(userDir, { recursive: true, force: true });
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtExceptionMonitor', onException);
  }
}
