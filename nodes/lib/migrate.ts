// Versioned node configuration: each node type lists the defaults its current version
// expects; flows saved by older versions (or without a version) are filled in, so a
// property added later never arrives as undefined.

export function migrate<T extends object>(config: T, defaults: Partial<T>): T & { version: number } {
  const filled: Record<string, unknown> = { ...(config as Record<string, unknown>) };
  for (const [key, value] of Object.entries(defaults)) {
    if (filled[key] === undefined || filled[key] === null) filled[key] = value;
  }
  filled.version = CURRENT_VERSION;
  return filled as T & { version: number };
}

export const CURRENT_VERSION = 1;
