// The bodies of the cloud's read endpoints, shaped like the real cloud's (docs/charger-protocol.md, cloud):
// numbers as strings, powers in kW, cloud ChargeState numbering, lowercase flat keys,
// JSON inside strings. Pure functions of the device's values.

import type { CloudDevice } from './cloud-device';
import type { KeywordValues } from './realtime-fields';
import { hashText, mulberry32, type SessionRecord } from './session-history';

/** LAN ChargeState → cloud: ventilation 6→3, pilot short 5→4, general fault 4→5; the rest agree. */
export function cloudChargeState(lan: number): number {
  if (lan === 6) return 3;
  if (lan === 5) return 4;
  if (lan === 4) return 5;
  return lan;
}

// Control-pilot voltage by LAN ChargeState (IEC 61851 states A, B, C, F, E, D): what the
// cloud's `voltage` carries instead of the mains voltage.
const PILOT_VOLTS: Readonly<Record<number, number>> = { 0: 12, 1: 9, 2: 6, 4: -12, 5: 0, 6: 3 };
/** What real devices report as cp_level. */
const CP_LEVEL = 248;

const kW = (w: number): string => (w / 1000).toFixed(6);

function phases(v: KeywordValues): number {
  if (v.ChargeMode === 0) return 1;
  if (v.ChargeMode === 1) return 3;
  return v.IntensityMeasure_L2 > 0 ? 3 : 1;
}

/** POST /device/currentstatecharge, keys in the order of the spec's sample. */
export function currentStateCharge(v: KeywordValues): Record<string, string> {
  const pvOn = v.Dynamic === 1 && v.DynamicPowerMode >= 2 && v.DynamicPowerMode <= 4;
  return {
    error: String(v.SlaveError),
    battery: kW(v.BatteryPower),
    voltage: (PILOT_VOLTS[v.ChargeState] ?? 0).toFixed(2),
    intensity: String(v.Intensity),
    seconds: String(v.ChargeTime),
    photovoltaic_on: pvOn ? '1' : '0',
    house_power: kW(v.HousePower),
    charge_state: String(cloudChargeState(v.ChargeState)),
    power: kW(v.ChargePower),
    sun_power: kW(v.FVPower),
    phases: String(phases(v)),
    cp_level: CP_LEVEL.toFixed(6),
    energy: v.ChargeEnergy.toFixed(6),
  };
}

/** A stable MAC per device ID, in Espressif's range like the real charger's Wi-Fi module. */
export function macOf(deviceId: string): string {
  const h = hashText(deviceId);
  const bytes = [0x24, 0x0a, 0xc4, (h >>> 16) & 0xff, (h >>> 8) & 0xff, h & 0xff];
  return bytes.map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(':');
}

/** Timer slots always shown in `reported`, as real shadows list hourstart_00 onwards. */
const SHOWN_TIMER_SLOTS = [0, 1, 2, 3];

