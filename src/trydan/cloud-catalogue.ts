// The one catalogue of V2C cloud endpoints (V2C's cloud API spec, corrected by
// what real clients found: docs/charger-protocol.md, cloud). Each entry says how to call it — method, path, the device parameter's
// name as the server wants it, which parameters go in the query and which in a JSON body,
// a zod schema of the parameters with ranges — and how to read the reply. The cloud
// client, the cloud nodes and the editor (through an admin endpoint) all read this table.

import { z } from 'zod';
import { isCalendarDay, isIPv4 } from './cloud-values';

export const DEFAULT_CLOUD_URL = 'https://v2c.cloud/kong/v2c_service';

export type CloudGroup = 'control' | 'settings' | 'status' | 'rfid' | 'statistics' | 'profiles' | 'firmware' | 'account';
/** How the reply is turned into msg.payload (see cloud-reply.ts). */
export type ReplyKind = 'command' | 'currentState' | 'reported' | 'boolean' | 'version' | 'pairings' | 'sessions' | 'totals' | 'list' | 'object';

export interface CloudEndpoint {
  readonly name: string;
  readonly title: string;
  readonly group: CloudGroup;
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  /** The name the server wants for the device ('deviceId' mostly, 'id' on some); 'none' = account-wide. */
  readonly device: 'deviceId' | 'id' | 'none';
  readonly params: z.ZodObject<z.ZodRawShape>;
  /** Parameters sent as a JSON body rather than in the query. */
  readonly body?: readonly string[];
  readonly reply: ReplyKind;
  /** True when calling it changes nothing (safe to repeat, counts as a read). */
  readonly read: boolean;
}

// Parameters arrive from messages as numbers, numeric text, booleans or "on"/"off". Only
// text that is plainly a number becomes one: "", null, [] or true must never turn into 0 or 1
// (an empty value would otherwise unlock the charger or switch its reader off).
const NUMERIC = /^\s*-?\d+(\.\d+)?\s*$/;
const numeric = (v: unknown): unknown => (typeof v === 'string' && NUMERIC.test(v) ? Number(v) : v);
const ON = new Set<unknown>([true, 1, '1', 'on', 'true']);
const OFF = new Set<unknown>([false, 0, '0', 'off', 'false']);
const switch01 = z.preprocess(
  (v) => (ON.has(typeof v === 'string' ? v.trim().toLowerCase() : v) ? 1 : OFF.has(typeof v === 'string' ? v.trim().toLowerCase() : v) ? 0 : v),
  z.union([z.literal(0), z.literal(1)], { error: 'expected 0 or 1 (true/false, "on"/"off")' }),
);
const flag = z.preprocess(
  (v) => (ON.has(typeof v === 'string' ? v.trim().toLowerCase() : v) ? true : OFF.has(typeof v === 'string' ? v.trim().toLowerCase() : v) ? false : v),
  z.boolean({ error: 'expected true or false' }),
);
const int = (min: number, max: number, unit = '') =>
  z.preprocess(
    numeric,
    z
      .number({ error: `expected a whole number ${min}..${max}${unit}` })
      .int(`expected a whole number ${min}..${max}${unit}`)
      .min(min, `expected ${min}..${max}${unit}`)
      .max(max, `expected ${min}..${max}${unit}`),
  );
const amount = (min: number, max: number, unit: string) =>
  z.preprocess(numeric, z.number({ error: `expected a number ${min}..${max} ${unit}` }).gt(min, `expected more than ${min} ${unit}`).max(max, `expected at most ${max} ${unit}`));
const choice = (...values: number[]) =>
  z.preprocess(numeric, z.number({ error: `expected one of ${values.join(', ')}` }).refine((v) => values.includes(v), { message: `expected one of ${values.join(', ')}` }));
const text = (max: number) =>
  z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string({ error: 'expected text' }).trim().min(1, 'must not be empty').max(max, `at most ${max} characters`));
