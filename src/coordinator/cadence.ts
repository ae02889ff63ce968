// When to poll next: pure arithmetic, kept apart so it reads like the rule it is.

export interface CadenceSettings {
  /** Seconds between polls while a car is connected. */
  pollInterval: number;
  /** Seconds between polls while no car is connected. */
  idleInterval: number;
  /** Longest wait, in seconds, while the charger is unreachable. */
  maxBackoff: number;
}

export const DEFAULT_CADENCE: CadenceSettings = { pollInterval: 5, idleInterval: 30, maxBackoff: 300 };

/** Milliseconds until the next poll after a good reading. */
export function nextPollDelay(s: CadenceSettings, carConnected: boolean): number {
  return (carConnected ? s.pollInterval : s.idleInterval) * 1000;
}

/** Milliseconds until the next try after `failures` failed polls in a row (1, 2, ...): doubles up to the cap. */
export function backoffDelay(s: CadenceSettings, failures: number): number {
  const seconds = s.pollInterval * 2 ** Math.min(failures, 20);
  return Math.min(seconds, s.maxBackoff) * 1000;
}

/** Settings from a config node, clamped to what makes sense (1 s and up). */
export function cadenceFrom(input: Partial<Record<keyof CadenceSettings, unknown>>): CadenceSettings {
  const num = (v: unknown, fallback: number): number => {
    const n = Number(v);
    return v === '' || v === undefined || v === null || !Number.isFinite(n) ? fallback : Math.max(1, n);
  };
  return {
    pollInterval: num(input.pollInterval, DEFAULT_CADENCE.pollInterval),
    idleInterval: num(input.idleInterval, DEFAULT_CADENCE.idleInterval),
    maxBackoff: num(input.maxBackoff, DEFAULT_CADENCE.maxBackoff),
  };
}

/** The cadence for a charger shared by several config nodes: the fastest each one asks for. */
export function fastestCadence(all: ReadonlyArray<CadenceSettings | undefined>): CadenceSettings {
  const given = all.filter((c): c is CadenceSettings => c !== undefined);
  if (given.length === 0) return DEFAULT_CADENCE;
  return {
    pollInterval: Math.min(...given.map((c) => c.pollInterval)),
    idleInterval: Math.min(...given.map((c) => c.idleInterval)),
    maxBackoff: Math.min(...given.map((c) => c.maxBackoff)),
  };
}
