// Every endpoint of the V2C cloud, written from the official spec and corrected by what
// real clients do (docs/charger-protocol.md, cloud): method, path below /kong/v2c_service, the query
// parameter naming the device (`deviceId`, or `id` for a few), the other parameters, and
// the reply form. Each endpoint always answers in the same form (see `reply`).

import type { CloudDevice, CloudSettings } from './cloud-device';
import * as p from './cloud-params';
import {
  CloudProblem,
  commandReply,
  jsonReply,
  jsonStringReply,
  notFound,
  textJsonReply,
  textReply,
  type CloudAnswer,
  type CommandReply,
} from './cloud-replies';
import { currentStateCharge, localDay, pairing, reported, rfidCards, sessionStatistic, wifiNetworks } from './cloud-shapes';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** How `reported` is written: a JSON object, a JSON string holding it, or each in turn. */
export type ReportedForm = 'alternate' | 'always-string' | 'always-object';

export interface RouteRequest {
  query: p.Query;
  /** Parsed JSON, the raw text when it is not JSON, undefined when empty. */
  body: unknown;
  reportedForm: ReportedForm;
}

export interface DeviceContext extends RouteRequest {
  cloud: CloudDevice;
}

export interface AccountContext extends RouteRequest {
  devices: readonly CloudDevice[];
}

interface RouteCommon {
  method: HttpMethod;
  /** Below the base path, e.g. /device/startcharge. */
  path: string;
  /** Required query parameters besides the device's. */
  params: readonly string[];
  optional: readonly string[];
  /** Needs a JSON object body. */
  body: boolean;
  /** The success reply, for docs and tests: a CommandReply or a description. */
  reply: string;
}

export interface DeviceRoute extends RouteCommon {
  scope: 'device';
  /** The query parameter naming the device. */
  deviceParam: 'deviceId' | 'id';
  /** Goes through to the charger, so it fails while the charger is off the cloud. */
  needsLink: boolean;
  handle(ctx: DeviceContext): CloudAnswer;
}

export interface AccountRoute extends RouteCommon {
  scope: 'account';
  handle(ctx: AccountContext): CloudAnswer;
}

export type CloudRoute = DeviceRoute | AccountRoute;

interface RouteOptions {
  method?: HttpMethod;
  deviceParam?: 'deviceId' | 'id';
  optional?: readonly string[];
  body?: boolean;
  needsLink?: boolean;
}

/** A command: checks and applies, then answers in its fixed CommandReply form. */
function command(path: string, reply: CommandReply, params: readonly string[], apply: (ctx: DeviceContext) => void, o: RouteOptions = {}): DeviceRoute {
  return {
    scope: 'device',
    method: o.method ?? 'POST',
    path,
    deviceParam: o.deviceParam ?? 'deviceId',
    params,
    optional: o.optional ?? [],
    body: o.body ?? false,
    needsLink: o.needsLink ?? true,
    reply,
    handle: (ctx) => {
      apply(ctx);
      return commandReply(reply);
    },
  };
}

/** A device read with its own reply form. */
function read(method: HttpMethod, path: string, reply: string, params: readonly string[], handle: (ctx: DeviceContext) => CloudAnswer, o: RouteOptions = {}): DeviceRoute {
  return {
    scope: 'device',
    method,
    path,
    deviceParam: o.deviceParam ?? 'deviceId',
    params,
    optional: o.optional ?? [],
    body: false,
    needsLink: o.needsLink ?? false,
    reply,
    handle,
  };
}

function setting<K extends keyof CloudSettings>(ctx: DeviceContext, key: K, value: CloudSettings[K]): void {
  ctx.cloud.settings[key] = value;
}

function write(ctx: DeviceContext, keyword: string, value: number): void {
  if (!ctx.cloud.device.write(keyword, String(value), 'cloud')) {
    throw new CloudProblem(400, `The charger refused ${keyword}=${value}`, 'text');
  }
}

/** chargefvmode (0 PV + minimum, 1 exclusive PV, 2 maximum power) → DynamicPowerMode (2, 3, 4). */
export const FV_MODE_TO_DYNAMIC_POWER_MODE: Readonly<Record<number, number>> = { 0: 2, 1: 3, 2: 4 };

