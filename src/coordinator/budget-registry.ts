// One CloudBudget per API key, shared by every config node (and so every node) using the
// key, like core MQTT shares one connection per broker. Config nodes acquire it when they
// start and release it when they close; the last release forgets it and closes its shared
// store (the ledger is persisted, so the next acquire picks up where it was). The first
// acquire's options decide, the Redis URL included. Keys are held only as a hash.

import { createHash } from 'node:crypto';
import { type BudgetOptions, CloudBudget } from './cloud-budget';

interface Entry {
  budget: CloudBudget;
  users: Set<object>;
}

const entries = new Map<string, Entry>();

/**
 * A short, stable name for a key (and the cloud it is used with, so a simulator's quota never
 * mixes with the real one) that cannot be turned back into the key.
 */
export function keyId(apiKey: string, cloudUrl: string): string {
  return createHash('sha256').update(`${cloudUrl}\n${apiKey}`).digest('hex').slice(0, 16);
}

export function acquireBudget(apiKey: string, cloudUrl: string, user: object, options: (id: string) => BudgetOptions): CloudBudget {
  const id = keyId(apiKey, cloudUrl);
  let entry = entries.get(id);
  if (!entry) {
    entry = { budget: new CloudBudget(options(id)), users: new Set() };
    entries.set(id, entry);
  }
  entry.users.add(user);
  return entry.budget;
}

/** Resolves once a budget nobody uses any more has let go of its shared store (Redis). */
export async function releaseBudget(apiKey: string, cloudUrl: string, user: object): Promise<void> {
  const id = keyId(apiKey, cloudUrl);
  const entry = entries.get(id);
  if (!entry) return;
  entry.users.delete(user);
  entry.budget.pollers.delete(user);
  if (entry.users.size > 0) return;
  entries.delete(id);
  await entry.budget.close();
}

/**
 * When a cloud-only charger last had its telemetry asked for. A redeploy makes a new config
 * node, coordinator and even budget (the last user released it), so the pace between
 * telemetry calls lives here, per key, cloud and device as configured, and outlives them:
 * 20 redeploys in 10 s make one call, not 20. Entries a day old are forgotten.
 */
export interface CloudPace {
  readonly lastPollAt: number | undefined;
  polled(at: number): void;
}

const DAY_MS = 86_400_000;
const lastPolls = new Map<string, number>();

export function cloudPace(apiKey: string, cloudUrl: string, deviceId: string): CloudPace {
  const id = `${keyId(apiKey, cloudUrl)}\n${deviceId.trim()}`;
  return {
    get lastPollAt() {
      return lastPolls.get(id);
    },
    polled(at: number) {
      for (const [key, when] of lastPolls) if (at - when > DAY_MS) lastPolls.delete(key);
      lastPolls.set(id, at);
    },
  };
}
