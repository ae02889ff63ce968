// The physical model behind the simulator: sun, house, car and the charger's own current
// control. Everything here is pure: functions of the state, the environment and simulated
// time, so a given seed always yields the same day and tests need no real waiting.

export interface Environment {
  /** Drives house load and clouds; the same seed gives the same day. */
  seed: number;
  /** PV output at solar noon under a clear sky, W. */
  pvPeakW: number;
  /** Local hours (fractional) where PV output starts and ends. */
  sunriseHour: number;
  sunsetHour: number;
  /** 0 = clear sky; 1 = clouds may take all of the PV output away at times. */
  cloudiness: number;
  /** Always-on house consumption, W. */
  houseBaseW: number;
  /** Amplitude of slow house-load variation, W. */
  houseVariationW: number;
}

export const DEFAULT_ENVIRONMENT: Readonly<Environment> = {
  seed: 1,
  pvPeakW: 6000,
  sunriseHour: 7,
  sunsetHour: 20,
  cloudiness: 0.2,
  houseBaseW: 300,
  houseVariationW: 400,
};

export type SettingName =
  | 'Intensity'
  | 'Paused'
  | 'Locked'
  | 'Timer'
  | 'Dynamic'
  | 'MinIntensity'
  | 'MaxIntensity'
  | 'PauseDynamic'
  | 'DynamicPowerMode'
  | 'ContractedPower'
  | 'ChargeMode'
  | 'VoltageInstallation'
  | 'LightLED'
  | 'LogoLED';

/** The writable keywords' values. Unknown names are kept (the keyword table may grow). */
export interface ChargerSettings extends Record<SettingName, number> {
  [keyword: string]: number;
}

// PauseDynamic=1 by default so Intensity applies as written: predictable for tests, and
// the surplus controller is the one in charge in the demo.
export const DEFAULT_SETTINGS: Readonly<ChargerSettings> = {
  Intensity: 16,
  Paused: 0,
  Locked: 0,
  Timer: 0,
  Dynamic: 1,
  MinIntensity: 6,
  MaxIntensity: 32,
  PauseDynamic: 1,
  DynamicPowerMode: 2,
  ContractedPower: 4600,
  ChargeMode: 0,
  VoltageInstallation: 230,
  LightLED: 100,
  LogoLED: 1,
};

export interface CarState {
  connected: boolean;
  capacityKWh: number;
  /** Energy in the battery; SoC = energyKWh / capacityKWh. */
  energyKWh: number;
  /** Seconds after a resume before the car draws anything (many cars take 15–30 s); default 0. */
  startDelayS?: number;
  /** Seconds the car then takes to ramp up to the current allowed; default 0. */
  rampS?: number;
}

/** LAN ChargeState codes for device failures (docs/charger-protocol.md, LAN). */
export type FailureState = 0 | 4 | 5 | 6;

export interface SessionState {
  /** ChargeEnergy, kWh; reset on pause/resume, plug-in and Locked changes. */
  energyKWh: number;
  /** ChargeTime, s; resets like energyKWh. */
  seconds: number;
  /** Last settled LAN ChargeState. Kept because a pause does not change it. */
  chargeState: number;
  /** A forced failure state, 0 = none. */
  failure: FailureState;
  /** Simulated ms of the last resume (Paused or Locked back to 0, or a plug-in). */
  resumedAt?: number;
}

export interface PhysicsState {
  /** Simulated epoch ms the state describes. */
  time: number;
  settings: ChargerSettings;
  car: CarState;
  session: SessionState;
}

export interface SiteReadings {
  pvW: number;
  houseW: number;
  carW: number;
  /** Import positive: house + car − PV. */
  gridW: number;
}

/** What the charger reports at the state's time (numbers only; identity lives elsewhere). */
export interface Readings {
  ChargeState: number;
  ReadyState: number;
  ChargePower: number;
  ChargeEnergy: number;
  ChargeTime: number;
  HousePower: number;
  FVPower: number;
  BatteryPower: number;
  GridPower: number;
  Intensity: number;
  IntensityMeasure_L1: number;
  IntensityMeasure_L2: number;
  IntensityMeasure_L3: number;
  VoltageMeasure_L1: number;
  VoltageMeasure_L2: number;
  VoltageMeasure_L3: number;
  /** The truth, also while the charger stops reporting meter readings (Dynamic=0). */
  site: SiteReadings;
}