/** GET /device/reported: the flat "shadow", lowercase keys, string values. */
export function reported(v: KeywordValues, cloud: CloudDevice): Record<string, string> {
  const s = cloud.settings;
  const out: Record<string, string> = {
    device_id: v.ID,
    connected: cloud.connected ? '1' : '0',
    version: v.FirmwareVersion,
    mac: macOf(v.ID),
    charge_state: String(cloudChargeState(v.ChargeState)),
    ready_state: String(v.ReadyState),
    locked: String(v.Locked),
    pause: String(v.Paused),
    timer: String(v.Timer),
    intensity: String(v.Intensity),
    dynamic: String(v.Dynamic),
    pause_dynamic: String(v.PauseDynamic),
    min_intensity: String(v.MinIntensity),
    max_intensity: String(v.MaxIntensity),
    dynamic_power_mode: String(v.DynamicPowerMode),
    charge_mode: String(v.ChargeMode),
    phases: String(phases(v)),
    // 0–1 rather than the LAN's percent, and hundreds of watts: the cloud's own scales.
    light_led: String(v.LightLED / 100),
    logo_led: String(v.LogoLED),
    contract_power: v.ContractedPower === -1 ? '-1' : String(v.ContractedPower / 100),
    voltage_installation: String(v.VoltageInstallation),
    wifi_info: JSON.stringify({ ssid: v.SSID, ip: v.IP, static_mode: '0', status: String(v.SignalStatus) }),
    inst_type: String(s.instType),
    slave_type: String(s.slaveType),
    language: String(s.language),
    rfid: cloud.rfid.readerOn ? '1' : '0',
    ocpp: String(s.ocpp),
    ocpp_id: s.ocppId,
    ocpp_addr: s.ocppAddr,
    inverter_ip: s.inverterIp,
    denka_max_power: String(s.denkaMaxPower),
  };
  const slots = new Set([...SHOWN_TIMER_SLOTS, ...cloud.timers.keys()]);
  for (const slot of [...slots].sort((a, b) => a - b)) {
    const t = cloud.timers.get(slot);
    const nn = String(slot).padStart(2, '0');
    out[`hourstart_${nn}`] = t?.start ?? '00:00';
    out[`hourend_${nn}`] = t?.end ?? '00:00';
    out[`houractive_${nn}`] = t?.active ? '1' : '0';
    out[`hourdays_${nn}`] = t?.days ?? '';
  }
  return out;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** Local time without zone, as startChargeDate: "2025-10-28T11:44:47". */
export function localIso(time: number): string {
  const d = new Date(time);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Local calendar day "YYYY-MM-DD": what the statistics' date filters compare. */
export function localDay(time: number): string {
  return localIso(time).slice(0, 10);
}

/** UTC with an explicit offset, as createdAt: "2025-10-28T10:44:52.000+00:00". */
const utcIso = (time: number): string => new Date(time).toISOString().replace('Z', '+00:00');

const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;

// Tariff and grid CO2 factor matching the spec's sample (9.6 kWh → 1.44 €, 2.976 kg).
const EUR_PER_KWH = 0.15;
const CO2_KG_PER_KWH = 0.31;

/** One element of GET /stadistic/device: numbers as numbers, like the spec's sample. */
export function sessionStatistic(r: SessionRecord, deviceId: string): Record<string, unknown> {
  const energy = round(r.energyKWh, 2);
  const hours = [...r.hourly.entries()].sort(([a], [b]) => a - b);
  return {
    id: r.id,
    deviceId,
    startChargeDate: localIso(r.start),
    endChargeDate: r.end === undefined ? null : localIso(r.end),
    idCharge: localIso(r.start).replace('T', ' '),
    energy,
    cost: round(energy * EUR_PER_KWH, 2),
    coCost: round(energy * CO2_KG_PER_KWH, 3),
    costFv: 0,
    energyByHour: hours.map(([, kWh]) => String(round(kWh, 1))).join('|'),
    energyByHourFv: null,
    rfidCode: r.rfidCode ?? null,
    rfidName: r.rfidName ?? null,
    message: null,
    warning: false,
    finished: r.end !== undefined,
    createdAt: utcIso(r.start + 5000),
    updatedAt: utcIso(r.updatedAt),
  };
}

/** GET /device/rfid: the cards, at least a code each (the real element shape is unverified). */
export function rfidCards(cloud: CloudDevice): Array<Record<string, string>> {
  return cloud.rfid.list().map((c) => ({ code: c.code, tag: c.tag, deviceId: cloud.deviceId, createdAt: utcIso(c.createdAt) }));
}

/** One element of GET /pairings/me: the real shape, not the spec's {id, name}. */
export function pairing(cloud: CloudDevice, index: number): Record<string, unknown> {
  const id = cloud.device.identity;
  return { id: 90_000 + index, deviceId: id.ID, tag: cloud.tag, ip: id.IP, model: 'trydan', modelName: 'Trydan' };
}

// dBm matching SignalStatus 0 unknown, 1 poor, 2 fair, 3 good.
const OWN_RSSI: Readonly<Record<number, number>> = { 0: -90, 1: -82, 2: -70, 3: -52 };

/** GET /device/wifilist: the charger's own network plus seeded neighbours, strongest first. */
export function wifiNetworks(v: KeywordValues): Array<Record<string, string>> {
  const random = mulberry32(hashText(v.ID));
  const own = { ssid: v.SSID, rssi: String(OWN_RSSI[v.SignalStatus] ?? -90), auth: 'WPA2_PSK', channel: '6' };
  const names = ['MOVISTAR_4F2A', 'Vodafone-C0DE', 'DIRECT-printer', 'Guest'];
  const others = names.map((ssid) => ({
    ssid,
    rssi: String(-60 - Math.floor(random() * 30)),
    auth: ssid === 'Guest' ? 'OPEN' : 'WPA2_PSK',
    channel: String(1 + Math.floor(random() * 11)),
  }));
  return [own, ...others].sort((a, b) => Number(b.rssi) - Number(a.rssi));
}