const day = z.string().max(10, 'expected a date like 2026-01-31').refine(isCalendarDay, 'expected a date that exists, like 2026-01-31');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time like 22:00');
const isoTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/, 'expected an ISO time like 2026-10-27T10:00:00Z')
  .refine((s) => isCalendarDay(s.slice(0, 10)) && !Number.isNaN(Date.parse(s)), 'expected an ISO time that exists, like 2026-10-27T10:00:00Z');
const none = z.object({});

const endpoint = (e: Omit<CloudEndpoint, 'read'> & { read?: boolean }): CloudEndpoint => ({ read: e.method === 'GET', ...e });
const valueCommand = (name: string, title: string, group: CloudGroup, value: z.ZodType, device: 'deviceId' | 'id' = 'deviceId') =>
  endpoint({ name, title, group, method: 'POST', path: `/device/${name}`, device, params: z.object({ value }), reply: 'command' });

export const CLOUD_ENDPOINTS: readonly CloudEndpoint[] = [
  // Charging
  endpoint({ name: 'startcharge', title: 'Start or resume charging', group: 'control', method: 'POST', path: '/device/startcharge', device: 'deviceId', params: none, reply: 'command' }),
  endpoint({ name: 'pausecharge', title: 'Pause charging', group: 'control', method: 'POST', path: '/device/pausecharge', device: 'deviceId', params: none, reply: 'command' }),
  valueCommand('intensity', 'Set charging current (A)', 'control', int(6, 32, ' A')),
  valueCommand('locked', 'Lock (1) or unlock (0) the charge point', 'control', switch01),
  valueCommand('dynamic', 'Dynamic power control on (1) or off (0)', 'control', switch01),
  valueCommand('chargefvmode', 'PV mode: 0 PV + minimum, 1 exclusive PV, 2 maximum power', 'control', choice(0, 1, 2)),
  valueCommand('maxpower', 'Maximum installation power (W)', 'settings', int(0, 100000, ' W')),
  valueCommand('max_car_int', 'Maximum current the car accepts (A)', 'settings', int(6, 32, ' A')),
  valueCommand('min_car_int', 'Minimum current the car needs (A)', 'settings', int(6, 32, ' A')),
  valueCommand('charger_until_energy', 'Stop charging after this energy (kWh)', 'control', amount(0, 200, 'kWh')),
  valueCommand('charger_until_minutes', 'Stop charging after these minutes', 'control', int(1, 1440, ' min')),
  endpoint({ name: 'startchargekw', title: 'Start a charge that stops after kWh', group: 'control', method: 'POST', path: '/device/startchargekw', device: 'deviceId', params: z.object({ kw: amount(0, 200, 'kWh') }), reply: 'command' }),
  endpoint({ name: 'startchargeminutes', title: 'Start a charge that stops after minutes', group: 'control', method: 'POST', path: '/device/startchargeminutes', device: 'deviceId', params: z.object({ minutes: int(1, 1440, ' min') }), reply: 'command' }),
  // The 2025 spec's body; older documents used {timeStart, timeEnd, daysOfWeek}: only this entry changes if the server wants that.
  endpoint({ name: 'timer', title: 'Program a charging timer', group: 'control', method: 'POST', path: '/device/timer', device: 'deviceId', params: z.object({ timerId: int(0, 99), start_time: hhmm, end_time: hhmm, active: flag }), body: ['start_time', 'end_time', 'active'], reply: 'command' }),
  // Settings
  endpoint({ name: 'thirdparty_mode', title: 'Third-party API control mode', group: 'settings', method: 'POST', path: '/device/thirdparty_mode', device: 'deviceId', params: z.object({ mode: int(0, 10), value: switch01 }), reply: 'command' }),
  valueCommand('inst_type', 'Installation type: 0 single-phase, 1 three-phase, 2 photovoltaic', 'settings', choice(0, 1, 2)),
  valueCommand('ocpp', 'OCPP on (1) or off (0)', 'settings', switch01, 'id'),
  valueCommand('ocpp_id', 'OCPP charge point ID', 'settings', text(64), 'id'),
  valueCommand('ocpp_addr', 'OCPP server address', 'settings', z.string().trim().max(255, 'at most 255 characters').regex(/^wss?:\/\/\S+$/, 'expected a ws:// or wss:// address'), 'id'),
  endpoint({ name: 'denka/max_power', title: 'Denka maximum power (W)', group: 'settings', method: 'POST', path: '/device/denka/max_power', device: 'deviceId', params: z.object({ value: int(0, 100000, ' W') }), reply: 'command' }),
  valueCommand('inverter_ip', 'Solar inverter IP address', 'settings', z.string().trim().max(15, 'expected an IPv4 address like 192.168.1.100').refine(isIPv4, 'expected an IPv4 address like 192.168.1.100'), 'id'),
  endpoint({ name: 'wifi', title: 'Connect the charger to a Wi-Fi network', group: 'settings', method: 'POST', path: '/device/wifi', device: 'deviceId', params: z.object({ ssid: text(32), password: z.string({ error: 'expected text' }).max(63, 'at most 63 characters') }), reply: 'command' }),
  valueCommand('slave_type', 'Connected meter (slave) type', 'settings', int(0, 50)),
  valueCommand('language', 'Display language (0 English, 1 Spanish, 2 Portuguese, ...)', 'settings', int(0, 6)),
  valueCommand('logo_led', 'Logo LED on (1) or off (0)', 'settings', switch01),
  endpoint({ name: 'reboot', title: 'Reboot the charger', group: 'settings', method: 'POST', path: '/device/reboot', device: 'deviceId', params: none, reply: 'command' }),
  // Status (currentstatecharge is a POST although it only reads)
  endpoint({ name: 'currentstatecharge', title: 'Current charge state (as LAN telemetry)', group: 'status', method: 'POST', path: '/device/currentstatecharge', device: 'deviceId', params: none, reply: 'currentState', read: true }),
  endpoint({ name: 'reported', title: 'Last reported state (shadow)', group: 'status', method: 'GET', path: '/device/reported', device: 'deviceId', params: none, reply: 'reported' }),
  endpoint({ name: 'connected', title: 'Is the charger connected to the cloud', group: 'status', method: 'GET', path: '/device/connected', device: 'deviceId', params: none, reply: 'boolean' }),
  endpoint({ name: 'wifilist', title: 'Wi-Fi networks the charger sees', group: 'status', method: 'GET', path: '/device/wifilist', device: 'id', params: none, reply: 'list' }),
  // RFID
  endpoint({ name: 'rfid/learn', title: 'Learn the next card swiped, with this name', group: 'rfid', method: 'POST', path: '/device/rfid', device: 'deviceId', params: z.object({ tag: text(50) }), reply: 'command' }),
  endpoint({ name: 'rfid/list', title: 'List RFID cards', group: 'rfid', method: 'GET', path: '/device/rfid', device: 'deviceId', params: none, reply: 'list' }),
  endpoint({ name: 'rfid/delete', title: 'Delete an RFID card', group: 'rfid', method: 'DELETE', path: '/device/rfid', device: 'deviceId', params: z.object({ code: text(64) }), reply: 'command' }),
  endpoint({ name: 'rfid/add', title: 'Add an RFID card by code', group: 'rfid', method: 'POST', path: '/device/rfid/tag', device: 'deviceId', params: z.object({ code: text(64), tag: text(50) }), reply: 'command' }),
  endpoint({ name: 'rfid/rename', title: 'Rename an RFID card', group: 'rfid', method: 'PUT', path: '/device/rfid/tag', device: 'deviceId', params: z.object({ code: text(64), tag: text(50) }), reply: 'command' }),
  valueCommand('set_rfid', 'RFID reader on (1) or off (0)', 'rfid', switch01),
  // Statistics (without dates the device list holds the last 5 sessions)
  endpoint({ name: 'stadistic/device', title: 'Charging sessions of the charger', group: 'statistics', method: 'GET', path: '/stadistic/device', device: 'deviceId', params: z.object({ chargeDateStart: day.optional(), chargeDateEnd: day.optional() }), reply: 'sessions' }),
  endpoint({ name: 'stadistic/global/me', title: 'Account totals', group: 'statistics', method: 'GET', path: '/stadistic/global/me', device: 'none', params: z.object({ endChargeDateStart: day.optional(), endChargeDateEnd: day.optional() }), reply: 'totals' }),
  // Power profiles, identified by name + updateAt
  endpoint({ name: 'savepersonalicepower/v2', title: 'Create a power profile', group: 'profiles', method: 'POST', path: '/device/savepersonalicepower/v2', device: 'deviceId', params: z.object({ name: text(50), updateAt: isoTime, mode: text(50), value: int(0, 100000) }), body: ['mode', 'value'], reply: 'command' }),
  endpoint({ name: 'personalicepower/v2/update', title: 'Update a power profile', group: 'profiles', method: 'POST', path: '/device/personalicepower/v2', device: 'id', params: z.object({ name: text(50), updateAt: isoTime, mode: text(50), value: int(0, 100000) }), body: ['mode', 'value'], reply: 'command' }),
  endpoint({ name: 'personalicepower/v2/get', title: 'Get a power profile', group: 'profiles', method: 'GET', path: '/device/personalicepower/v2', device: 'deviceId', params: z.object({ updateAt: isoTime, name: text(50).optional() }), reply: 'object' }),
  endpoint({ name: 'personalicepower/v2/delete', title: 'Delete a power profile', group: 'profiles', method: 'DELETE', path: '/device/personalicepower/v2', device: 'deviceId', params: z.object({ name: text(50), updateAt: isoTime }), reply: 'command' }),
  endpoint({ name: 'personalicepower/all', title: 'List power profiles', group: 'profiles', method: 'GET', path: '/device/personalicepower/all', device: 'deviceId', params: none, reply: 'list' }),
  // Firmware and account
  endpoint({ name: 'update', title: 'Install the latest firmware', group: 'firmware', method: 'POST', path: '/device/update', device: 'deviceId', params: none, reply: 'command' }),
  endpoint({ name: 'version', title: 'Firmware version', group: 'firmware', method: 'GET', path: '/version', device: 'deviceId', params: none, reply: 'version' }),
  endpoint({ name: 'pairings/me', title: "The account's chargers", group: 'account', method: 'GET', path: '/pairings/me', device: 'none', params: none, reply: 'pairings' }),
];

