// CloudBudget: the account's daily cloud quota (1000 calls, shared by every charger and
// client of the account), one per API key. It trusts the RateLimit-* headers when they
// come and counts calls when they don't; keeps a reserve for commands a person triggers
// (background calls stop first); after a 429 it lets nothing through until the reset;
// after a 401 it keeps trying, slowly, because cloud outages gave valid keys 401 for days.
// A call is reserved before it goes on the wire, synchronously, so concurrent calls cannot
// all pass one check: what is left is what the cloud last said minus the calls in flight.
// The ledger is plain data so it can be persisted and survive a restart. With a shared store
// (Redis, quota-share.ts) the call is also reserved there, so instances on one key share it.

import { z } from 'zod';
import { AuthFailed, QuotaReserved, RateLimited } from '../trydan/cloud-errors';
import type { Priority, RateLimitHeaders, Reservation } from '../trydan/cloud-client';
import { type Clock, systemClock } from '../trydan/clock';
import { nextMidnightUtc, withinQuotaDay } from '../trydan/quota-day';
import { QuotaShare, sameDay } from './quota-share';
import type { QuotaStore, SharedLedger } from './quota-share-types';

export { nextMidnightUtc };

export interface Ledger {
  limit: number;
  remaining: number;
  /** When the daily quota starts again (epoch ms). */
  resetAt: number;
  /** After a 429: nothing is sent before this. */
  blockedUntil: number;
  /** 401s in a row, and when background calls may try again. */
  authFailures: number;
  authRetryAt: number;
}

export interface LedgerStore {
  /** `now` bounds the stored times (see boundLedger) when two copies are merged. */
  load(now: number): Ledger | undefined;
  /** `urgent`: after a 429, a 401 or with few calls left (or on leaving them): it must reach the disk now, not at a later flush. */
  save(ledger: Ledger, options?: { urgent: boolean }): void;
}

export type BudgetState = 'ok' | 'low' | 'spent' | 'authFailed';

export interface BudgetOptions {
  clock?: Clock;
  limit?: number;
  /** Calls kept for commands a person triggers. */
  reserve?: number;
  store?: LedgerStore;
  /** The ledger shared with other Node-RED instances on the key (Redis); closed with the budget. */
  shared?: QuotaStore;
  /** This Node-RED's name in the shared store's heartbeats; default one per process. */
  instance?: string;
}

const count = z.number().finite();
const ledgerSchema = z.object({ limit: count.positive(), remaining: count, resetAt: count, blockedUntil: count, authFailures: count.int().min(0), authRetryAt: count });

/**
 * A stored ledger if it is whole, else undefined: a damaged one must not be trusted into a
 * blocked day. With `now`, its times are bounded too (boundLedger).
 */
export function parseLedger(value: unknown, now?: number): Ledger | undefined {
  const parsed = ledgerSchema.safeParse(value);
  if (!parsed.success) return undefined;
  return now === undefined ? parsed.data : boundLedger(parsed.data, now);
}

/** Never poll the cloud faster than this, whatever the budget allows. */
export const MIN_CLOUD_POLL_MS = 90_000;
const AUTH_RETRY_MS = [5 * 60_000, 15 * 60_000, 30 * 60_000, 60 * 60_000];

/**
 * A copy whose times lie within the quota's day (a slow 401 retry at most its longest step
 * away): a ledger stored before reset times were bounded, blocked for decades, heals.
 */
export function boundLedger(l: Ledger, now: number): Ledger {
  return {
    ...l,
    resetAt: withinQuotaDay(l.resetAt, now),
    blockedUntil: withinQuotaDay(l.blockedUntil, now),
    authRetryAt: Math.min(l.authRetryAt, now + AUTH_RETRY_MS[AUTH_RETRY_MS.length - 1]!),
  };
}