function statistics(ctx: DeviceContext): CloudAnswer {
  const from = p.optionalDay(ctx.query, 'chargeDateStart');
  const to = p.optionalDay(ctx.query, 'chargeDateEnd');
  const newestFirst = ctx.cloud.history.all().sort((a, b) => b.start - a.start);
  const picked =
    from === undefined && to === undefined
      ? newestFirst.slice(0, 5)
      : newestFirst.filter((s) => (from === undefined || localDay(s.start) >= from) && (to === undefined || localDay(s.start) <= to));
  return jsonReply(picked.map((s) => sessionStatistic(s, ctx.cloud.deviceId)));
}

function globalStatistics(ctx: AccountContext): CloudAnswer {
  const from = p.optionalDay(ctx.query, 'endChargeDateStart');
  const to = p.optionalDay(ctx.query, 'endChargeDateEnd');
  let totalEnergy = 0;
  let totalCharges = 0;
  for (const device of ctx.devices) {
    for (const s of device.history.all()) {
      if (s.end === undefined) continue;
      const day = localDay(s.end);
      if ((from !== undefined && day < from) || (to !== undefined && day > to)) continue;
      totalEnergy += Math.round(s.energyKWh * 100) / 100;
      totalCharges++;
    }
  }
  return jsonReply([{ totalEnergy: Math.round(totalEnergy * 100) / 100, totalCharges }]);
}

