// A charger's session and lifetime energy (src/trydan/session-energy.ts), computed once per
// charger in its coordinator so every node sees the same figures, and kept in a store (Node-RED
// context, nodes/lib/energy-store.ts) under the charger's ID, so a restart continues the sum.

import { createHash } from 'node:crypto';
import { type EnergyFigures, type EnergyState, figuresOf, takeReading } from '../trydan/session-energy';
import type { Reading } from '../trydan/telemetry';

/**
 * Growth is written to the disk at once every this many kWh. After a crash the charger's
 * counter tells the growth since again, unless it reset too (a power cut takes both down):
 * then at most this much is lost.
 */
export const URGENT_GROWTH_KWH = 0.1;

export interface EnergyStore {
  load(key: string): EnergyState | undefined;
  /** `urgent`: a reset, a plug-in or an unplug, 0.1 kWh more, or leaving: it must reach the disk now. */
  save(key: string, state: EnergyState, options: { urgent: boolean }): void;
}

export interface EnergyMeterOptions {
  store?: EnergyStore;
  /** The key when readings carry no ID (the cloud's do not): e.g. "cloud-<deviceId>". */
  fallbackKey?: () => string | undefined;
}

/** A key safe as a context name (no dots, which context reads as a path): the ID, else its hash. */
export function energyKey(id: string): string {
  return /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : `h${createHash('sha256').update(id).digest('hex').slice(0, 16)}`;
}

export class EnergyMeter {
  private store: EnergyStore | undefined;
  private readonly fallbackKey: (() => string | undefined) | undefined;
  private key: string | undefined;
  /** False until the store was asked for this key's state (again, once a store arrives). */
  private loaded = false;
  private state: EnergyState | undefined;
  /** The lifetime when the state last reached the disk. */
  private savedLifetime = 0;

  constructor(options: EnergyMeterOptions = {}) {
    this.store = options.store;
    this.fallbackKey = options.fallbackKey;
  }

  /** A store for a meter that had none (a Check opened the charger before a config node). */
  useStore(store: EnergyStore): void {
    if (this.store) return;
    this.store = store;
    this.loaded = false;
  }

  /** Takes a reading in (at `now`, epoch ms) and returns the figures to add to it. */
  observe(reading: Reading, now: number): EnergyFigures {
    const id = typeof reading.ID === 'string' && reading.ID.trim() ? reading.ID.trim() : this.fallbackKey?.();
    const key = id ? energyKey(id) : undefined;
    if (key !== this.key) {
      // Another charger at this address (or its ID known at last): its own state, not this one's.
      if (this.key !== undefined) this.state = undefined;
      this.key = key;
      this.loaded = false;
    }
    if (!this.loaded && key !== undefined && this.store) {
      this.state = this.store.load(key) ?? this.state;
      this.savedLifetime = this.state?.lifetime ?? 0;
      this.loaded = true;
    }
    const before = this.state;
    const after = takeReading(before, reading, now);
    this.state = after;
    // Only what counts is saved: the time and power of each reading alone are not worth a write.
    if (key !== undefined && this.store && (!before || counts(before) !== counts(after))) {
      const urgent = isTurn(before, after) || after.lifetime - this.savedLifetime >= URGENT_GROWTH_KWH;
      if (urgent) this.savedLifetime = after.lifetime;
      this.store.save(key, after, { urgent });
    }
    return figuresOf(after);
  }

  /** Leaving (a redeploy, Node-RED stopping): the state goes to the disk now. */
  close(): void {
    if (this.key !== undefined && this.state) this.store?.save(this.key, this.state, { urgent: true });
  }
}

function counts(s: EnergyState): string {
  const { at: _at, power: _power, ...rest } = s;
  return JSON.stringify(rest);
}

/** Anything but plain growth: what a crash must not forget, as the counter cannot tell it again. */
function isTurn(before: EnergyState | undefined, after: EnergyState): boolean {
  if (!before) return true;
  if (before.plugged !== after.plugged || before.base !== after.base || before.source !== after.source) return true;
  if ((before.last === undefined) !== (after.last === undefined)) return true;
  // Following the counter, `carried` moves only at a reset; integrating, it grows every reading.
  return after.last !== undefined && before.carried !== after.carried;
}