export class CloudBudget {
  readonly reserve: number;
  private readonly clock: Clock;
  private readonly store: LedgerStore | undefined;
  private ledger: Ledger;
  private readonly listeners = new Set<(state: BudgetState) => void>();
  /** Calls reserved and not yet answered: already spent as far as new calls are concerned. */
  private inFlight = 0;
  /** The state last saved: leaving a bad state must reach the disk as soon as entering it. */
  private savedState: BudgetState = 'ok';
  /** Config nodes polling telemetry through the cloud with this key: they share the pace. */
  readonly pollers = new Set<object>();
  private readonly share: QuotaShare | undefined;

  constructor(options: BudgetOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.reserve = options.reserve ?? 100;
    this.store = options.store;
    const limit = options.limit ?? 1000;
    const now = this.clock.now();
    const fresh: Ledger = { limit, remaining: limit, resetAt: nextMidnightUtc(now), blockedUntil: 0, authFailures: 0, authRetryAt: 0 };
    // A damaged or partial stored ledger is ignored rather than trusted into a blocked day.
    const stored = parseLedger(this.store?.load(now), now);
    this.ledger = stored ?? fresh;
    this.rollOver();
    // Written back at once so every copy agrees: one poisoned by an unbounded reset (kept
    // until the next midnight by the bound) must not outlive this day in the file.
    if (stored) this.store?.save(this.snapshot(), { urgent: true });
    this.savedState = this.stateNow();
    const host = {
      clock: this.clock,
      reserve: this.reserve,
      ledger: () => {
        this.rollOver();
        return this.ledger;
      },
      adopt: (shared: SharedLedger) => this.adopt(shared),
      changed: () => this.changed(),
    };
    this.share = options.shared && new QuotaShare(options.shared, host, options.instance);
  }

  /** A shared ledger is configured but unreachable: this instance keeps to its local share. */
  get unshared(): boolean {
    return this.share?.unshared ?? false;
  }

  /** Why the shared ledger is unreachable (no secret in it), while it is. */
  get unsharedBecause(): string | undefined {
    return this.share?.problem;
  }

  /** Stops sharing (closes the connection to the shared store). */
  async close(): Promise<void> {
    await this.share?.close();
  }

  /** Throws instead of letting a call through that must not be made now. */
  check(endpoint: string, priority: Priority): void {
    this.rollOver();
    const l = this.ledger;
    const left = l.remaining - this.inFlight;
    if (l.blockedUntil > this.clock.now() || left <= 0) throw new RateLimited(endpoint, l.blockedUntil || l.resetAt);
    if (priority === 'background') {
      if (left <= this.reserve) throw new QuotaReserved(endpoint, Math.max(0, left));
      if (l.authFailures > 0 && this.clock.now() < l.authRetryAt) throw new AuthFailed(endpoint);
    }
    this.share?.check(endpoint, priority, this.inFlight);
  }

  /**
   * Takes one call for a request about to be sent, or throws as check does. The reservation
   * is settled with the answer, spent when the answer is lost, or released when nothing went out.
   */
  reserveCall(endpoint: string, priority: Priority): Reservation {
    this.check(endpoint, priority);
    this.inFlight++;
    let open = true;
    /** The reservation in the shared store; undefined while it is away. */
    let sharedId: string | undefined;
    const close = (): boolean => {
      if (!open) return false;
      open = false;
      this.inFlight--;
      return true;
    };
    return {
      confirm: async () => {
        // Waiting for a connection while a 429 came in: this call must not go out either.
        if (open && this.ledger.blockedUntil > this.clock.now()) {
          close();
          throw new RateLimited(endpoint, this.ledger.blockedUntil);
        }
        if (!open || !this.share) return;
        try {
          sharedId = await this.share.take(endpoint, priority, this.inFlight);
        } catch (err) {
          close();
          throw err;
        }
      },
      settle: (status, headers) => {
        if (!close()) return;
        this.record(status, headers);
        this.share?.settle(sharedId, status, headers);
      },
      spend: () => {
        if (!close()) return;
        this.share?.spend(sharedId);
        this.rollOver();
        this.ledger.remaining = Math.max(0, this.ledger.remaining - 1);
        this.changed();
      },
      release: () => {
        if (close()) this.share?.release(sharedId);
      },
    };
  }

