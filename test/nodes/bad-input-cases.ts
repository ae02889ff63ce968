// The bad-input matrix (issue 9, item 4): for every node type, messages with wrong types,
// missing fields, values out of range, huge (300 KB) and prototype-named values, arrays,
// null, BigInt and circular objects. Each must fail with INVALID_INPUT before anything is
// sent. What counts as absent rather than wrong follows the nodes' help: a null or empty
// msg.deviceId means "the config node's charger", msg.payload is ignored where no
// parameters are taken.

export type Category = 'wrong type' | 'missing' | 'out of range' | 'huge' | 'prototype name' | 'array' | 'null' | 'BigInt' | 'circular';

export interface BadCase {
  category: Category;
  label: string;
  msg: Record<string, unknown>;
}

export const HUGE = 'x'.repeat(300 * 1024);

/** An object holding itself: JSON.stringify throws on it. */
export function circular(fields: Record<string, unknown> = {}): Record<string, unknown> {
  const o: Record<string, unknown> = { ...fields };
  o.self = o;
  return o;
}

/** An object with these own keys, `__proto__` included (a literal would set the prototype instead). */
export function own(...entries: [string, unknown][]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [key, value] of entries) Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  return o;
}

const PROTO_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'] as const;
const c = (category: Category, label: string, msg: Record<string, unknown>): BadCase => ({ category, label, msg });
/** A field given each prototype name as its value: actions, commands, ranges, modes. */
const protoNamed = (field: string, extra: Record<string, unknown> = {}): BadCase[] => PROTO_NAMES.map((name) => c('prototype name', `${field} "${name}"`, { [field]: name, ...extra }));
const DAY = '2026-03-05';
const ISO = '2026-03-05T10:00:00.000Z';

export const WRITE_OUT: BadCase[] = [
  c('wrong type', 'Intensity as a word', { payload: { Intensity: 'sixteen' } }),
  c('wrong type', 'Intensity as a boolean', { payload: { Intensity: true } }),
  c('wrong type', 'Intensity as an object', { payload: { Intensity: {} } }),
  c('wrong type', 'a text payload without a topic', { payload: 'Intensity=16' }),
  c('wrong type', 'a number as topic', { topic: 42, payload: 16 }),
  c('missing', 'an empty object', { payload: {} }),
  c('missing', 'no payload, no topic', {}),
  c('missing', 'a topic without a value', { topic: 'Intensity' }),
  c('out of range', 'Intensity 5', { payload: { Intensity: 5 } }),
  c('out of range', 'Intensity 33', { payload: { Intensity: 33 } }),
  c('out of range', 'Intensity 16.5', { payload: { Intensity: 16.5 } }),
  c('out of range', 'Intensity -1', { payload: { Intensity: -1 } }),
  c('out of range', 'Intensity NaN', { payload: { Intensity: Number.NaN } }),
  c('out of range', 'Intensity Infinity', { payload: { Intensity: Number.POSITIVE_INFINITY } }),
  c('out of range', 'Paused 2', { payload: { Paused: 2 } }),
  c('out of range', 'a keyword that is not writable', { payload: { ChargePower: 1000 } }),
  c('huge', 'a 300 KB value', { payload: { Intensity: HUGE } }),
  c('huge', 'a 300 KB keyword', { payload: { [HUGE]: 16 } }),
  c('huge', 'a 300 KB topic', { topic: HUGE, payload: 16 }),
  c('prototype name', 'keyword "__proto__"', { payload: own(['__proto__', 16]) }),
  c('prototype name', 'keyword "constructor"', { payload: { constructor: 16 } }),
  c('prototype name', 'keyword "toString"', { payload: { toString: 16 } }),
  ...protoNamed('topic', { payload: 16 }),
  c('array', 'an array payload', { payload: [16] }),
  c('array', 'an array of objects', { payload: [{ Intensity: 16 }] }),
  c('array', 'an array value', { payload: { Intensity: [16] } }),
  c('null', 'a null payload', { payload: null }),
  c('null', 'a null value', { payload: { Intensity: null } }),
  c('null', 'a topic with a null value', { topic: 'Intensity', payload: null }),
  c('BigInt', 'a BigInt value', { payload: { Intensity: 16n } }),
  c('BigInt', 'a topic with a BigInt value', { topic: 'Intensity', payload: 16n }),
  c('circular', 'a payload holding itself', { payload: circular({ Intensity: 16 }) }),
  c('circular', 'a circular value', { payload: { Intensity: circular() } }),
];

