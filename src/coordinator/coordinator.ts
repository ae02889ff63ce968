// One Coordinator per charger (charger-registry.ts shares it): it owns the charger's LAN client, polls only while a
// node wants telemetry (one request per interval however many listen), runs every LAN
// request through one queue (writes before polls, queued writes coalesced as write-queue.ts
// says, keeping each message's order), verifies writes by reading back, and tells every node its status.

import { type Clock, sleep, systemClock } from '../trydan/clock';
import { Closed, DeviceUnreachable, TrydanError, WriteNotVerified } from '../trydan/errors';
import { type Reading, isCarConnected, isCharging } from '../trydan/telemetry';
import { type CadenceSettings, DEFAULT_CADENCE, MAX_TIMER_MS, backoffDelay, keepAliveMs, nextPollDelay, spreadDelay } from './cadence';
import { EnergyMeter, type EnergyMeterOptions, type EnergyStore } from './energy-meter';
import type { ChargerStatus } from './status';
import { type QueuedWrite, WriteQueue } from './write-queue';

/** What the coordinator needs of a charger: the LanClient, the cloud (CloudCharger), or a fake in tests. */
export interface ChargerApi {
  /**
   * `user`: a person asked for this reading (the cloud may then use its reserve). Each call
   * resolves to a new object, which the coordinator keeps and adds the energy figures to.
   */
  realtime(priority?: 'user' | 'background'): Promise<Reading>;
  read(keyword: string): Promise<number | undefined>;
  write(keyword: string, value: number): Promise<void>;
  close(): Promise<void>;
  /** False when reading back costs too much (the cloud): a write is done when accepted. */
  readonly verifiesWrites?: boolean;
  /** The shortest wait between polls this transport allows (the cloud's quota pace). */
  minPollDelay?(): number;
  /** How long the first poll must wait (the cloud's pace, kept from before a redeploy). */
  pollWait?(): number;
  /** Keep an idle connection this long (the LAN): from one poll to the next. */
  keepAliveFor?(ms: number): void;
}

export interface Listener {
  /** Every fresh reading (polls and write read-backs). Only listeners with this cause polling. */
  telemetry?(reading: Reading): void;
  status?(status: ChargerStatus): void;
}

export interface WriteResult {
  /** Values as read back from the charger. */
  values: Record<string, number>;
  /** Keywords this firmware cannot read back (answered OK, not confirmed). */
  unverified: string[];
}

interface Waiter<T> {
  resolve(value: T): void;
  reject(err: Error): void;
  /** A listener that asked for this reading gets it from the promise, not a second time. */
  requester?: Listener;
}

type WriteWaiter = Waiter<{ value: number; verified: boolean }>;

/** A keyword written in this batch: its last value sent, and every caller waiting for it. */
interface PendingWrite {
  value: number;
  waiters: WriteWaiter[];
}

/** How long to wait before the second read-back when the first did not show a write. */
const SETTLE_MS = 1000;

export class Coordinator {
  private readonly lan: ChargerApi;
  private readonly clock: Clock;
  private cadence: CadenceSettings;
  private readonly listeners = new Set<Listener>();
  private readonly pendingWrites = new WriteQueue<WriteWaiter>();
  private pollWaiters: Waiter<Reading>[] = [];
  /** Callers whose request is on the wire now; close() must not leave them hanging. */
  private readonly active = new Set<Waiter<never>>();
  private pollRequested = false;
  /** A poll is on the wire: a new listener gets its reading. */
  private polling = false;
  private working = false;
  private timer: unknown;
  /** When the timer was set, and when it fires (a faster cadence may bring it forward). */
  private timerSetAt = 0;
  private timerDueAt = 0;
  private failures = 0;
  private closed = false;
  /** Aborted by close(): the wait before a second read-back ends at once. */
  private readonly stopping = new AbortController();
  private current: ChargerStatus = { state: 'idle' };
  private last: Reading | undefined;
  /** Session and lifetime energy, added to every reading once here for every listener. */
  private readonly energy: EnergyMeter;

  /** This charger's place in the poll interval (cadence.ts, spreadDelay); undefined: polls are not moved. */
  private readonly phase: number | undefined;