// ---------------------------------------------------------------------------------------
// Deterministic noise: a function of (seed, time) rather than of the stepping history, so
// the same instant reads the same whether reached in one big step or many small ones.

function hash01(seed: number, n: number): number {
  let x = (Math.imul(n | 0, 0x9e3779b1) ^ Math.imul((seed | 0) + 0x632be5ab, 0x85ebca6b)) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return (x >>> 0) / 4294967296;
}

/** Smooth noise in [0, 1) changing over `periodMs`. */
function valueNoise(seed: number, time: number, periodMs: number): number {
  const pos = time / periodMs;
  const i = Math.floor(pos);
  const f = pos - i;
  const w = (1 - Math.cos(Math.PI * f)) / 2;
  return hash01(seed, i) * (1 - w) + hash01(seed, i + 1) * w;
}

function localHour(time: number): number {
  const d = new Date(time);
  return d.getHours() + d.getMinutes() / 60 + d.getSeconds() / 3600 + d.getMilliseconds() / 3_600_000;
}

const MINUTE = 60_000;

/** PV output: a sine arc between sunrise and sunset, dimmed by passing clouds. */
export function pvPowerW(time: number, env: Environment): number {
  const h = localHour(time);
  if (h <= env.sunriseHour || h >= env.sunsetHour) return 0;
  const x = (h - env.sunriseHour) / (env.sunsetHour - env.sunriseHour);
  const clouds = 1 - Math.min(1, Math.max(0, env.cloudiness)) * valueNoise(env.seed + 7, time, 5 * MINUTE);
  return Math.round(env.pvPeakW * Math.sin(Math.PI * x) * clouds);
}

/** House load: base, slow variation, an evening bump and occasional 2 kW appliances. */
export function houseLoadW(time: number, env: Environment): number {
  const h = localHour(time);
  const evening = h >= 18 && h < 22 ? 400 * Math.sin((Math.PI * (h - 18)) / 4) : 0;
  const slot = Math.floor(time / (20 * MINUTE));
  const applianceRuns = hash01(env.seed + 1, slot) < 0.12;
  const applianceMinutes = 5 + 15 * hash01(env.seed + 2, slot);
  const intoSlot = (time - slot * 20 * MINUTE) / MINUTE;
  const appliance = applianceRuns && intoSlot < applianceMinutes ? 2000 : 0;
  return Math.round(env.houseBaseW + env.houseVariationW * valueNoise(env.seed, time, 10 * MINUTE) + evening + appliance);
}

// ---------------------------------------------------------------------------------------

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

function carFull(car: CarState): boolean {
  return car.energyKWh >= car.capacityKWh - 1e-9;
}

/** Whether the charger modulates Intensity itself (Dynamic=1 and PauseDynamic=0). */
export function dynamicActive(settings: ChargerSettings): boolean {
  return settings.Dynamic === 1 && settings.PauseDynamic === 0;
}

interface Drive {
  /** Current per phase the charger allows, A; 0 = it does not charge. */
  amps: number;
  phases: number;
}

/**
 * The current the charger would let the car draw, before Paused is applied.
 * With dynamic control on it follows DynamicPowerMode (newest meanings, docs/charger-protocol.md).
 */