export const CLOUD_COMMAND: BadCase[] = [
  c('wrong type', 'a number as command', { command: 42 }),
  c('wrong type', 'an object as command', { command: { name: 'version' } }),
  c('wrong type', 'intensity as a word', { command: 'intensity', payload: { value: 'sixteen' } }),
  c('wrong type', 'a text payload', { command: 'intensity', payload: 'sixteen' }),
  c('wrong type', 'a number as deviceId', { command: 'version', deviceId: 42 }),
  c('missing', 'no command', {}),
  c('missing', 'intensity without a payload', { command: 'intensity' }),
  c('missing', 'intensity without a value', { command: 'intensity', payload: {} }),
  c('missing', 'a card without a name', { command: 'rfid/add', payload: { code: 'C0FFEE01' } }),
  c('out of range', 'intensity 99', { command: 'intensity', payload: { value: 99 } }),
  c('out of range', 'intensity 16.5', { command: 'intensity', payload: { value: 16.5 } }),
  c('out of range', 'inverter_ip 999.999.999.999', { command: 'inverter_ip', payload: { value: '999.999.999.999' } }),
  c('out of range', 'statistics from 2026-02-31', { command: 'stadistic/device', payload: { chargeDateStart: '2026-02-31' } }),
  c('out of range', 'a parameter the command does not take', { command: 'intensity', payload: { value: 16, extra: 1 } }),
  c('huge', 'a 300 KB command', { command: HUGE }),
  c('huge', 'a 300 KB OCPP address', { command: 'ocpp_addr', payload: { value: `ws://${HUGE}` } }),
  c('huge', 'a 300 KB card name', { command: 'rfid/learn', payload: { tag: HUGE } }),
  c('huge', 'a 300 KB deviceId', { command: 'version', deviceId: `D${HUGE}` }),
  ...protoNamed('command'),
  c('prototype name', 'parameter "constructor"', { command: 'intensity', payload: { value: 16, constructor: 1 } }),
  c('prototype name', 'parameter "__proto__"', { command: 'intensity', payload: own(['value', 16], ['__proto__', { value: 6 }]) }),
  c('prototype name', 'deviceId "__proto__"', { command: 'version', deviceId: '__proto__' }),
  c('array', 'an array as command', { command: ['version'] }),
  c('array', 'an array payload', { command: 'intensity', payload: [16] }),
  c('array', 'an array value', { command: 'intensity', payload: { value: [16] } }),
  c('array', 'an array deviceId', { command: 'version', deviceId: ['SIMTRYDAN01'] }),
  c('null', 'a null command', { command: null }),
  c('null', 'intensity with a null payload', { command: 'intensity', payload: null }),
  c('null', 'a null value', { command: 'intensity', payload: { value: null } }),
  c('BigInt', 'a BigInt value', { command: 'intensity', payload: { value: 16n } }),
  c('BigInt', 'a BigInt deviceId', { command: 'version', deviceId: 10n }),
  c('circular', 'a payload holding itself', { command: 'intensity', payload: circular({ value: 16 }) }),
  c('circular', 'a circular value', { command: 'intensity', payload: { value: circular() } }),
];