  constructor(options: { lan: ChargerApi; cadence?: Partial<CadenceSettings>; clock?: Clock; energy?: EnergyMeterOptions; phase?: number }) {
    this.lan = options.lan;
    this.phase = options.phase;
    this.clock = options.clock ?? systemClock;
    this.cadence = { ...DEFAULT_CADENCE, ...options.cadence };
    this.lan.keepAliveFor?.(keepAliveMs(this.cadence));
    this.energy = new EnergyMeter(options.energy);
  }

  /** Where the energy figures are kept, for a coordinator opened without one. */
  useEnergyStore(store: EnergyStore): void {
    this.energy.useStore(store);
  }

  /**
   * A shared charger follows its fastest user. A faster cadence brings the pending poll
   * forward (counted from the last poll), so a user joining a slow charger is not kept
   * waiting for the slow user's timer; a slower one takes effect from the next poll.
   */
  setCadence(cadence: CadenceSettings): void {
    this.cadence = cadence;
    this.lan.keepAliveFor?.(keepAliveMs(cadence));
    if (this.timer === undefined) return;
    const delay = this.pollDelay(undefined, this.timerSetAt);
    if (delay !== undefined && this.timerSetAt + delay < this.timerDueAt) this.schedule(delay, this.timerSetAt);
  }

  get status(): ChargerStatus {
    return this.current;
  }

  get lastReading(): Reading | undefined {
    return this.last;
  }

