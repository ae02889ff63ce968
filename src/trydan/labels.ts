// Readable texts for the device's enumerations (docs/charger-protocol.md, LAN). Unknown numbers read
// from the device are never rejected: `labelOf` falls back to "unknown (n)".

export const CHARGE_STATE: Readonly<Record<number, string>> = {
  0: 'not connected',
  1: 'connected, not charging',
  2: 'charging',
  4: 'system failure',
  5: 'control pilot or ground failure',
  6: 'ventilation required',
};

// Newest documentation; older documents swap 2 and 3.
export const DYNAMIC_POWER_MODE: Readonly<Record<number, string>> = {
  0: 'timed power on',
  1: 'obsolete (ignored)',
  2: 'PV + minimum power',
  3: 'exclusive PV',
  4: 'PV + grid',
  5: 'stop',
};

export const SLAVE_ERROR: Readonly<Record<number, string>> = {
  0: 'none',
  1: 'communication error',
  2: 'reading error',
  3: 'slave error',
  4: 'waiting for Wi-Fi',
  5: 'waiting for communication',
  6: 'wrong IP',
  7: 'slave not found',
  8: 'wrong slave',
  9: 'no response',
  10: 'clamp not connected',
};

export const CHARGE_MODE: Readonly<Record<number, string>> = {
  0: 'single-phase',
  1: 'three-phase',
  2: 'mixed',
};

export const SIGNAL_STATUS: Readonly<Record<number, string>> = {
  0: 'unknown',
  1: 'poor',
  2: 'fair',
  3: 'good',
};

export function labelOf(table: Readonly<Record<number, string>>, value: number): string {
  const text = table[value];
  if (text !== undefined) return text;
  // SlaveError 21–28, 30–32 and 245–257 are Modbus errors.
  if (table === SLAVE_ERROR && ((value >= 21 && value <= 32 && value !== 29) || (value >= 245 && value <= 257))) {
    return `Modbus error ${value}`;
  }
  return `unknown (${value})`;
}
