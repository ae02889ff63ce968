// Two copies of a key's quota ledger (Node-RED's context and the file written at once when
// it matters): after a crash either may be the newer. The newer day wins; within one day the
// more cautious values do, so a 429 or a low count is never forgotten.

import { type Ledger, parseLedger } from './cloud-budget';

export function cautiousLedger(first: unknown, second: unknown): Ledger | undefined {
  // A damaged copy is left out rather than merged into nonsense.
  const a = parseLedger(first);
  const b = parseLedger(second);
  if (!a || !b) return a ?? b;
  if (a.resetAt !== b.resetAt) return a.resetAt > b.resetAt ? a : b;
  return {
    limit: Math.min(a.limit, b.limit),
    remaining: Math.min(a.remaining, b.remaining),
    resetAt: a.resetAt,
    blockedUntil: Math.max(a.blockedUntil, b.blockedUntil),
    authFailures: Math.max(a.authFailures, b.authFailures),
    authRetryAt: Math.max(a.authRetryAt, b.authRetryAt),
  };
}
