// What the soak does to the charger and the cloud: named modes, each a set of simulator
// faults. The LAN and the cloud switch independently; "healthy" lasts long enough to see
// telemetry come back.

import type { SimAccount } from '../../src/sim/cloud-account';
import type { TrydanSimulator } from '../../src/sim';
import type { Random } from './random';

export type LanMode = 'healthy' | 'slow' | 'beyond-timeout' | 'offline' | 'endless' | 'truncated' | 'partial' | 'huge' | 'html' | 'needs-gap';
export type CloudMode = 'healthy' | '401' | '429' | '5xx' | 'html-page' | 'truncated' | 'endless';

/** The LAN client gives up after 8 s: `beyond-timeout` answers after 10 s (issue 9 row 3). */
const LAN_FAULTS: Record<LanMode, Parameters<TrydanSimulator['setFault']>[0]> = {
  healthy: {},
  slow: { slowMs: 1500 },
  'beyond-timeout': { slowMs: 10_000 },
  offline: { offline: true },
  endless: { malformed: 'endless' },
  truncated: { malformed: 'truncated' },
  partial: { malformed: 'partial' },
  huge: { malformed: 'huge' },
  html: { malformed: 'html' },
  // A charger that needs 400 ms between requests answers quicker ones with 404 (row 16).
  'needs-gap': { minGapMs: 400 },
};

const LAN_WEIGHTS: readonly (readonly [Exclude<LanMode, 'healthy'>, number])[] = [
  ['slow', 1], ['beyond-timeout', 1], ['offline', 2], ['endless', 2], ['truncated', 1], ['partial', 1], ['huge', 1], ['html', 1], ['needs-gap', 1],
];

const CLOUD_WEIGHTS: readonly (readonly [CloudMode, number])[] = [
  ['healthy', 4], ['401', 1], ['429', 1], ['5xx', 1], ['html-page', 1], ['truncated', 1], ['endless', 1],
];

export function applyLan(sim: TrydanSimulator, mode: LanMode): void {
  sim.clearFaults();
  sim.setFault(LAN_FAULTS[mode]);
}

export function applyCloud(account: SimAccount, mode: CloudMode): void {
  account.clearFaults();
  switch (mode) {
    case '401':
      account.setFault({ outage: true });
      break;
    case '429':
      // Another client of the account spent the day's calls: the next call gets 429.
      account.setQuota({ used: account.quota.limit });
      break;
    case '5xx':
      account.setFault({ serverError: 503 });
      break;
    case 'html-page':
      account.setFault({ malformed: 'html' });
      break;
    case 'truncated':
      account.setFault({ malformed: 'truncated' });
      break;
    case 'endless':
      account.setFault({ malformed: 'endless' });
      break;
    case 'healthy':
      break;
  }
}

/** Alternates a fault (2–6 s) with a healthy spell long enough to measure recovery. */
export function nextLanPhase(random: Random, previous: LanMode, healthyMs: number): { mode: LanMode; ms: number } {
  if (previous !== 'healthy') return { mode: 'healthy', ms: healthyMs + random.int(0, 3000) };
  return { mode: random.weighted(LAN_WEIGHTS), ms: random.int(2000, 6000) };
}

export function nextCloudPhase(random: Random): { mode: CloudMode; ms: number } {
  return { mode: random.weighted(CLOUD_WEIGHTS), ms: random.int(2000, 7000) };
}