  /** Learns from an answer: its headers if any, else one call counted. 401s cost nothing. */
  record(status: number, headers: RateLimitHeaders): void {
    this.rollOver();
    const l = this.ledger;
    const now = this.clock.now();
    if (headers.limit !== undefined) l.limit = headers.limit;
    if (headers.resetSeconds !== undefined) l.resetAt = withinQuotaDay(now + headers.resetSeconds * 1000, now);
    if (status === 401) {
      l.authFailures++;
      l.authRetryAt = now + AUTH_RETRY_MS[Math.min(l.authFailures, AUTH_RETRY_MS.length) - 1]!;
    } else {
      l.authFailures = 0;
      l.authRetryAt = 0;
      l.remaining = headers.remaining ?? Math.max(0, l.remaining - 1);
    }
    if (status === 429) {
      l.remaining = 0;
      l.blockedUntil = l.resetAt;
    }
    this.changed();
  }

  get state(): BudgetState {
    this.rollOver();
    return this.stateNow();
  }

  private stateNow(): BudgetState {
    const l = this.ledger;
    if (l.authFailures > 0) return 'authFailed';
    if (l.remaining <= 0 || l.blockedUntil > this.clock.now()) return 'spent';
    return l.remaining <= this.reserve ? 'low' : 'ok';
  }

  /** What flows see in msg.rateLimit. */
  get rateLimit(): { limit: number; remaining: number; reset: string } {
    this.rollOver();
    return { limit: this.ledger.limit, remaining: this.ledger.remaining, reset: new Date(this.ledger.resetAt).toISOString() };
  }

  /**
   * Milliseconds between background telemetry calls for one charger so that all chargers
   * polling on this key spend at most what is left above the reserve before the reset.
   */
  pollInterval(): number {
    this.rollOver();
    const l = this.ledger;
    const chargers = Math.max(1, this.pollers.size);
    const spendable = Math.max(1, l.remaining - this.reserve);
    const untilReset = Math.max(0, l.resetAt - this.clock.now());
    return Math.max(MIN_CLOUD_POLL_MS, Math.ceil((untilReset * chargers) / spendable));
  }

  onChange(listener: (state: BudgetState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  snapshot(): Ledger {
    return { ...this.ledger };
  }

  /** The shared store's view of the account, taken as this budget's (saved only when it differs). */
  private adopt(shared: SharedLedger): void {
    this.rollOver();
    const l = this.ledger;
    const now = this.clock.now();
    const next = { limit: shared.limit, remaining: shared.remaining, resetAt: withinQuotaDay(shared.resetAt, now), blockedUntil: withinQuotaDay(shared.blockedUntil, now) };
    // Within one day, what this instance knows and the store does not (a 429 whose answer
    // reached Redis only after a redeploy closed the connection) is not forgotten.
    if (sameDay(next.resetAt, l.resetAt)) {
      next.remaining = Math.min(next.remaining, l.remaining);
      next.blockedUntil = Math.max(next.blockedUntil, l.blockedUntil);
    }
    if (next.limit === l.limit && next.remaining === l.remaining && next.resetAt === l.resetAt && next.blockedUntil === l.blockedUntil) return;
    if (!(next.limit > 0) || next.resetAt <= now) return;
    Object.assign(l, next);
    this.changed();
  }

  private rollOver(): void {
    const now = this.clock.now();
    const l = this.ledger;
    if (now < l.resetAt) return;
    l.remaining = l.limit;
    l.blockedUntil = 0;
    l.resetAt = nextMidnightUtc(now);
    this.changed();
  }

  private changed(): void {
    const state = this.stateNow();
    // A 429, a 401 or few calls left, and the way back from them, reach the disk now: after a
    // kill -9 a restart must neither retry at once nor keep a block the cloud has lifted.
    const urgent = state !== 'ok' || state !== this.savedState;
    this.savedState = state;
    this.store?.save(this.snapshot(), { urgent });
    for (const listener of [...this.listeners]) listener(state);
  }
}