function drive(state: PhysicsState, pvW: number, houseW: number): Drive {
  const s = state.settings;
  const fixedPhases = s.ChargeMode === 0 ? 1 : 3;
  if (state.session.failure !== 0 || !state.car.connected || s.Locked === 1 || carFull(state.car)) {
    return { amps: 0, phases: fixedPhases };
  }
  if (!dynamicActive(s)) return { amps: s.Intensity, phases: fixedPhases };

  const volts = s.VoltageInstallation;
  const surplusW = pvW - houseW;
  // Mixed (ChargeMode 2) switches to three phases only when the surplus carries MinIntensity on all three.
  const phases = s.ChargeMode === 0 ? 1 : s.ChargeMode === 1 ? 3 : surplusW >= s.MinIntensity * volts * 3 ? 3 : 1;
  const surplusA = Math.floor(surplusW / (volts * phases));
  switch (s.DynamicPowerMode) {
    case 2: // PV + minimum power
      return { amps: clamp(surplusA, s.MinIntensity, s.MaxIntensity), phases };
    case 3: // exclusive PV: stops below MinIntensity
      return { amps: surplusA < s.MinIntensity ? 0 : Math.min(surplusA, s.MaxIntensity), phases };
    case 4: {
      // PV + grid, up to the contracted power (-1 = unknown: no limit)
      const budgetW = s.ContractedPower > 0 ? s.ContractedPower + pvW - houseW : Infinity;
      return { amps: clamp(Math.floor(budgetW / (volts * phases)), s.MinIntensity, s.MaxIntensity), phases };
    }
    case 5: // stop
      return { amps: 0, phases };
    default: // 0 timed power on (schedules are not simulated), 1 obsolete, unknown
      return { amps: s.MaxIntensity, phases };
  }
}

function chargePowerW(state: PhysicsState, d: Drive): number {
  if (state.settings.Paused === 1 || d.amps <= 0) return 0;
  const full = d.amps * state.settings.VoltageInstallation * d.phases;
  // A car that takes its time after a resume: nothing for startDelayS, then a ramp.
  const { startDelayS = 0, rampS = 0 } = state.car;
  const since = (state.time - (state.session.resumedAt ?? -Infinity)) / 1000 - startDelayS;
  if (since < 0) return 0;
  return rampS > 0 && since < rampS ? Math.round((full * since) / rampS) : full;
}

/**
 * Brings derived state up to date at the state's time without advancing it: the
 * charger's own Intensity under dynamic control, and ChargeState, which STAYS 2 after
 * Paused=1 (the real firmware's quirk: "charging" means ChargeState 2 and Paused 0).
 */
export function settle(state: PhysicsState, env: Environment): PhysicsState {
  const pv = pvPowerW(state.time, env);
  const house = houseLoadW(state.time, env);
  const d = drive(state, pv, house);
  const s = state.settings;
  const settings = dynamicActive(s) && d.amps > 0 && d.amps !== s.Intensity ? { ...s, Intensity: d.amps } : s;
  const prev = state.session.chargeState;
  let chargeState: number;
  if (state.session.failure !== 0) chargeState = state.session.failure;
  else if (!state.car.connected) chargeState = 0;
  else if (s.Locked === 1) chargeState = 1;
  else if (s.Paused === 1) chargeState = prev === 2 ? 2 : 1;
  else chargeState = chargePowerW(state, d) > 0 ? 2 : 1;
  if (settings === s && chargeState === prev) return state;
  return { ...state, settings, session: { ...state.session, chargeState } };
}

/** Instantaneous readings at the state's time. Call on a settled state. */
export function readings(state: PhysicsState, env: Environment): Readings {
  const pvW = pvPowerW(state.time, env);
  const houseW = houseLoadW(state.time, env);
  const d = drive(state, pvW, houseW);
  const carW = chargePowerW(state, d);
  const gridW = houseW + carW - pvW;
  const s = state.settings;
  // Dynamic=0 makes the real charger stop reporting its meter's readings (docs/charger-protocol.md, LAN).
  const meter = s.Dynamic === 1;
  const amps = carW > 0 ? d.amps : 0;
  const threePhase = s.ChargeMode !== 0;
  const volts = s.VoltageInstallation;
  return {
    ChargeState: state.session.chargeState,
    // Meaning unverified; real captures show 1 when connected and idle, 0 while charging.
    ReadyState: state.session.chargeState === 1 ? 1 : 0,
    ChargePower: carW,
    ChargeEnergy: Math.round(state.session.energyKWh * 100) / 100,
    ChargeTime: Math.floor(state.session.seconds),
    HousePower: meter ? houseW : 0,
    FVPower: meter ? pvW : 0,
    BatteryPower: 0,
    GridPower: meter ? gridW : 0,
    Intensity: s.Intensity,
    IntensityMeasure_L1: amps,
    IntensityMeasure_L2: d.phases === 3 ? amps : 0,
    IntensityMeasure_L3: d.phases === 3 ? amps : 0,
    VoltageMeasure_L1: volts,
    VoltageMeasure_L2: threePhase ? volts : 0,
    VoltageMeasure_L3: threePhase ? volts : 0,
    site: { pvW, houseW, carW, gridW },
  };
}