export const RFID: BadCase[] = [
  c('wrong type', 'a number as action', { action: 42 }),
  // A number as a name or code is taken as its text on purpose (the catalogue's text()): not wrong.
  c('wrong type', 'a boolean as card name', { action: 'learn', payload: { tag: true } }),
  c('wrong type', 'reader "maybe"', { action: 'reader', payload: 'maybe' }),
  c('wrong type', 'a text payload for delete', { action: 'delete', payload: 'C0FFEE01' }),
  c('missing', 'no action', {}),
  c('missing', 'add without a name', { action: 'add', payload: { code: 'C0FFEE01' } }),
  c('missing', 'rename without a code', { action: 'rename', payload: { tag: 'Guest' } }),
  c('missing', 'delete without a code', { action: 'delete', payload: {} }),
  c('out of range', 'a 51-character card name', { action: 'learn', payload: { tag: 'x'.repeat(51) } }),
  c('out of range', 'reader 2', { action: 'reader', payload: 2 }),
  c('out of range', 'a parameter the action does not take', { action: 'delete', payload: { code: 'C0FFEE01', tag: 'Guest' } }),
  c('huge', 'a 300 KB action', { action: HUGE }),
  c('huge', 'a 300 KB card code', { action: 'add', payload: { code: HUGE, tag: 'Guest' } }),
  c('huge', 'a 300 KB deviceId', { action: 'list', deviceId: `D${HUGE}` }),
  ...protoNamed('action'),
  c('prototype name', 'parameter "constructor"', { action: 'add', payload: { code: 'C0FFEE01', tag: 'Guest', constructor: 1 } }),
  c('prototype name', 'parameter "__proto__"', { action: 'add', payload: own(['code', 'C0FFEE01'], ['tag', 'Guest'], ['__proto__', { tag: 'x' }]) }),
  c('array', 'an array as action', { action: ['list'] }),
  c('array', 'an array payload', { action: 'add', payload: [{ code: 'C0FFEE01', tag: 'Guest' }] }),
  c('null', 'a null action', { action: null }),
  c('null', 'add with a null payload', { action: 'add', payload: null }),
  c('BigInt', 'a BigInt card code', { action: 'delete', payload: { code: 10n } }),
  c('BigInt', 'a BigInt action', { action: 10n }),
  c('circular', 'a payload holding itself', { action: 'add', payload: circular({ code: 'C0FFEE01', tag: 'Guest' }) }),
  c('circular', 'a circular card name', { action: 'learn', payload: { tag: circular() } }),
];

export const STATISTICS: BadCase[] = [
  c('wrong type', 'a number as range', { range: 42 }),
  c('wrong type', 'a number as date', { payload: { from: 20260101, to: DAY } }),
  c('wrong type', 'an object as date', { payload: { from: {}, to: DAY } }),
  c('missing', 'a custom range without dates', { range: 'custom' }),
  c('out of range', 'from 2026-02-31', { payload: { from: '2026-02-31', to: DAY } }),
  c('out of range', 'month 13', { payload: { from: '2026-13-01', to: '2026-12-31' } }),
  c('out of range', 'a range that ends before it starts', { payload: { from: DAY, to: '2026-01-01' } }),
  c('out of range', 'a range name that does not exist', { range: 'lastCentury' }),
  c('huge', 'a 300 KB range', { range: HUGE }),
  c('huge', 'a 300 KB date', { payload: { from: HUGE, to: DAY } }),
  c('huge', 'a 300 KB deviceId', { deviceId: `D${HUGE}` }),
  ...protoNamed('range'),
  c('array', 'an array as range', { range: ['last'] }),
  c('array', 'an array as date', { payload: { from: ['2026-01-01'], to: DAY } }),
  c('null', 'a custom range with null dates', { range: 'custom', payload: { from: null, to: null } }),
  c('BigInt', 'a BigInt date', { payload: { from: 20260101n, to: DAY } }),
  c('BigInt', 'a BigInt range', { range: 10n }),
  c('circular', 'a circular date', { payload: { from: circular(), to: DAY } }),
];

