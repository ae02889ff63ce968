// The simulated charger's state, apart from any transport: the LAN server and the cloud
// server read and write it through this one object, so both always agree.

import { coerceValue, WRITABLE_KEYWORDS, type WritableKeyword } from '../trydan/keywords';
import type { SimClock } from './clock';
import { pushCapped } from './capped-log';
import {
  applySetting,
  initialState,
  plugIn,
  readings,
  settle,
  step,
  unplug,
  type ChargerSettings,
  type Environment,
  type FailureState,
  type PhysicsState,
  type SettingName,
  type SiteReadings,
} from './physics';
import { isKeywordName, type KeywordValues } from './realtime-fields';

export interface DeviceIdentity {
  ID: string;
  FirmwareVersion: string;
  SSID: string;
  IP: string;
  SignalStatus: number;
  SlaveError: number;
}

export type WriteSource = 'lan' | 'cloud' | 'control';

export interface WriteRecord {
  keyword: string;
  /** The value as a number when it was an integer, else the raw text received. */
  value: number | string;
  accepted: boolean;
  source: WriteSource;
  /** Simulated epoch ms. */
  simTime: number;
}

export interface CarInfo {
  connected: boolean;
  capacityKWh: number;
  energyKWh: number;
  socPercent: number;
}

/**
 * Direct changes for tests, the CLI and the demo; no range checks beyond types, so tests
 * can also put the device where a client never could. Writable keywords go at the top
 * level (`{ Intensity: 20 }`) or under `settings` (any name of the keyword table), and
 * apply with the same side effects as a write.
 */
export interface SimSetInput extends Partial<Record<SettingName, number>> {
  settings?: Partial<ChargerSettings>;
  /** 4, 5 or 6 force a failure ChargeState; 0 clears it. */
  failure?: number;
  ChargeEnergy?: number;
  ChargeTime?: number;
  ID?: string;
  SSID?: string;
  IP?: string;
  SignalStatus?: number;
  SlaveError?: number;
  carConnected?: boolean;
  carSocPercent?: number;
  carCapacityKWh?: number;
  /** Seconds after a resume before the car draws; then seconds of ramp. */
  carStartDelayS?: number;
  carRampS?: number;
  environment?: Partial<Environment>;
}

const WRITABLE_BY_NAME = new Map<string, WritableKeyword>(WRITABLE_KEYWORDS.map((k) => [k.name, k]));

/** What observers see after every change, read without advancing the physics again. */
export interface DeviceSample {
  /** Simulated epoch ms. */
  time: number;
  carConnected: boolean;
  /** Energy in the car's battery: only grows while charging, unlike ChargeEnergy. */
  carEnergyKWh: number;
}

export type DeviceObserver = (sample: DeviceSample) => void;

export interface DeviceStateOptions {
  clock: SimClock;
  environment: Environment;
  identity: DeviceIdentity;
  carConnected: boolean;
}

export class DeviceState {
  readonly clock: SimClock;
  readonly writes: WriteRecord[] = [];
  private env: Environment;
  private identityFields: DeviceIdentity;
  private physics: PhysicsState;
  private readonly observers = new Set<DeviceObserver>();
  private notifying = false;

  constructor(options: DeviceStateOptions) {
    this.clock = options.clock;
    this.env = { ...options.environment };
    this.identityFields = { ...options.identity };
    this.physics = initialState({ time: this.clock.simNow(), carConnected: options.carConnected }, this.env);
  }

  /** Runs the physics up to the clock's current simulated time (never backwards). */
  advance(): void {
    const now = this.clock.simNow();
    if (now <= this.physics.time) return;
    this.physics = step(this.physics, now - this.physics.time, this.env);
    this.notify();
  }