const BY_NAME = new Map(CLOUD_ENDPOINTS.map((e) => [e.name, e]));

export function findEndpoint(name: unknown): CloudEndpoint | undefined {
  return typeof name === 'string' ? BY_NAME.get(name.trim()) : undefined;
}

/** LAN keywords the cloud can set, and how (write-out's cloud fallback). */
export const CLOUD_WRITES: Readonly<Record<string, (value: number) => { endpoint: string; params: Record<string, unknown> }>> = {
  Intensity: (v) => ({ endpoint: 'intensity', params: { value: v } }),
  Paused: (v) => ({ endpoint: v ? 'pausecharge' : 'startcharge', params: {} }),
  Locked: (v) => ({ endpoint: 'locked', params: { value: v } }),
  Dynamic: (v) => ({ endpoint: 'dynamic', params: { value: v } }),
  LogoLED: (v) => ({ endpoint: 'logo_led', params: { value: v } }),
};

/** The catalogue as plain data for the editor: names, titles, groups and parameter names. */
export function endpointCatalogue(): Array<{ name: string; title: string; group: CloudGroup; method: string; path: string; read: boolean; params: string[] }> {
  return CLOUD_ENDPOINTS.map((e) => ({ name: e.name, title: e.title, group: e.group, method: e.method, path: e.path, read: e.read, params: Object.keys(e.params.shape) }));
}
