// One Coordinator per charger address, shared by every config node and editor check that
// names it, like the CloudBudget per key (budget-registry.ts): the charger answers one
// request at a time, so two clients of the same charger would overlap. Users acquire the
// coordinator and release it; the last release closes it. The key is the normalised origin
// (host.ts), so "192.168.1.50" and "http://192.168.1.50:80/" are one charger.

import { hostToOrigin } from '../trydan/host';
import { LanClient } from '../trydan/lan-client';
import { type CadenceSettings, fastestCadence } from './cadence';
import { type ChargerApi, Coordinator } from './coordinator';

interface Entry {
  coordinator: Coordinator;
  /** Each user's cadence (undefined for users such as the editor's Check that do not poll). */
  users: Map<object, CadenceSettings | undefined>;
}

export interface ChargerOptions {
  /** The user's cadence; the coordinator polls at the fastest of its users'. */
  cadence?: CadenceSettings;
  /** For tests: the charger transport to create when this address has no coordinator yet. */
  connect?: (origin: string) => ChargerApi;
}

const entries = new Map<string, Entry>();

/** The coordinator of the charger at `host` (throws InvalidInput for a bad address). */
export function acquireCharger(host: string, user: object, options: ChargerOptions = {}): Coordinator {
  const origin = hostToOrigin(host);
  let entry = entries.get(origin);
  if (!entry) {
    const lan = options.connect ? options.connect(origin) : new LanClient({ host: origin });
    entry = { coordinator: new Coordinator({ lan }), users: new Map() };
    entries.set(origin, entry);
  }
  entry.users.set(user, options.cadence);
  entry.coordinator.setCadence(fastestCadence([...entry.users.values()]));
  return entry.coordinator;
}

/** Leaves the charger; resolves once the coordinator is closed if this was its last user. */
export async function releaseCharger(host: string, user: object): Promise<void> {
  let origin: string;
  try {
    origin = hostToOrigin(host);
  } catch {
    return;
  }
  const entry = entries.get(origin);
  if (!entry || !entry.users.delete(user)) return;
  if (entry.users.size > 0) {
    entry.coordinator.setCadence(fastestCadence([...entry.users.values()]));
    return;
  }
  // Forgotten before closing, so a user arriving meanwhile gets a fresh coordinator.
  entries.delete(origin);
  await entry.coordinator.close();
}

/** How many chargers have a coordinator now (for tests and leak checks). */
export function activeChargers(): number {
  return entries.size;
}