  /**
   * Calls `observer` after time moves and after every change (session records, charge
   * limits set through the cloud). Observers may write; that write notifies no one again.
   * Returns a function that removes the observer.
   */
  observe(observer: DeviceObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  private notify(): void {
    if (this.notifying || this.observers.size === 0) return;
    this.notifying = true;
    try {
      const sample: DeviceSample = { time: this.physics.time, carConnected: this.physics.car.connected, carEnergyKWh: this.physics.car.energyKWh };
      for (const observer of this.observers) observer(sample);
    } finally {
      this.notifying = false;
    }
  }

  /** ID, firmware and Wi-Fi identity, without advancing the physics. */
  get identity(): Readonly<DeviceIdentity> {
    return { ...this.identityFields };
  }

  /** Every keyword value the device would report now. */
  values(): KeywordValues {
    this.advance();
    const r = readings(this.physics, this.env);
    const s = this.physics.settings;
    return {
      ID: this.identityFields.ID,
      FirmwareVersion: this.identityFields.FirmwareVersion,
      SSID: this.identityFields.SSID,
      IP: this.identityFields.IP,
      SignalStatus: this.identityFields.SignalStatus,
      SlaveError: this.identityFields.SlaveError,
      ChargeState: r.ChargeState,
      ReadyState: r.ReadyState,
      ChargePower: r.ChargePower,
      ChargeEnergy: r.ChargeEnergy,
      ChargeTime: r.ChargeTime,
      HousePower: r.HousePower,
      FVPower: r.FVPower,
      BatteryPower: r.BatteryPower,
      GridPower: r.GridPower,
      Paused: s.Paused,
      Locked: s.Locked,
      Timer: s.Timer,
      Intensity: r.Intensity,
      Dynamic: s.Dynamic,
      MinIntensity: s.MinIntensity,
      MaxIntensity: s.MaxIntensity,
      PauseDynamic: s.PauseDynamic,
      DynamicPowerMode: s.DynamicPowerMode,
      ContractedPower: s.ContractedPower,
      ChargeMode: s.ChargeMode,
      VoltageInstallation: s.VoltageInstallation,
      LightLED: s.LightLED,
      LogoLED: s.LogoLED,
      IntensityMeasure_L1: r.IntensityMeasure_L1,
      IntensityMeasure_L2: r.IntensityMeasure_L2,
      IntensityMeasure_L3: r.IntensityMeasure_L3,
      VoltageMeasure_L1: r.VoltageMeasure_L1,
      VoltageMeasure_L2: r.VoltageMeasure_L2,
      VoltageMeasure_L3: r.VoltageMeasure_L3,
    };
  }

  /** Writable keywords added to the table later have no physics, but read back. */
  extraSettings(): Record<string, number> {
    return Object.fromEntries(Object.entries(this.physics.settings).filter(([k]) => !isKeywordName(k)));
  }

  /** Site truth (PV, house, car, grid), also while the charger hides meter readings. */
  site(): SiteReadings {
    this.advance();
    return readings(this.physics, this.env).site;
  }

  car(): CarInfo {
    this.advance();
    const c = this.physics.car;
    return { ...c, socPercent: Math.round((c.energyKWh / c.capacityKWh) * 1000) / 10 };
  }

  environment(): Environment {
    return { ...this.env };
  }

  /** Simulated epoch ms the state describes. */
  get simTime(): number {
    return this.physics.time;
  }

  setFirmwareVersion(version: string): void {
    this.identityFields.FirmwareVersion = version;
  }

  /**
   * A write as the device judges it: exact keyword name from WRITABLE_KEYWORDS (the
   * firmware is case-sensitive), an integer in the table's range. Applies at once.
   */
  write(keyword: string, raw: string, source: WriteSource): boolean {
    this.advance();
    const k = WRITABLE_BY_NAME.get(keyword);
    const text = raw.trim();
    const integer = /^-?\d+$/.test(text) ? Number(text) : undefined;
    const checked = k !== undefined && integer !== undefined ? coerceValue(k, integer) : undefined;
    const accepted = typeof checked === 'number';
    pushCapped(this.writes, { keyword, value: integer ?? raw, accepted, source, simTime: this.physics.time });
    if (accepted && k) {
      this.physics = applySetting(this.physics, k.name, checked, this.env);
      this.notify();
    }
    return accepted;
  }

  /** Logs a write the transport refused before the device judged it (rejectWrites fault). */
  recordRejectedWrite(keyword: string, raw: string, source: WriteSource): void {
    const text = raw.trim();
    pushCapped(this.writes, { keyword, value: /^-?\d+$/.test(text) ? Number(text) : raw, accepted: false, source, simTime: this.physics.time });
  }

  plugIn(): void {
    this.advance();
    this.physics = plugIn(this.physics, this.env);
    this.notify();
  }

  unplug(): void {
    this.advance();
    this.physics = unplug(this.physics, this.env);
    this.notify();
  }

  set(input: SimSetInput): void {
    this.advance();
    let p = this.physics;
    if (input.environment) this.env = { ...this.env, ...input.environment };
    const topLevel = Object.entries(input).filter(([name]) => WRITABLE_BY_NAME.has(name));
    for (const [name, value] of [...topLevel, ...Object.entries(input.settings ?? {})]) {
      if (typeof value === 'number') p = applySetting(p, name, value, this.env);
    }
    if (input.carCapacityKWh !== undefined || input.carSocPercent !== undefined) {
      const capacityKWh = input.carCapacityKWh ?? p.car.capacityKWh;
      const soc = input.carSocPercent ?? (p.car.energyKWh / p.car.capacityKWh) * 100;
      p = { ...p, car: { ...p.car, capacityKWh, energyKWh: (capacityKWh * soc) / 100 } };
    }
    // A car's response, bounded to what real cars do (a few seconds up to ten minutes).
    const seconds = (v: number) => Math.min(600, Math.max(0, v));
    if (input.carStartDelayS !== undefined) p = { ...p, car: { ...p.car, startDelayS: seconds(input.carStartDelayS) } };
    if (input.carRampS !== undefined) p = { ...p, car: { ...p.car, rampS: seconds(input.carRampS) } };
    if (input.carConnected === true) p = plugIn(p, this.env);
    if (input.carConnected === false) p = unplug(p, this.env);
    if (input.failure !== undefined) p = { ...p, session: { ...p.session, failure: toFailure(input.failure) } };
    if (input.ChargeEnergy !== undefined) p = { ...p, session: { ...p.session, energyKWh: input.ChargeEnergy } };
    if (input.ChargeTime !== undefined) p = { ...p, session: { ...p.session, seconds: input.ChargeTime } };
    for (const key of ['ID', 'SSID', 'IP'] as const) {
      const v = input[key];
      if (v !== undefined) this.identityFields[key] = v;
    }
    for (const key of ['SignalStatus', 'SlaveError'] as const) {
      const v = input[key];
      if (v !== undefined) this.identityFields[key] = v;
    }
    this.physics = settle(p, this.env);
    this.notify();
  }
}

function toFailure(n: number): FailureState {
  if (n === 0 || n === 4 || n === 5 || n === 6) return n;
  throw new RangeError(`failure must be 0, 4, 5 or 6, got ${n}`);
}

const SET_NUMBER_KEYS = ['failure', 'ChargeEnergy', 'ChargeTime', 'SignalStatus', 'SlaveError', 'carSocPercent', 'carCapacityKWh', 'carStartDelayS', 'carRampS'] as const;
const SET_STRING_KEYS = ['ID', 'SSID', 'IP'] as const;
const ENVIRONMENT_KEYS = ['seed', 'pvPeakW', 'sunriseHour', 'sunsetHour', 'cloudiness', 'houseBaseW', 'houseVariationW'] as const;

/**
 * Checks JSON from the control API. Keywords may also sit at the top level
 * (`{"Intensity": 20}`) for convenience. Throws a RangeError naming every problem.
 */
export function parseSetInput(json: unknown): SimSetInput {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new RangeError('expected a JSON object');
  const problems: string[] = [];
  const out: SimSetInput = {};
  const settings: Record<string, number> = {};
  const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
    if (WRITABLE_BY_NAME.has(key)) {
      if (isNum(value)) settings[key] = value;
      else problems.push(`${key} must be a number`);
    } else if (key === 'settings' && typeof value === 'object' && value !== null) {
      for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
        if (!WRITABLE_BY_NAME.has(name)) problems.push(`settings.${name} is not a writable keyword`);
        else if (!isNum(v)) problems.push(`settings.${name} must be a number`);
        else settings[name] = v;
      }
    } else if ((SET_NUMBER_KEYS as readonly string[]).includes(key)) {
      if (isNum(value)) out[key as (typeof SET_NUMBER_KEYS)[number]] = value;
      else problems.push(`${key} must be a number`);
    } else if ((SET_STRING_KEYS as readonly string[]).includes(key)) {
      if (typeof value === 'string') out[key as (typeof SET_STRING_KEYS)[number]] = value;
      else problems.push(`${key} must be a string`);
    } else if (key === 'carConnected') {
      if (typeof value === 'boolean') out.carConnected = value;
      else problems.push('carConnected must be true or false');
    } else if (key === 'environment' && typeof value === 'object' && value !== null) {
      const env: Partial<Environment> = {};
      for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
        if (!(ENVIRONMENT_KEYS as readonly string[]).includes(name)) problems.push(`environment.${name} is unknown`);
        else if (!isNum(v)) problems.push(`environment.${name} must be a number`);
        else env[name as (typeof ENVIRONMENT_KEYS)[number]] = v;
      }
      out.environment = env;
    } else {
      problems.push(`${key} cannot be set`);
    }
  }
  if (out.failure !== undefined && ![0, 4, 5, 6].includes(out.failure)) problems.push('failure must be 0, 4, 5 or 6');
  if (problems.length) throw new RangeError(problems.join('; '));
  if (Object.keys(settings).length) out.settings = settings;
  return out;
}