// Integration step: small enough to follow clouds and the car filling up, bounded in
// count so a long jump (high timeScale, idle hours) stays cheap.
const MAX_SUBSTEP_MS = 10_000;
const MAX_SUBSTEPS = 20_000;

/** Advances the model by `simMs` of simulated time. Pure: returns a new state. */
export function step(state: PhysicsState, simMs: number, env: Environment): PhysicsState {
  let s = settle(state, env);
  if (!(simMs > 0)) return s;
  const substep = Math.max(MAX_SUBSTEP_MS, simMs / MAX_SUBSTEPS);
  let remaining = simMs;
  while (remaining > 0) {
    const dt = Math.min(substep, remaining);
    const powerW = readings(s, env).ChargePower;
    let { car, session } = s;
    if (powerW > 0) {
      const kWh = Math.min((powerW * dt) / 3_600_000_000, car.capacityKWh - car.energyKWh);
      car = { ...car, energyKWh: car.energyKWh + kWh };
      session = { ...session, energyKWh: session.energyKWh + kWh, seconds: session.seconds + dt / 1000 };
    }
    s = settle({ ...s, time: s.time + dt, car, session }, env);
    remaining -= dt;
  }
  return s;
}

function newSession(session: SessionState): SessionState {
  return { ...session, energyKWh: 0, seconds: 0 };
}

/**
 * Applies one writable keyword, with the side effects real firmware has: Paused and
 * Locked changes reset the session counters (docs/charger-protocol.md: the counters reset on pause and resume;
 * Locked "starts a new session").
 */
export function applySetting(state: PhysicsState, keyword: string, value: number, env: Environment): PhysicsState {
  const previous = state.settings[keyword];
  const settings = { ...state.settings, [keyword]: value } as ChargerSettings;
  const resets = (keyword === 'Paused' || keyword === 'Locked') && previous !== value;
  const session = resets ? newSession(state.session) : state.session;
  if (resets && value === 0) session.resumedAt = state.time;
  return settle({ ...state, settings, session }, env);
}

/** Car plugged in: a new session. */
export function plugIn(state: PhysicsState, env: Environment): PhysicsState {
  if (state.car.connected) return state;
  return settle({ ...state, car: { ...state.car, connected: true }, session: { ...newSession(state.session), resumedAt: state.time } }, env);
}

/** Car unplugged: the session's counters stay readable until the next one starts. */
export function unplug(state: PhysicsState, env: Environment): PhysicsState {
  if (!state.car.connected) return state;
  return settle({ ...state, car: { ...state.car, connected: false } }, env);
}

export interface InitialStateOptions {
  time: number;
  carConnected: boolean;
  settings?: Partial<ChargerSettings>;
  carCapacityKWh?: number;
  carSocPercent?: number;
}

export function initialState(options: InitialStateOptions, env: Environment): PhysicsState {
  const capacityKWh = options.carCapacityKWh ?? 60;
  const soc = options.carSocPercent ?? 40;
  const settings = { ...DEFAULT_SETTINGS, ...options.settings } as ChargerSettings;
  return settle(
    {
      time: options.time,
      settings,
      car: { connected: options.carConnected, capacityKWh, energyKWh: (capacityKWh * soc) / 100 },
      session: { energyKWh: 0, seconds: 0, chargeState: 0, failure: 0 },
    },
    env,
  );
}