export const POWER_PROFILE: BadCase[] = [
  c('wrong type', 'a number as action', { action: 42 }),
  c('wrong type', 'a boolean as name', { action: 'create', payload: { name: true, mode: 'fixed', value: 3000 } }),
  c('wrong type', 'a text payload', { action: 'get', payload: 'Night' }),
  c('missing', 'no action', {}),
  c('missing', 'create without a name', { action: 'create', payload: { mode: 'fixed', value: 3000 } }),
  c('missing', 'get without updateAt', { action: 'get', payload: {} }),
  c('out of range', 'value 100001 W', { action: 'create', payload: { name: 'Night', mode: 'fixed', value: 100_001 } }),
  c('out of range', 'updateAt 2026-02-31', { action: 'get', payload: { updateAt: '2026-02-31T10:00:00Z' } }),
  c('out of range', 'a 51-character name', { action: 'create', payload: { name: 'x'.repeat(51), mode: 'fixed', value: 3000 } }),
  c('huge', 'a 300 KB action', { action: HUGE }),
  c('huge', 'a 300 KB name', { action: 'create', payload: { name: HUGE, mode: 'fixed', value: 3000 } }),
  ...protoNamed('action'),
  c('prototype name', 'parameter "constructor"', { action: 'get', payload: { updateAt: ISO, constructor: 1 } }),
  c('prototype name', 'parameter "__proto__"', { action: 'get', payload: own(['updateAt', ISO], ['__proto__', { name: 'x' }]) }),
  c('array', 'an array as action', { action: ['list'] }),
  c('array', 'an array payload', { action: 'create', payload: [{ name: 'Night', mode: 'fixed', value: 3000 }] }),
  c('null', 'a null action', { action: null }),
  c('null', 'create with a null payload', { action: 'create', payload: null }),
  c('BigInt', 'a BigInt value', { action: 'create', payload: { name: 'Night', mode: 'fixed', value: 3000n } }),
  c('BigInt', 'a BigInt deviceId', { action: 'list', deviceId: 10n }),
  c('circular', 'a circular name', { action: 'create', payload: { name: circular(), mode: 'fixed', value: 3000 } }),
  c('circular', 'a payload holding itself', { action: 'create', payload: circular({ name: 'Night', mode: 'fixed', value: 3000 }) }),
];

// The scan takes no parameters (its help: msg.payload is not used); only msg.deviceId can be wrong.
export const WIFI_SCAN: BadCase[] = [
  c('wrong type', 'a number as deviceId', { deviceId: 42 }),
  c('wrong type', 'a boolean as deviceId', { deviceId: true }),
  c('out of range', 'a deviceId with spaces', { deviceId: 'SIM TRYDAN 01' }),
  c('out of range', 'a 65-character deviceId', { deviceId: `D${'1'.repeat(64)}` }),
  c('out of range', 'a deviceId that changes the URL', { deviceId: 'SIMTRYDAN01&deviceId=OTHER' }),
  c('huge', 'a 300 KB deviceId', { deviceId: `D${HUGE}` }),
  c('prototype name', 'deviceId "__proto__"', { deviceId: '__proto__' }),
  c('prototype name', 'a deviceId object with its own toString', { deviceId: { toString: 'SIMTRYDAN01' } }),
  c('array', 'an array deviceId', { deviceId: ['SIMTRYDAN01'] }),
  c('BigInt', 'a BigInt deviceId', { deviceId: 10n }),
  c('circular', 'a circular deviceId', { deviceId: circular() }),
];

