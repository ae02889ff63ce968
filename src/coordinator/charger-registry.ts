// One Coordinator per charger address, shared by every config node and editor check that
// names it, like the CloudBudget per key (budget-registry.ts): the charger answers one
// request at a time, so two clients of the same charger would overlap. Users acquire the
// coordinator and release it; the last release closes it. The key is the normalised origin
// (host.ts), so "192.168.1.50" and "http://192.168.1.50:80/" are one charger.
//
// The charger outlives its coordinators: a redeploy, a Check or a node restarting may start
// a new one while the old one's last request is still on the wire. So each address keeps a
// line across generations: when the charger is free (the LAN pacing) and the closing of the
// previous coordinator, which the next one's first request waits for. That close is bounded:
// it ends when the request on the wire answers or reaches its deadline.

import { type Clock, systemClock } from '../trydan/clock';
import { hostToOrigin } from '../trydan/host';
import { LAN_GAP_MS, LAN_TIMEOUT_MS, LanClient } from '../trydan/lan-client';
import { LanPacing } from '../trydan/lan-pacing';
import { type CadenceSettings, fastestCadence, pollPhase } from './cadence';
import { type ChargerApi, Coordinator } from './coordinator';
import type { EnergyStore } from './energy-meter';

interface Entry {
  coordinator: Coordinator;
  /** Each user's cadence (undefined for users such as the editor's Check that do not poll). */
  users: Map<object, CadenceSettings | undefined>;
}

/** What a charger's coordinators hand on to the next one. */
export interface ChargerLine {
  /** When the charger is free for the next request, whichever coordinator sent the last. */
  readonly pacing: LanPacing;
  /** Resolves once the previous coordinator has closed (and its last request ended). */
  after: Promise<void>;
  /** False while a coordinator of this line is open or closing. */
  idle: boolean;
}

export interface ChargerOptions {
  /** The user's cadence; the coordinator polls at the fastest of its users'. */
  cadence?: CadenceSettings;
  /** Where the charger's session and lifetime energy is kept (the first user's that has one). */
  energy?: EnergyStore;
  /** For tests: the charger transport to create when this address has no coordinator yet. */
  connect?: (origin: string, line: ChargerLine) => ChargerApi;
  /** For tests: the coordinator's clock. */
  clock?: Clock;
}

const entries = new Map<string, Entry>();
const lines = new Map<string, ChargerLine>();

/** The coordinator of the charger at `host` (throws InvalidInput for a bad address). */
export function acquireCharger(host: string, user: object, options: ChargerOptions = {}): Coordinator {
  const origin = hostToOrigin(host);
  let entry = entries.get(origin);
  if (!entry) {
    const line = lineOf(origin);
    line.idle = false;
    const lan = options.connect ? options.connect(origin, line) : new LanClient({ host: origin, pacing: line.pacing, after: line.after });
    // Readings without an ID (older firmware, perhaps) keep their energy under the address.
    const energy = { ...(options.energy ? { store: options.energy } : {}), fallbackKey: () => `lan-${origin}` };
    // Each address polls at its own place in the interval, so a fleet does not poll at once.
    const coordinator = new Coordinator({ lan, energy, phase: pollPhase(origin), ...(options.clock ? { clock: options.clock } : {}) });
    entry = { coordinator, users: new Map() };
    entries.set(origin, entry);
  } else if (options.energy) {
    entry.coordinator.useEnergyStore(options.energy);
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
  // Forgotten before closing, so a user arriving meanwhile gets a fresh coordinator, which
  // sends nothing before this one has closed.
  entries.delete(origin);
  const line = lineOf(origin);
  const closed = entry.coordinator.close().catch(() => undefined);
  line.after = closed;
  await closed;
  if (line.after === closed && !entries.has(origin)) line.idle = true;
}

/** How many chargers have a coordinator now (for tests and leak checks). */
export function activeChargers(): number {
  return entries.size;
}

/** The address's line, made on first use; lines of idle chargers that are free are forgotten. */
function lineOf(origin: string): ChargerLine {
  const now = systemClock.now();
  for (const [o, line] of lines) if (line.idle && line.pacing.waitMs(now) === 0) lines.delete(o);
  let line = lines.get(origin);
  if (!line) {
    line = { pacing: new LanPacing(LAN_GAP_MS, LAN_TIMEOUT_MS), after: Promise.resolve(), idle: true };
    lines.set(origin, line);
  }
  return line;
}
