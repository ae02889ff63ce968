// One account's quota shared by several Node-RED instances through a store (Redis): each
// call is reserved in the store before it goes on the wire, its answer (a 429 above all) is
// written back at once, and a heartbeat keeps the instances counted and every instance's
// status current. When the store is away this instance keeps to its share of what was left
// when it was last seen (divided by the instances seen then; FALLBACK_INSTANCES before it was
// ever reached), the commands' reserve divided the same way, and reports what it spent when
// the store is back. Never unlimited.

import { randomUUID } from 'node:crypto';
import { QuotaReserved, RateLimited } from '../trydan/cloud-errors';
import type { Priority, RateLimitHeaders } from '../trydan/cloud-client';
import type { Clock } from '../trydan/clock';
import { withinQuotaDay } from '../trydan/quota-day';
import { RESET_JITTER_MS } from './quota-lua';
import type { QuotaOp, QuotaStore, SharedLedger, Verdict } from './quota-share-types';

/** Instances assumed when the store was never reached: each takes at most a quarter. */
export const FALLBACK_INSTANCES = 4;
export const BEAT_MS = 10_000;
/** A reservation not answered in this time counts as spent (its holder may have died mid-call). */
export const HOLD_MS = 60_000;

/** What the share needs of its budget (CloudBudget). */
export interface ShareHost {
  readonly clock: Clock;
  readonly reserve: number;
  /** The budget's ledger as it stands now (rolled over). */
  ledger(): { limit: number; remaining: number; resetAt: number; blockedUntil: number };
  /** The store's view of the account: the budget takes it as its own. */
  adopt(shared: SharedLedger): void;
  /** The share's own state changed (lost, back, share spent): statuses must be told. */
  changed(): void;
}

/** This Node-RED in the heartbeats: one id per process, so a redeploy is not counted as another instance. */
const PROCESS_INSTANCE = randomUUID();

/** Calls made while the store was away, against this instance's share of the day. */
interface Fallback {
  share: number;
  reserve: number;
  spent: number;
  resetAt: number;
}

/** The store refused this instance's share after a 429 somewhere or a spent day. */
export class ShareSpent extends RateLimited {
  constructor(endpoint: string, resetAt: number) {
    super(endpoint, resetAt);
    this.message = `this Node-RED's share of the V2C cloud daily quota is spent while the shared ledger (Redis) is unreachable; ${endpoint} waits until Redis is back or the quota resets`;
  }
}

export class QuotaShare {
  private readonly store: QuotaStore;
  private readonly host: ShareHost;
  private last: SharedLedger | undefined;
  private fallback: Fallback | undefined;
  private readonly beat: NodeJS.Timeout;
  private readonly stopWatching: () => void;
  private closed = false;
  private readonly instance: string;
  /** The report of a fallback under way: one at a time, so spent calls are told once. */
  private reporting: Promise<void> | undefined;
  /** A block this instance knows of is being told to the store. */
  private telling = false;

  /** `instance`: this Node-RED's name in the heartbeats (tests run several in one process). */
  constructor(store: QuotaStore, host: ShareHost, instance: string = PROCESS_INSTANCE) {
    this.store = store;
    this.instance = instance;
    this.host = host;
    this.stopWatching = store.onAvailability((up) => (up ? void this.back() : this.lost()));
    this.beat = setInterval(() => void this.heartbeat(), BEAT_MS);
    this.beat.unref();
    void this.heartbeat();
  }

  /** The store is away: this instance counts against its local share. */
  get unshared(): boolean {
    return this.fallback !== undefined;
  }

  /** Why the store is away, for the log. */
  get problem(): string | undefined {
    return this.fallback ? this.store.problem : undefined;
  }

  /** Synchronous: while the store is away, a call beyond this instance's share is refused. */
  check(endpoint: string, priority: Priority, inFlight: number): void {
    const f = this.currentFallback();
    if (!f) return;
    const left = f.share - f.spent - inFlight;
    if (left <= 0) throw new ShareSpent(endpoint, f.resetAt);
    if (priority === 'background' && left <= f.reserve) throw new QuotaReserved(endpoint, Math.max(0, left));
  }

  /**
   * Takes the call in the store; resolves to the reservation's id, or undefined when the
   * store is away and the local share allows it. Throws what the budget would for a refusal.
   */
  async take(endpoint: string, priority: Priority, inFlight: number): Promise<string | undefined> {
    if (!this.fallback) {
      const id = randomUUID();
      try {
        const { verdict, ledger } = await this.store.run({ ...this.base(), op: 'take', id, background: priority === 'background', reserve: this.host.reserve, holdMs: HOLD_MS });
        this.seen(ledger);
        if (verdict === 'ok') return id;
        throw refusal(verdict, endpoint, ledger);
      } catch (err) {
        if (err instanceof RateLimited || err instanceof QuotaReserved) throw err;
        this.lost();
      }
    }
    // `inFlight` counts this call already; the share's check wants the others.
    this.check(endpoint, priority, inFlight - 1);
    return undefined;
  }

