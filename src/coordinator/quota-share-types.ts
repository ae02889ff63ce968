// What the shared quota ledger (Redis) and the budget that uses it say to each other.

/** The account's ledger as every instance sees it. */
export interface SharedLedger {
  limit: number;
  remaining: number;
  resetAt: number;
  blockedUntil: number;
  /** Reservations of every instance on the wire now. */
  inFlight: number;
  /** Node-RED instances that sent a heartbeat lately. */
  instances: number;
}

/** A reservation's answer: taken, or why not (a 429 seen, the day spent, the reserve reached). */
export type Verdict = 'ok' | 'blocked' | 'spent' | 'reserved';

/** What every operation names: when, and what a new record or a new quota day starts from. */
export interface OpBase {
  now: number;
  limit: number;
  /** The next reset as this instance knows it: a new day in the record ends then. */
  resetAt: number;
}

export type QuotaOp = OpBase &
  (
    | { op: 'take'; id: string; background: boolean; reserve: number; holdMs: number }
    | { op: 'settle'; id: string; status: number; headerLimit?: number; headerRemaining?: number; headerResetAt?: number }
    | { op: 'spend' | 'release'; id: string }
    | { op: 'report'; id: string; spent: number; remaining?: number; blockedUntil?: number }
    | { op: 'beat'; id: string; staleBefore: number }
  );

/** A shared ledger store (RedisQuota). Every operation fails within its deadline when the store is away. */
export interface QuotaStore {
  run(op: QuotaOp): Promise<{ verdict: Verdict; ledger: SharedLedger }>;
  /** Whether the store answers now. */
  readonly available: boolean;
  /** What reaching it first failed on since it last worked (safe to show: no secret in it). */
  readonly problem: string | undefined;
  /** Called when the store is lost or back; returns the function that stops it. */
  onAvailability(listener: (up: boolean) => void): () => void;
  close(): Promise<void>;
}
