// Checks of the values sent to the V2C cloud that a regex alone gets wrong: calendar days
// (2026-02-31 matches \d{4}-\d{2}-\d{2}), IPv4 octets (999 matches \d{1,3}), and device IDs,
// which come from messages and go into the query of every call.

import { InvalidInput } from './errors';
import { shown } from './show';

/** YYYY-MM-DD naming a day that exists. */
export function isCalendarDay(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** Four decimal octets, each 0..255, without leading zeros. */
export function isIPv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

/** Serials seen are letters and digits; a few separators are allowed, nothing that changes a URL. */
const DEVICE_ID = /^[A-Za-z0-9][\w.:-]{0,63}$/;

/**
 * A device ID as given (config node, LAN reading, msg.deviceId): undefined when not given,
 * else the trimmed ID; anything that cannot be a device ID is InvalidInput.
 */
export function checkDeviceId(value: unknown, where = 'deviceId'): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new InvalidInput([`${where} must be text, like "TRYDAN0001"; got ${shown(value, 40)}`]);
  const id = value.trim();
  if (id === '') return undefined;
  if (!DEVICE_ID.test(id)) throw new InvalidInput([`${where} ${shown(id, 40)} is not a device ID: letters, digits and . _ : - only, at most 64 characters`]);
  return id;
}