export const SURPLUS: BadCase[] = [
  c('wrong type', 'a word as grid reading', { topic: 'grid', payload: 'lots' }),
  c('wrong type', 'a number as mode', { mode: 42 }),
  c('wrong type', 'a text as settings', { settings: 'fast' }),
  c('wrong type', 'a word as setting', { settings: { maxCurrent: 'ten' } }),
  c('missing', 'an object with no input', { payload: {} }),
  c('missing', 'a grid topic without a value', { topic: 'grid' }),
  c('out of range', 'maxCurrent 99', { settings: { maxCurrent: 99 } }),
  c('out of range', 'state of charge 150 %', { payload: { soc: 150 } }),
  c('out of range', 'an infinite grid reading', { topic: 'grid', payload: Number.POSITIVE_INFINITY }),
  c('out of range', 'mode "turbo"', { mode: 'turbo' }),
  c('out of range', 'a setting that does not exist', { settings: { turbo: 1 } }),
  c('huge', 'a 300 KB grid reading', { topic: 'grid', payload: HUGE }),
  c('huge', 'a 300 KB mode', { mode: HUGE }),
  c('huge', 'a 300 KB setting name', { settings: { [HUGE]: 1 } }),
  ...protoNamed('mode'),
  c('prototype name', 'setting "constructor"', { settings: { constructor: 1 } }),
  c('prototype name', 'setting "toString"', { settings: { toString: 2 } }),
  c('prototype name', 'setting "__proto__"', { settings: own(['__proto__', { maxCurrent: 10 }]) }),
  c('prototype name', 'input "constructor"', { payload: { constructor: 1 } }),
  c('prototype name', 'input "__proto__"', { payload: own(['__proto__', 500]) }),
  c('array', 'an array of three values with a one-value meter', { payload: [1, 2, 3] }),
  c('array', 'an array as settings', { settings: [1] }),
  c('array', 'an array as mode', { mode: ['pv'] }),
  c('null', 'a null grid reading', { topic: 'grid', payload: null }),
  c('null', 'null settings', { settings: null }),
  c('null', 'a null mode', { mode: null }),
  c('BigInt', 'a BigInt grid reading', { topic: 'grid', payload: 5n }),
  c('BigInt', 'a BigInt setting', { settings: { maxCurrent: 10n } }),
  c('BigInt', 'a BigInt mode', { mode: 5n }),
  c('circular', 'a payload holding itself', { payload: circular() }),
  c('circular', 'a circular setting', { settings: { maxCurrent: circular() } }),
  c('circular', 'a circular mode', { mode: circular() }),
  // Goals and prices (issue 11).
  c('wrong type', 'a word as goal energy', { goal: { energy: 'lots', by: '07:00' } }),
  c('missing', 'a goal without its time', { topic: 'goal', payload: { energy: 20 } }),
  c('missing', 'an empty goal', { goal: {} }),
  c('out of range', 'a goal by 25:00', { goal: { energy: 20, by: '25:00' } }),
  c('wrong type', 'a word as price series', { topic: 'prices', payload: 'cheap' }),
  c('wrong type', 'a price slot without a time', { topic: 'prices', payload: [{ start: 'tonight', price: 0.1 }] }),
  c('huge', 'a price series of 3000 slots', { topic: 'prices', payload: Array.from({ length: 3000 }, (_, i) => ({ start: 1.8e12 + i * 3.6e6, price: 0.1 })) }),
  c('huge', 'a 300 KB goal key', { goal: { [HUGE]: 1 } }),
  c('prototype name', 'goal key "constructor"', { goal: { constructor: 1 } }),
  c('array', 'an array as goal', { goal: [20, '07:00'] }),
  c('BigInt', 'a BigInt price', { topic: 'prices', payload: [{ start: 1.8e12, price: 5n }] }),
  c('circular', 'a circular goal', { goal: circular() }),
];

/** Telemetry's input is a trigger (its help: "any message asks for a fresh reading"): junk included. */
export const REALTIME_TRIGGERS: BadCase[] = [
  c('wrong type', 'a text payload', { payload: 'now' }),
  c('huge', 'a 300 KB payload', { payload: HUGE }),
  c('prototype name', 'a payload with own "__proto__", "constructor", "toString"', { payload: own(['__proto__', 1], ['constructor', 2], ['toString', 3]) }),
  c('array', 'an array payload', { payload: [1, 2] }),
  c('null', 'a null payload', { payload: null }),
  c('BigInt', 'a BigInt payload', { payload: 10n }),
  c('circular', 'a payload holding itself', { payload: circular() }),
];
