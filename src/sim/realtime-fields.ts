// The keys of /RealTimeData in the order firmware sends them, how each value is written,
// and the firmware that introduced it (docs/charger-protocol.md, LAN). Profiles pick from this list.

import type { FullReading } from '../trydan/telemetry';

/** The device's values: every /RealTimeData field the protocol layer knows, all present. */
export type KeywordValues = FullReading;

export type KeywordName = keyof KeywordValues;

/** string: JSON string; int: integer; float: two decimals, as real firmware writes powers. */
export type FieldFormat = 'string' | 'int' | 'float';

export interface RealtimeField {
  readonly key: KeywordName;
  readonly format: FieldFormat;
  /** First firmware version that sends the key in /RealTimeData. */
  readonly since: string;
}

const f = (key: KeywordName, format: FieldFormat, since = '0'): RealtimeField => ({ key, format, since });

// Order follows captures of real devices (ID first, FirmwareVersion near the end);
// keys new in 2.5.0 come last. ChargeMode exists on 2.4.x too, but only via /read/.
export const REALTIME_FIELDS: readonly RealtimeField[] = [
  f('ID', 'string'),
  f('SignalStatus', 'int', '2.1.17'),
  f('ChargeState', 'int'),
  f('ReadyState', 'int'),
  f('ChargePower', 'float'),
  f('ChargeEnergy', 'float'),
  f('SlaveError', 'int'),
  f('ChargeTime', 'int'),
  f('HousePower', 'float'),
  f('FVPower', 'float'),
  f('BatteryPower', 'float', '2.1.7'),
  f('GridPower', 'float', '2.5.0'),
  f('Paused', 'int'),
  f('Locked', 'int'),
  f('Timer', 'int'),
  f('Intensity', 'int'),
  f('Dynamic', 'int'),
  f('MinIntensity', 'int'),
  f('MaxIntensity', 'int'),
  f('PauseDynamic', 'int'),
  f('FirmwareVersion', 'string'),
  f('DynamicPowerMode', 'int'),
  f('ContractedPower', 'int'),
  f('ChargeMode', 'int', '2.5.0'),
  f('VoltageInstallation', 'int', '2.5.0'),
  f('LightLED', 'int', '2.5.0'),
  f('LogoLED', 'int', '2.5.0'),
  f('IntensityMeasure_L1', 'float', '2.5.0'),
  f('IntensityMeasure_L2', 'float', '2.5.0'),
  f('IntensityMeasure_L3', 'float', '2.5.0'),
  f('VoltageMeasure_L1', 'float', '2.5.0'),
  f('VoltageMeasure_L2', 'float', '2.5.0'),
  f('VoltageMeasure_L3', 'float', '2.5.0'),
  f('SSID', 'string', '2.1.17'),
  f('IP', 'string', '2.1.17'),
];

const FORMAT_BY_KEY = new Map<string, FieldFormat>(REALTIME_FIELDS.map((x) => [x.key, x.format]));

export function isKeywordName(name: string): name is KeywordName {
  return FORMAT_BY_KEY.has(name);
}

/** Compares dotted versions numerically: "2.1.17" > "2.1.7". */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The keys a firmware version sends, in order. */
export function fieldsFor(firmwareVersion: string): RealtimeField[] {
  return REALTIME_FIELDS.filter((x) => compareVersions(firmwareVersion, x.since) >= 0);
}

/** One value as the firmware writes it, in JSON and in /read/ replies. */
export function formatValue(value: number | string, format: FieldFormat): string {
  if (format === 'string') return JSON.stringify(String(value));
  const n = typeof value === 'number' ? value : Number(value);
  if (format === 'int') return String(Math.round(n));
  return n.toFixed(2);
}

export function formatOf(key: string): FieldFormat | undefined {
  return FORMAT_BY_KEY.get(key);
}