export const CLOUD_ROUTES: readonly CloudRoute[] = [
  // --- device control -------------------------------------------------------------------
  command('/device/startcharge', 'message', [], (c) => write(c, 'Paused', 0)),
  command('/device/pausecharge', 'message', [], (c) => write(c, 'Paused', 1)),
  command('/device/intensity', 'ok', ['value'], (c) => write(c, 'Intensity', p.keywordValue(c.query, 'value', 'Intensity'))),
  command('/device/locked', 'true', ['value'], (c) => write(c, 'Locked', p.oneOf(c.query, 'value', [0, 1]))),
  command('/device/dynamic', 'message', ['value'], (c) => write(c, 'Dynamic', p.oneOf(c.query, 'value', [0, 1]))),
  command('/device/chargefvmode', 'message', ['value'], (c) => {
    const mode = p.oneOf(c.query, 'value', [0, 1, 2]);
    c.cloud.settings.chargeFvMode = mode;
    write(c, 'DynamicPowerMode', FV_MODE_TO_DYNAMIC_POWER_MODE[mode] ?? 2);
  }),
  command('/device/maxpower', 'no-content', ['value'], (c) => write(c, 'ContractedPower', p.integer(c.query, 'value', 0, 50_000))),
  command('/device/max_car_int', 'ok', ['value'], (c) => write(c, 'MaxIntensity', p.keywordValue(c.query, 'value', 'MaxIntensity'))),
  command('/device/min_car_int', 'ok', ['value'], (c) => write(c, 'MinIntensity', p.keywordValue(c.query, 'value', 'MinIntensity'))),
  command('/device/charger_until_energy', 'true', ['value'], (c) => c.cloud.limitEnergy(p.decimal(c.query, 'value', { min: 0, max: 200 }))),
  command('/device/charger_until_minutes', 'true', ['value'], (c) => c.cloud.limitMinutes(p.integer(c.query, 'value', 0, 10_080))),
  command('/device/startchargekw', 'message', ['kw'], (c) => {
    c.cloud.limitEnergy(p.decimal(c.query, 'kw', { min: 0, max: 200, minExclusive: true }));
    write(c, 'Paused', 0);
  }),
  command('/device/startchargeminutes', 'message', ['minutes'], (c) => {
    c.cloud.limitMinutes(p.integer(c.query, 'minutes', 1, 10_080));
    write(c, 'Paused', 0);
  }),
  command('/device/timer', 'no-content', ['timerId'], (c) => c.cloud.timers.set(p.integer(c.query, 'timerId', 0, 99), p.timerBody(c.body)), { body: true }),
  command('/device/thirdparty_mode', 'ok', ['mode', 'value'], (c) => {
    c.cloud.settings.thirdParty[String(p.integer(c.query, 'mode', 0, 255))] = p.integer(c.query, 'value', 0, 255);
  }),
  command('/device/inst_type', 'message', ['value'], (c) => setting(c, 'instType', p.oneOf(c.query, 'value', [0, 1, 2]))),
  command('/device/ocpp', 'true', ['value'], (c) => setting(c, 'ocpp', p.oneOf(c.query, 'value', [0, 1])), { deviceParam: 'id' }),
  command('/device/ocpp_id', 'ok', ['value'], (c) => setting(c, 'ocppId', p.limitedText(c.query, 'value', 64)), { deviceParam: 'id' }),
  command('/device/ocpp_addr', 'ok', ['value'], (c) => setting(c, 'ocppAddr', p.websocketUrl(c.query, 'value')), { deviceParam: 'id' }),
  command('/device/denka/max_power', 'no-content', ['value'], (c) => setting(c, 'denkaMaxPower', p.integer(c.query, 'value', 0, 50_000))),
  command('/device/inverter_ip', 'message', ['value'], (c) => setting(c, 'inverterIp', p.ipv4(c.query, 'value')), { deviceParam: 'id' }),
  command('/device/wifi', 'message', ['ssid', 'password'], (c) => {
    const ssid = p.limitedText(c.query, 'ssid', 32);
    const password = c.query.password ?? '';
    if (password.length < 8 || password.length > 63) throw new CloudProblem(400, 'Invalid value for password: expected 8 to 63 characters', 'text');
    c.cloud.device.set({ SSID: ssid });
  }),
  command('/device/slave_type', 'ok', ['value'], (c) => setting(c, 'slaveType', p.integer(c.query, 'value', 0, 255))),
  command('/device/language', 'true', ['value'], (c) => setting(c, 'language', p.integer(c.query, 'value', 0, 6))),
  command('/device/logo_led', 'no-content', ['value'], (c) => write(c, 'LogoLED', p.oneOf(c.query, 'value', [0, 1]))),
  command('/device/reboot', 'text-message', [], (c) => c.cloud.reboot()),

  // --- status ----------------------------------------------------------------------------
  read(
    'POST',
    '/device/currentstatecharge',
    'text/plain holding a JSON object of strings (kW, cloud ChargeState)',
    [],
    (c) => textJsonReply(currentStateCharge(c.cloud.device.values())),
    { needsLink: true },
  ),
  read('GET', '/device/reported', 'JSON object of strings, or a JSON string holding it (alternating by default)', [], (c) => {
    const body = reported(c.cloud.device.values(), c.cloud);
    const n = c.cloud.nextCall('reported');
    const asString = c.reportedForm === 'always-string' || (c.reportedForm === 'alternate' && n % 2 === 0);
    return asString ? jsonStringReply(body) : jsonReply(body);
  }),
  read('GET', '/device/connected', 'bare true / 1 (text/plain) / "true", in turn', [], (c) => {
    const on = c.cloud.connected;
    switch (c.cloud.nextCall('connected') % 3) {
      case 1:
        return jsonReply(on);
      case 2:
        return textReply(on ? '1' : '0');
      default:
        return jsonReply(String(on));
    }
  }),
  read(
    'GET',
    '/device/wifilist',
    'a JSON string holding an array of {ssid, rssi, auth, channel}',
    [],
    (c) => jsonStringReply(wifiNetworks(c.cloud.device.values())),
    { deviceParam: 'id', needsLink: true },
  ),

  // --- RFID ------------------------------------------------------------------------------
  command('/device/rfid', 'message', ['tag'], (c) => c.cloud.rfid.learn(p.limitedText(c.query, 'tag', 64))),
  read('GET', '/device/rfid', 'JSON array of {code, tag, deviceId, createdAt}', [], (c) => jsonReply(rfidCards(c.cloud))),
  command('/device/rfid', 'no-content', ['code'], (c) => {
    if (!c.cloud.rfid.remove(p.text(c.query, 'code'))) throw notFound('RFID card');
  }, { method: 'DELETE' }),
  command('/device/rfid/tag', 'message', ['code', 'tag'], (c) => {
    const ok = c.cloud.rfid.add(p.limitedText(c.query, 'code', 32), p.limitedText(c.query, 'tag', 64), c.cloud.device.simTime);
    if (!ok) throw new CloudProblem(409, 'RFID card already registered');
  }),
  command('/device/rfid/tag', 'ok', ['code', 'tag'], (c) => {
    if (!c.cloud.rfid.rename(p.text(c.query, 'code'), p.limitedText(c.query, 'tag', 64))) throw notFound('RFID card');
  }, { method: 'PUT' }),
  command('/device/set_rfid', 'true', ['value'], (c) => {
    c.cloud.rfid.readerOn = p.oneOf(c.query, 'value', [0, 1]) === 1;
  }),

  // --- statistics ------------------------------------------------------------------------
  read('GET', '/stadistic/device', 'JSON array of sessions, newest first; the last 5 without dates', [], statistics, {
    optional: ['chargeDateStart', 'chargeDateEnd'],
  }),
  {
    scope: 'account',
    method: 'GET',
    path: '/stadistic/global/me',
    params: [],
    optional: ['endChargeDateStart', 'endChargeDateEnd'],
    body: false,
    reply: 'JSON [{totalEnergy, totalCharges}] (numbers) over finished sessions of every device',
    handle: globalStatistics,
  },

  // --- power profiles --------------------------------------------------------------------
  command('/device/savepersonalicepower/v2', 'ok', ['name', 'updateAt'], (c) => {
    const name = p.limitedText(c.query, 'name', 64);
    if (!c.cloud.profiles.create(name, p.isoTime(c.query, 'updateAt'), p.jsonObject(c.body))) {
      throw new CloudProblem(409, `A power profile named ${JSON.stringify(name)} exists already`);
    }
  }, { body: true, needsLink: false }),
  command('/device/personalicepower/v2', 'message', ['name', 'updateAt'], (c) => {
    if (!c.cloud.profiles.update(p.text(c.query, 'name'), p.isoTime(c.query, 'updateAt'), p.jsonObject(c.body))) throw notFound('Power profile');
  }, { deviceParam: 'id', body: true, needsLink: false }),
  read('GET', '/device/personalicepower/v2', 'text/plain holding {deviceId, name, updateAt, profile}', ['updateAt'], (c) => {
    const found = c.cloud.profiles.find(p.text(c.query, 'updateAt'), c.query.name || undefined);
    if (!found) throw notFound('Power profile');
    return textJsonReply({ deviceId: c.cloud.deviceId, ...found });
  }, { optional: ['name'] }),
  command('/device/personalicepower/v2', 'no-content', ['name', 'updateAt'], (c) => {
    if (!c.cloud.profiles.remove(p.text(c.query, 'name'), p.text(c.query, 'updateAt'))) throw notFound('Power profile');
  }, { method: 'DELETE', needsLink: false }),
  read('GET', '/device/personalicepower/all', 'JSON array of {deviceId, name, updateAt, profile}', [], (c) =>
    jsonReply(c.cloud.profiles.list().map((x) => ({ deviceId: c.cloud.deviceId, ...x }))),
  ),

  // --- firmware --------------------------------------------------------------------------
  command('/device/update', 'text-message', [], (c) => c.cloud.requestUpdate()),
  read('GET', '/version', 'JSON {versionId, deviceId} and text/plain bare version, in turn', [], (c) => {
    const version = c.cloud.device.identity.FirmwareVersion;
    return c.cloud.nextCall('version') % 2 === 1 ? jsonReply({ versionId: version, deviceId: c.cloud.deviceId }) : textReply(version);
  }),

  // --- pairings --------------------------------------------------------------------------
  {
    scope: 'account',
    method: 'GET',
    path: '/pairings/me',
    params: [],
    optional: [],
    body: false,
    reply: 'JSON array of {id, deviceId, tag, ip, model, modelName}',
    handle: (c) => jsonReply(c.devices.map((d, i) => pairing(d, i))),
  },
];

const BY_KEY = new Map(CLOUD_ROUTES.map((r) => [`${r.method} ${r.path}`, r]));

export function findRoute(method: string, path: string): CloudRoute | undefined {
  return BY_KEY.get(`${method} ${path}`);
}
