// One charger as the cloud sees it: the shared DeviceState (so a cloud pause is a LAN
// pause) plus what only the cloud reaches: OCPP, installation settings, timers, RFID
// cards, power profiles, charge limits, session statistics and the charger's cloud link.

import type { SimAccount } from './cloud-account';
import { PowerProfiles } from './cloud-profiles';
import { RfidCards, type RfidCard, type SwipeResult } from './cloud-rfid';
import type { DeviceSample, DeviceState } from './device-state';
import { SessionHistory } from './session-history';

export interface CloudSettings {
  /** inst_type: 0 single-phase, 1 three-phase, 2 photovoltaic. */
  instType: number;
  slaveType: number;
  /** 0 English, 1 Spanish, 2 Portuguese, ... 6. */
  language: number;
  ocpp: number;
  ocppId: string;
  ocppAddr: string;
  inverterIp: string;
  denkaMaxPower: number;
  /** chargefvmode as last sent: 0 PV + minimum, 1 exclusive PV, 2 maximum power. */
  chargeFvMode: number;
  /** thirdparty_mode: value per mode. */
  thirdParty: Record<string, number>;
}

/** A schedule slot; both body forms (2025 spec and older) are stored this way. */
export interface ChargeTimer {
  start: string;
  end: string;
  active: boolean;
  /** Days 1–7 (Mon–Sun) as digits, e.g. "12345". */
  days: string;
}

export interface ChargeLimits {
  /** Stop (pause) after this much energy from the moment the limit was set. */
  energy?: { kWh: number; fromCarKWh: number };
  /** Stop (pause) this many simulated minutes after the limit was set. */
  time?: { minutes: number; from: number };
}

export interface SwipeOutcome {
  result: SwipeResult;
  card?: RfidCard;
}

export interface CloudDeviceSnapshot {
  deviceId: string;
  tag: string;
  connected: boolean;
  settings: CloudSettings;
  timers: Record<string, ChargeTimer>;
  limits: ChargeLimits;
  rfid: { readerOn: boolean; learning: string | undefined; cards: RfidCard[] };
  profileCount: number;
  sessionCount: number;
  reboots: number;
  updateRequests: number;
}

export interface CloudDeviceOptions {
  device: DeviceState;
  /** Seeds the invented session history. */
  seed: number;
  /** The user's name for the charger (pairings' `tag`); default "Trydan <deviceId>". */
  tag?: string;
  /** Past sessions to invent; default 12. */
  seededSessions?: number;
  /** Called on POST /device/update, e.g. to move the simulator to the newest firmware. */
  onFirmwareUpdate?: () => void;
}

export const DEFAULT_CLOUD_SETTINGS: Readonly<CloudSettings> = {
  instType: 0,
  slaveType: 0,
  language: 0,
  ocpp: 0,
  ocppId: '',
  ocppAddr: '',
  inverterIp: '',
  denkaMaxPower: 0,
  chargeFvMode: 0,
  thirdParty: {},
};

export class CloudDevice {
  readonly device: DeviceState;
  readonly rfid = new RfidCards();
  readonly profiles = new PowerProfiles();
  readonly history: SessionHistory;
  readonly timers = new Map<number, ChargeTimer>();
  settings: CloudSettings = { ...DEFAULT_CLOUD_SETTINGS, thirdParty: {} };
  tag: string;
  /** The charger's link to the cloud; false: `connected` says so and commands fail. */
  connected = true;
  /** Set by SimAccount.addDevice. */
  account: SimAccount | undefined;
  reboots = 0;
  updateRequests = 0;
  private limitsSet: ChargeLimits = {};
  private readonly calls = new Map<string, number>();
  private readonly onFirmwareUpdate: (() => void) | undefined;

  constructor(options: CloudDeviceOptions) {
    this.device = options.device;
    this.tag = options.tag ?? `Trydan ${options.device.identity.ID}`;
    this.onFirmwareUpdate = options.onFirmwareUpdate;
    this.history = new SessionHistory({
      deviceId: options.device.identity.ID,
      seed: options.seed,
      now: options.device.simTime,
      ...(options.seededSessions !== undefined ? { seededCount: options.seededSessions } : {}),
    });
    // A car plugged in at start opens the first live session.
    const car = options.device.car();
    this.history.observe({ time: options.device.simTime, carConnected: car.connected, carEnergyKWh: car.energyKWh });
    this.device.observe((sample) => this.onSample(sample));
  }

  get deviceId(): string {
    return this.device.identity.ID;
  }

  get limits(): ChargeLimits {
    return { ...this.limitsSet };
  }

  /** Counts calls per endpoint, 1 for the first: endpoints that alternate their form use it. */
  nextCall(endpoint: string): number {
    const n = (this.calls.get(endpoint) ?? 0) + 1;
    this.calls.set(endpoint, n);
    return n;
  }

  /** charger_until_energy / startchargekw; 0 removes the limit. */
  limitEnergy(kWh: number): void {
    if (kWh > 0) this.limitsSet.energy = { kWh, fromCarKWh: this.device.car().energyKWh };
    else delete this.limitsSet.energy;
  }

  /** charger_until_minutes / startchargeminutes; 0 removes the limit. */
  limitMinutes(minutes: number): void {
    this.device.advance();
    if (minutes > 0) this.limitsSet.time = { minutes, from: this.device.simTime };
    else delete this.limitsSet.time;
  }

  /** A card held to the charger's reader. */
  swipe(code: string): SwipeOutcome {
    this.device.advance();
    const outcome = this.rfid.swipe(code, this.device.simTime);
    if (outcome.card && outcome.result !== 'unknown') this.history.attachCard(outcome.card.code, outcome.card.tag);
    return outcome;
  }

  reboot(): void {
    this.reboots++;
  }

  requestUpdate(): void {
    this.updateRequests++;
    this.onFirmwareUpdate?.();
  }

  snapshot(): CloudDeviceSnapshot {
    return {
      deviceId: this.deviceId,
      tag: this.tag,
      connected: this.connected,
      settings: { ...this.settings, thirdParty: { ...this.settings.thirdParty } },
      timers: Object.fromEntries([...this.timers].map(([id, t]) => [String(id), { ...t }])),
      limits: this.limits,
      rfid: { readerOn: this.rfid.readerOn, learning: this.rfid.learning, cards: this.rfid.list() },
      profileCount: this.profiles.list().length,
      sessionCount: this.history.all().length,
      reboots: this.reboots,
      updateRequests: this.updateRequests,
    };
  }

  /**
   * Records sessions and enforces charge limits. Limits are checked whenever the device
   * state moves (any LAN or cloud request, any control call), so the pause lands at the
   * first look after the limit is reached, as a poll would see it.
   */
  private onSample(sample: DeviceSample): void {
    this.history.observe(sample);
    if (!sample.carConnected) {
      this.limitsSet = {};
      return;
    }
    const { energy, time } = this.limitsSet;
    const energyReached = energy !== undefined && sample.carEnergyKWh - energy.fromCarKWh >= energy.kWh - 1e-9;
    const timeReached = time !== undefined && sample.time - time.from >= time.minutes * 60_000;
    if (energyReached || timeReached) {
      this.limitsSet = {};
      this.device.write('Paused', '1', 'cloud');
    }
  }
}
