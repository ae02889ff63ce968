// Versioned node configuration: each node type lists the defaults its current version
// expects; flows saved by older versions (or without a version) are filled in, so a
// property added later never arrives as undefined, and means what the older flow meant.
//
// Versions:
//   1  the first release.
//   2  typed inputs: write-out's value (value/valueType), the parameters of cloud-command,
//      rfid and power-profile (params/paramsType), statistics' dates (fromType/toType).
//      A version 1 node is filled with msg.payload as value and parameters, and fixed
//      ("str") dates: exactly what version 1 did.

export function migrate<T extends object>(config: T, defaults: Partial<T>): T & { version: number } {
  const filled: Record<string, unknown> = { ...(config as Record<string, unknown>) };
  for (const [key, value] of Object.entries(defaults)) {
    if (filled[key] === undefined || filled[key] === null) filled[key] = value;
  }
  filled.version = CURRENT_VERSION;
  return filled as T & { version: number };
}

export const CURRENT_VERSION = 2;