  /** The answer, written to the store at once (a 429 stops the other instances now). */
  settle(id: string | undefined, status: number, headers: RateLimitHeaders): void {
    if (status !== 401) this.countLocally(id);
    if (id === undefined || this.fallback) return;
    const now = this.host.clock.now();
    const headerResetAt = headers.resetSeconds === undefined ? undefined : withinQuotaDay(now + headers.resetSeconds * 1000, now);
    void this.send({
      ...this.base(),
      op: 'settle',
      id,
      status,
      ...(headers.limit === undefined ? {} : { headerLimit: headers.limit }),
      ...(headers.remaining === undefined ? {} : { headerRemaining: headers.remaining }),
      ...(headerResetAt === undefined ? {} : { headerResetAt }),
    });
  }

  /** No answer came, the call may have reached the cloud. */
  spend(id: string | undefined): void {
    this.countLocally(id);
    if (id !== undefined && !this.fallback) void this.send({ ...this.base(), op: 'spend', id });
  }

  /** Nothing went out. */
  release(id: string | undefined): void {
    if (id !== undefined && !this.fallback) void this.send({ ...this.base(), op: 'release', id });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.beat);
    this.stopWatching();
    await this.store.close();
  }

  /** A call taken while the store was away (or lost with it) counts against the share. */
  private countLocally(id: string | undefined): void {
    const f = this.currentFallback();
    if (f && id === undefined) f.spent++;
  }

  private base(): { now: number; limit: number; resetAt: number } {
    const l = this.host.ledger();
    return { now: this.host.clock.now(), limit: l.limit, resetAt: l.resetAt };
  }

  private async send(op: QuotaOp): Promise<Verdict | undefined> {
    try {
      const { verdict, ledger } = await this.store.run(op);
      this.seen(ledger);
      return verdict;
    } catch {
      this.lost();
      return undefined;
    }
  }

  private async heartbeat(): Promise<void> {
    if (this.closed) return;
    // A store that timed out without dropping the connection sends no 'ready': try it here.
    if (this.fallback) return this.store.available ? this.back() : undefined;
    const now = this.host.clock.now();
    await this.send({ ...this.base(), op: 'beat', id: this.instance, staleBefore: now - 3 * BEAT_MS });
  }

  private seen(ledger: SharedLedger): void {
    if (this.closed) return;
    this.last = ledger;
    // A 429 this instance knows of and the store does not (its answer came as the connection
    // closed) goes to the store now: the others must stop too.
    const l = this.host.ledger();
    const now = this.host.clock.now();
    if (!this.telling && l.blockedUntil > now && ledger.blockedUntil < l.blockedUntil && sameDay(l.resetAt, ledger.resetAt)) {
      this.telling = true;
      void this.send({ ...this.base(), op: 'report', id: this.instance, spent: 0, blockedUntil: l.blockedUntil }).finally(() => (this.telling = false));
    }
    this.host.adopt(ledger);
  }

  private lost(): void {
    if (this.fallback || this.closed) return;
    this.fallback = this.newFallback();
    this.host.changed();
  }

  /** The store is back: what this instance spent meanwhile (and a 429 it saw) goes in first. */
  private back(): Promise<void> {
    this.reporting ??= this.report().finally(() => (this.reporting = undefined));
    return this.reporting;
  }

  private async report(): Promise<void> {
    const f = this.fallback;
    if (!f || this.closed) return;
    const l = this.host.ledger();
    const now = this.host.clock.now();
    try {
      const { ledger } = await this.store.run({
        ...this.base(),
        op: 'report',
        id: this.instance,
        spent: sameDay(f.resetAt, l.resetAt) ? f.spent : 0,
        remaining: l.remaining,
        ...(l.blockedUntil > now ? { blockedUntil: l.blockedUntil } : {}),
      });
      if (this.fallback !== f) return;
      this.fallback = undefined;
      this.seen(ledger);
      this.host.changed();
      void this.heartbeat();
    } catch {
      // Still away: the next 'ready' tries again.
    }
  }

  /** The fallback, started over when the quota day has changed under it. */
  private currentFallback(): Fallback | undefined {
    const f = this.fallback;
    const l = this.host.ledger();
    if (f && !sameDay(f.resetAt, l.resetAt) && l.resetAt > f.resetAt) this.fallback = this.splitOf(l.remaining, l.resetAt);
    return this.fallback;
  }

  private newFallback(): Fallback {
    const l = this.host.ledger();
    const s = this.last;
    // What every instance could still spend when the store was last seen, this instance's part of it.
    const left = s && sameDay(s.resetAt, l.resetAt) ? Math.min(l.remaining, s.remaining - s.inFlight) : l.remaining;
    return this.splitOf(left, l.resetAt);
  }

  private splitOf(left: number, resetAt: number): Fallback {
    const instances = Math.max(1, this.last?.instances ?? FALLBACK_INSTANCES);
    return { share: Math.floor(Math.max(0, left) / instances), reserve: Math.ceil(this.host.reserve / instances), spent: 0, resetAt };
  }
}

/** Resets told by different answers differ by their rounding to seconds: still one day. */
export function sameDay(a: number, b: number): boolean {
  return Math.abs(a - b) <= RESET_JITTER_MS;
}

function refusal(verdict: Exclude<Verdict, 'ok'>, endpoint: string, l: SharedLedger): Error {
  if (verdict === 'blocked') return new RateLimited(endpoint, l.blockedUntil);
  if (verdict === 'spent') return new RateLimited(endpoint, l.resetAt);
  return new QuotaReserved(endpoint, Math.max(0, l.remaining - l.inFlight));
}
