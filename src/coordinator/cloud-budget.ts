// CloudBudget: the account's daily cloud quota (1000 calls, shared by every charger and
// client of the account), one per API key. It trusts the RateLimit-* headers when they
// come and counts calls when they don't; keeps a reserve for commands a person triggers
// (background calls stop first); after a 429 it lets nothing through until the reset;
// after a 401 it keeps trying, slowly, because cloud outages gave valid keys 401 for days.
// A call is reserved before it goes on the wire, synchronously, so concurrent calls cannot
// all pass one check: what is left is what the cloud last said minus the calls in flight.
// The ledger is plain data so it can be persisted and survive a restart.

import { z } from 'zod';
import { AuthFailed, QuotaReserved, RateLimited } from '../trydan/cloud-errors';
import type { Priority, RateLimitHeaders, Reservation } from '../trydan/cloud-client';
import { type Clock, systemClock } from '../trydan/clock';

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
  load(): Ledger | undefined;
  /** `urgent`: after a 429 or with few calls left, so it must reach the disk now, not at a later flush. */
  save(ledger: Ledger, options?: { urgent: boolean }): void;
}

export type BudgetState = 'ok' | 'low' | 'spent' | 'authFailed';

export interface BudgetOptions {
  clock?: Clock;
  limit?: number;
  /** Calls kept for commands a person triggers. */
  reserve?: number;
  store?: LedgerStore;
}

const count = z.number().finite();
const ledgerSchema = z.object({ limit: count.positive(), remaining: count, resetAt: count, blockedUntil: count, authFailures: count.int().min(0), authRetryAt: count });

/** A stored ledger if it is whole, else undefined: a damaged one must not be trusted into a blocked day. */
export function parseLedger(value: unknown): Ledger | undefined {
  const parsed = ledgerSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

const DAY_MS = 86_400_000;
/** Never poll the cloud faster than this, whatever the budget allows. */
export const MIN_CLOUD_POLL_MS = 90_000;
const AUTH_RETRY_MS = [5 * 60_000, 15 * 60_000, 30 * 60_000, 60 * 60_000];

/** The quota resets at midnight UTC unless the cloud says otherwise. */
export function nextMidnightUtc(now: number): number {
  return Math.floor(now / DAY_MS) * DAY_MS + DAY_MS;
}

export class CloudBudget {
  readonly reserve: number;
  private readonly clock: Clock;
  private readonly store: LedgerStore | undefined;
  private ledger: Ledger;
  private readonly listeners = new Set<(state: BudgetState) => void>();
  /** Calls reserved and not yet answered: already spent as far as new calls are concerned. */
  private inFlight = 0;
  /** Config nodes polling telemetry through the cloud with this key: they share the pace. */
  readonly pollers = new Set<object>();

  constructor(options: BudgetOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.reserve = options.reserve ?? 100;
    this.store = options.store;
    const limit = options.limit ?? 1000;
    const now = this.clock.now();
    const fresh: Ledger = { limit, remaining: limit, resetAt: nextMidnightUtc(now), blockedUntil: 0, authFailures: 0, authRetryAt: 0 };
    // A damaged or partial stored ledger is ignored rather than trusted into a blocked day.
    const stored = ledgerSchema.safeParse(this.store?.load());
    this.ledger = stored.success ? stored.data : fresh;
    this.rollOver();
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
  }

  /**
   * Takes one call for a request about to be sent, or throws as check does. The reservation
   * is settled with the answer, spent when the answer is lost, or released when nothing went out.
   */
  reserveCall(endpoint: string, priority: Priority): Reservation {
    this.check(endpoint, priority);
    this.inFlight++;
    let open = true;
    const close = (): boolean => {
      if (!open) return false;
      open = false;
      this.inFlight--;
      return true;
    };
    return {
      confirm: () => {
        // Waiting for a connection while a 429 came in: this call must not go out either.
        if (!open || this.ledger.blockedUntil <= this.clock.now()) return;
        close();
        throw new RateLimited(endpoint, this.ledger.blockedUntil);
      },
      settle: (status, headers) => {
        if (close()) this.record(status, headers);
      },
      spend: () => {
        if (!close()) return;
        this.rollOver();
        this.ledger.remaining = Math.max(0, this.ledger.remaining - 1);
        this.changed();
      },
      release: () => {
        close();
      },
    };
  }

  /** Learns from an answer: its headers if any, else one call counted. 401s cost nothing. */
  record(status: number, headers: RateLimitHeaders): void {
    this.rollOver();
    const l = this.ledger;
    const now = this.clock.now();
    if (headers.limit !== undefined) l.limit = headers.limit;
    if (headers.resetSeconds !== undefined) l.resetAt = now + headers.resetSeconds * 1000;
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
    this.store?.save(this.snapshot(), { urgent: state === 'spent' || state === 'low' });
    for (const listener of [...this.listeners]) listener(state);
  }
}