  /** Adds a listener; returns the function that removes it. Polling follows telemetry listeners. */
  subscribe(listener: Listener): () => void {
    if (this.closed) throw new Closed();
    this.listeners.add(listener);
    listener.status?.(this.current);
    if (listener.telemetry && this.telemetryListeners() === 1) {
      this.setStatus({ state: 'connecting' });
      const wait = this.lan.pollWait?.() ?? 0;
      if (wait > 0) this.schedule(wait);
      else this.requestPoll();
    } else if (listener.telemetry && this.joinerPolls()) {
      // A new listener (another node, another config node) gets a reading now, not after
      // the interval of whoever came first; one already on the wire or queued serves it.
      this.requestPoll();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.telemetryListeners() === 0) this.cancelTimer();
    };
  }

  /**
   * A fresh reading now, shared with any poll already waiting in the queue. The reading goes
   * to every other listener as usual; `requester` receives it only through the promise.
   */
  refresh(requester?: Listener): Promise<Reading> {
    if (this.closed) return Promise.reject(new Closed());
    return new Promise<Reading>((resolve, reject) => {
      this.pollWaiters.push({ resolve, reject, ...(requester ? { requester } : {}) });
      this.requestPoll();
    });
  }

  /**
   * Writes validated values, in the order given. Resolves once the charger answered OK and a
   * read-back shows them; when a later write of the same keyword is sent in the same batch,
   * or overtakes this one in the queue, both callers learn the value that was actually set.
   */
  async write(values: Record<string, number>): Promise<WriteResult> {
    if (this.closed) throw new Closed();
    const entries = Object.entries(values);
    const message: Array<{ keyword: string; value: number; waiter: WriteWaiter }> = [];
    const outcomes = entries.map(
      ([keyword, value]) =>
        new Promise<{ value: number; verified: boolean }>((resolve, reject) => {
          message.push({ keyword, value, waiter: { resolve, reject } });
        }),
    );
    this.pendingWrites.add(message);
    this.kick();
    const settled = await Promise.all(outcomes);
    const result: WriteResult = { values: {}, unverified: [] };
    entries.forEach(([keyword], i) => {
      const outcome = settled[i]!;
      result.values[keyword] = outcome.value;
      if (!outcome.verified) result.unverified.push(keyword);
    });
    return result;
  }

  /** Stops everything: no timer, no socket, no listener is left behind. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopping.abort();
    this.cancelTimer();
    const err = new Closed();
    for (const p of this.pendingWrites.take()) p.waiters.forEach((w) => w.reject(err));
    this.pollWaiters.forEach((w) => w.reject(err));
    this.pollWaiters = [];
    this.active.forEach((w) => w.reject(err));
    this.active.clear();
    this.setStatus({ state: 'closed' });
    this.listeners.clear();
    this.energy.close();
    await this.lan.close();
  }

  /** Whether a listener joining a polled charger should get a poll of its own now. */
  private joinerPolls(): boolean {
    // A paced transport (the cloud's quota) polls at its pace only; a charger backing off is
    // probed on its own schedule.
    if (this.lan.minPollDelay || this.current.state === 'offline') return false;
    return !this.polling && !this.pollRequested;
  }

  private telemetryListeners(): number {
    let n = 0;
    for (const l of this.listeners) if (l.telemetry) n++;
    return n;
  }

  private requestPoll(): void {
    this.pollRequested = true;
    this.kick();
  }

  /** Starts the queue worker unless it already runs. */
  private kick(): void {
    if (this.working || this.closed) return;
    this.working = true;
    void this.work();
  }

  private async work(): Promise<void> {
    // `working` must drop in the same tick as the last look at the queue: a caller resumed
    // by a finished request may queue more work before any later callback would run.
    try {
      while (!this.closed) {
        if (this.pendingWrites.size > 0) {
          await this.runWrites(this.pendingWrites.take());
        } else if (this.pollRequested) {
          this.pollRequested = false;
          await this.runPoll();
        } else {
          return;
        }
      }
    } finally {
      this.working = false;
    }
  }

  private async runPoll(): Promise<void> {
    const waiters = this.pollWaiters;
    this.pollWaiters = [];
    waiters.forEach((w) => this.active.add(w));
    this.polling = true;
    try {
      const reading = await this.lan.realtime(waiters.length ? 'user' : 'background');
      // An answer after close (the LAN client lets the request on the wire end) is not news.
      if (this.closed) return;
      const full = this.accept(reading, new Set(waiters.flatMap((w) => (w.requester ? [w.requester] : []))));
      waiters.forEach((w) => w.resolve(full));
    } catch (err) {
      if (this.closed) return;
      this.fail(err);
      waiters.forEach((w) => w.reject(err as Error));
    } finally {
      this.polling = false;
      waiters.forEach((w) => this.active.delete(w));
    }
  }

  private async runWrites(batch: QueuedWrite<WriteWaiter>[]): Promise<void> {
    const waiters = batch.flatMap((p) => p.waiters);
    waiters.forEach((w) => this.active.add(w));
    try {
      await this.writeAndVerify(batch);
    } finally {
      waiters.forEach((w) => this.active.delete(w));
    }
  }

  private async writeAndVerify(batch: QueuedWrite<WriteWaiter>[]): Promise<void> {
    const written = new Map<string, PendingWrite>();
    let unreachable: DeviceUnreachable | undefined;
    for (const pending of batch) {
      const keyword = pending.keyword;
      // Once the charger stopped answering, the rest is not sent: each try would hold the
      // queue for a timeout, and a write that lands after its caller heard "failed" misleads.
      if (unreachable) {
        pending.waiters.forEach((w) => w.reject(unreachable!));
        continue;
      }
      try {
        await this.lan.write(keyword, pending.value);
        // A keyword written twice in a batch is verified at its last value, for all its callers.
        const earlier = written.get(keyword);
        written.set(keyword, { value: pending.value, waiters: [...(earlier?.waiters ?? []), ...pending.waiters] });
      } catch (err) {
        if (this.closed) return;
        if (err instanceof DeviceUnreachable) {
          unreachable = err;
          this.fail(err);
        }
        pending.waiters.forEach((w) => w.reject(err as Error));
      }
    }
    if (written.size === 0 || this.closed) return;
    // Reading back costs quota on the cloud: there OK is all we know.
    if (this.lan.verifiesWrites === false) {
      for (const p of written.values()) p.waiters.forEach((w) => w.resolve({ value: p.value, verified: false }));
      return;
    }
    // The charger said OK, then stopped answering: not confirmed, and said so at Catch.
    if (unreachable) {
      for (const [keyword, p] of written) p.waiters.forEach((w) => w.reject(new WriteNotVerified(keyword, p.value, undefined, unreachable!.message)));
      return;
    }
    try {
      await this.verify(written);
    } catch (err) {
      if (this.closed) return;
      this.fail(err);
      // The charger said OK; only the read-back failed. The write most likely took effect, but
      // a flow must not take it as confirmed: it goes to Catch, saying so.
      const why = err instanceof Error ? err.message : String(err);
      for (const [keyword, p] of written) p.waiters.forEach((w) => w.reject(new WriteNotVerified(keyword, p.value, undefined, why)));
    }
  }

  /** Reads back once at once (published to listeners), and once more after a short settle if needed. */
  private async verify(written: Map<string, PendingWrite>): Promise<void> {
    let open = [...written.keys()];
    for (let attempt = 0; attempt < 2 && open.length > 0; attempt++) {
      if (attempt > 0) await sleep(this.clock, SETTLE_MS, this.stopping.signal);
      if (this.closed) return;
      const reading = await this.lan.realtime();
      if (this.closed) return;
      this.accept(reading);
      const still: string[] = [];
      for (const keyword of open) {
        const pending = written.get(keyword)!;
        let seen = reading[keyword];
        if (seen === undefined) seen = await this.lan.read(keyword);
        if (seen === undefined) {
          // Firmware without the field and without /read/: OK is all we can know.
          pending.waiters.forEach((w) => w.resolve({ value: pending.value, verified: false }));
        } else if (seen === pending.value) {
          pending.waiters.forEach((w) => w.resolve({ value: pending.value, verified: true }));
        } else if (attempt === 0) {
          still.push(keyword);
        } else {
          const err = new WriteNotVerified(keyword, pending.value, typeof seen === 'number' ? seen : undefined);
          pending.waiters.forEach((w) => w.reject(withHint(err, keyword, reading)));
        }
      }
      open = still;
    }
  }

  /** A good reading: add the energy figures, publish it, say online, and time the next poll from now. */
  private accept(raw: Reading, skip?: ReadonlySet<Listener>): Reading {
    // Added in place: a copy with three more keys costs V8 its own hidden class (~1.4 KB kept
    // per charger, ~5 KB allocated per poll); the transport's reading is fresh and ours.
    const reading: Reading = Object.assign(raw, this.energy.observe(raw, this.clock.now()));
    this.last = reading;
    this.failures = 0;
    const carConnected = isCarConnected(reading);
    const power = typeof reading.ChargePower === 'number' ? reading.ChargePower : undefined;
    this.setStatus({ state: 'online', charging: isCharging(reading), carConnected, ...(power === undefined ? {} : { power }) });
    for (const l of [...this.listeners]) if (!skip?.has(l)) l.telemetry?.(reading);
    this.schedule(this.pollDelay()!);
    return reading;
  }

  private fail(err: unknown): void {
    this.failures++;
    const retryInMs = this.pollDelay(true)!;
    const error = err instanceof TrydanError ? err.message : String((err as Error)?.message ?? err);
    const code = err instanceof TrydanError ? { code: err.code } : {};
    this.setStatus({ state: 'offline', error, ...code, failures: this.failures, retryInMs });
    this.schedule(retryInMs);
  }

  /**
   * The wait before the next poll at the current cadence: after a good reading, or (`failed`,
   * or offline now) the backoff; undefined before the first reading.
   */
  private pollDelay(failed = this.current.state === 'offline', from = this.clock.now()): number | undefined {
    const floor = this.lan.minPollDelay?.() ?? 0;
    if (failed) return Math.max(backoffDelay(this.cadence, this.failures), floor);
    if (!this.last) return undefined;
    const delay = Math.max(nextPollDelay(this.cadence, isCarConnected(this.last)), floor);
    // A paced transport (the cloud) keeps its pace; LAN polls spread over the interval.
    return this.phase === undefined || floor > 0 ? delay : spreadDelay(delay, from, this.phase);
  }

  /** Times the next poll, `ms` after `from`: for telemetry listeners, or one probe while offline so the status recovers. */
  private schedule(ms: number, from = this.clock.now()): void {
    this.cancelTimer();
    if (this.closed || (this.telemetryListeners() === 0 && this.current.state !== 'offline')) return;
    // Past the limit setTimeout fires at once: a cloud pace of days must not become a loop.
    this.timerSetAt = from;
    this.timerDueAt = from + Math.min(ms, MAX_TIMER_MS);
    this.timer = this.clock.setTimeout(
      () => {
        this.timer = undefined;
        this.requestPoll();
      },
      Math.max(0, this.timerDueAt - this.clock.now()),
    );
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private setStatus(status: ChargerStatus): void {
    this.current = status;
    for (const l of [...this.listeners]) l.status?.(status);
  }
}

/** Intensity only applies while Dynamic=0 or PauseDynamic=1 (docs/charger-protocol.md, LAN): say so. */
function withHint(err: WriteNotVerified, keyword: string, reading: Reading): WriteNotVerified {
  if (keyword === 'Intensity' && reading.Dynamic === 1 && reading.PauseDynamic !== 1) {
    err.message += ' (dynamic power control is on: write PauseDynamic=1 first so Intensity applies)';
  }
  return err;
}
