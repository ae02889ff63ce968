// The Trydan simulator: a DeviceState (physics + identity), a firmware profile, the LAN
// server and the charger's cloud side, on 127.0.0.1. Tests, the CLI and the demo drive it.
// With `cloud` it serves its own cloud account; several simulators can share one SimAccount.

import { defaultStartTime, SimClock } from './clock';
import { SimAccount } from './cloud-account';
import { CloudDevice, type CloudDeviceSnapshot, type SwipeOutcome } from './cloud-device';
import type { CloudFaultsInput } from './cloud-gateway';
import { createControlHandler } from './control-api';
import { DeviceState, type CarInfo, type SimSetInput, type WriteRecord } from './device-state';
import { LanServer, mergeFaults, NO_FAULTS, type LanFaults, type LanFaultsInput, type RequestRecord } from './lan-server';
import { DEFAULT_ENVIRONMENT, type Environment, type SiteReadings } from './physics';
import { getProfile, renderRealTimeData, type FirmwareProfile, type ProfileName } from './profiles';
import { compareVersions, formatOf, formatValue, type KeywordValues } from './realtime-fields';
import { WRITABLE_KEYWORDS } from '../trydan/keywords';

export interface TrydanSimulatorOptions {
  /** Firmware profile; default '2.5.0'. */
  firmware?: ProfileName;
  /** Simulated ms per real ms; default 1. */
  timeScale?: number;
  /** TCP port on 127.0.0.1; default 0 (a free port). */
  port?: number;
  /** Real ms each device answer takes; default 30. */
  latencyMs?: number;
  /** Seed of house load and clouds; default 1. */
  seed?: number;
  /** Simulated epoch ms at start; default today 10:00 local time. */
  startTime?: number;
  /** The ID field (= cloud deviceId); default 'SIMTRYDAN01'. */
  deviceId?: string;
  /** Car plugged in at start; default true. */
  carConnected?: boolean;
  /** Real clock in ms, injected by tests; default Date.now. */
  now?: () => number;
  /** Keys unknown to clients, added to /RealTimeData. */
  extraKeys?: Record<string, number | string>;
  /** PV peak, cloudiness, house load (seed above wins over environment.seed). */
  environment?: Partial<Environment>;
  /** Share one simulated clock between simulators (e.g. chargers of one account); startTime, timeScale and now are then ignored. */
  clock?: SimClock;
  /** Serve the LAN API; default true. false: a 4G charger, reachable through the cloud only. */
  lan?: boolean;
  /** Serve a cloud account of its own with this charger in it, started and stopped with the simulator. */
  cloud?: boolean | SimCloudOptions;
  /** The user's name for the charger (the `tag` of /pairings/me); default "Trydan <ID>". */
  tag?: string;
  /** Past sessions invented for the cloud statistics; default 12. */
  seededSessions?: number;
}

export interface SimCloudOptions {
  /** Default 'sim-api-key'. */
  apiKey?: string;
  /** Calls per day; default 1000. */
  quota?: number;
  /** TCP port on 127.0.0.1; default 0 (a free port). */
  port?: number;
  /** Real ms before each cloud answer; default 5. */
  latencyMs?: number;
  faults?: CloudFaultsInput;
}

export interface SimStartResult {
  /** LAN host:port; empty for a charger without LAN (lan: false). */
  host: string;
  /** LAN base URL; empty for a charger without LAN. */
  url: string;
  /** With `cloud`: the base URL clients use, ending in /kong/v2c_service. */
  cloudUrl?: string;
  /** With `cloud`: the key to send in the `apikey` header (a simulator fake). */
  apiKey?: string;
}

export interface SimSnapshot {
  simTime: number;
  simTimeIso: string;
  timeScale: number;
  firmware: ProfileName;
  hasReadEndpoint: boolean;
  keywords: KeywordValues;
  car: CarInfo;
  site: SiteReadings;
  environment: Environment;
  faults: LanFaults;
  maxConcurrent: number;
  requestCount: number;
  writeCount: number;
  cloud: CloudDeviceSnapshot;
}

const WRITABLE_NAMES = new Set(WRITABLE_KEYWORDS.map((k) => k.name));
/** The firmware a cloud update installs. */
const NEWEST_FIRMWARE: ProfileName = '2.5.0';

export class TrydanSimulator {
  readonly clock: SimClock;
  /** Shared by the LAN server and the cloud. */
  readonly device: DeviceState;
  /** The charger's cloud side: settings only the cloud reaches, RFID, sessions, link. */
  readonly cloud: CloudDevice;
  private profile: FirmwareProfile;
  private readonly extraKeys: Record<string, number | string>;
  private readonly lan: LanServer;
  private readonly serveLan: boolean;
  /** The account this simulator created (cloud option) and therefore starts and stops. */
  private readonly ownAccount: SimAccount | undefined;
  private started = false;

  constructor(options: TrydanSimulatorOptions = {}) {
    const now = options.now ?? Date.now;
    this.clock = options.clock ?? new SimClock({ startTime: options.startTime ?? defaultStartTime(now()), timeScale: options.timeScale ?? 1, now });
    this.profile = getProfile(options.firmware ?? '2.5.0');
    this.extraKeys = { ...options.extraKeys };
    const environment = { ...DEFAULT_ENVIRONMENT, ...options.environment, ...(options.seed !== undefined ? { seed: options.seed } : {}) };
    this.device = new DeviceState({
      clock: this.clock,
      environment,
      identity: {
        ID: options.deviceId ?? 'SIMTRYDAN01',
        FirmwareVersion: this.profile.firmwareVersion,
        SSID: 'SimHome',
        IP: '127.0.0.1',
        SignalStatus: 3,
        SlaveError: 0,
      },
      carConnected: options.carConnected ?? true,
    });
    this.cloud = new CloudDevice({
      device: this.device,
      seed: environment.seed,
      ...(options.tag !== undefined ? { tag: options.tag } : {}),
      ...(options.seededSessions !== undefined ? { seededSessions: options.seededSessions } : {}),
      onFirmwareUpdate: () => {
        if (compareVersions(this.profile.firmwareVersion, getProfile(NEWEST_FIRMWARE).firmwareVersion) < 0) this.setFirmware(NEWEST_FIRMWARE);
      },
    });
    this.serveLan = options.lan ?? true;
    this.lan = new LanServer({
      device: {
        realTimeData: () => ({
          body: renderRealTimeData(this.profile, this.device.values(), { extraKeys: this.extraKeys }),
          contentType: this.profile.contentType,
        }),
        hasReadEndpoint: () => this.profile.hasReadEndpoint,
        read: (keyword) => this.read(keyword),
        write: (keyword, value) => this.device.write(keyword, value, 'lan'),
        rejectWrite: (keyword, value) => this.device.recordRejectedWrite(keyword, value, 'lan'),
      },
      port: options.port ?? 0,
      latencyMs: options.latencyMs ?? 30,
      control: createControlHandler(this),
    });
    if (options.cloud) {
      const c = options.cloud === true ? {} : options.cloud;
      this.ownAccount = new SimAccount({
        devices: [this],
        clock: this.clock,
        ...(c.apiKey !== undefined ? { apiKey: c.apiKey } : {}),
        ...(c.quota !== undefined ? { quota: c.quota } : {}),
        ...(c.port !== undefined ? { port: c.port } : {}),
        ...(c.latencyMs !== undefined ? { latencyMs: c.latencyMs } : {}),
        ...(c.faults !== undefined ? { faults: c.faults } : {}),
      });
    }
  }

  /** Starts serving on 127.0.0.1: the LAN API (unless lan: false) and the own cloud account (with cloud). */
  async start(): Promise<SimStartResult> {
    if (this.started) throw new Error('simulator already started');
    this.started = true;
    const result: SimStartResult = { host: '', url: '' };
    if (this.serveLan) {
      const { host, port } = await this.lan.listen();
      result.host = `${host}:${port}`;
      result.url = `http://${host}:${port}`;
    }
    if (this.ownAccount) {
      try {
        Object.assign(result, await this.ownAccount.start());
      } catch (err) {
        await this.lan.close();
        throw err;
      }
    }
    return result;
  }

  /** Closes the servers, every socket and every pending answer. Safe to call twice. A shared account is its owner's to stop. */
  async stop(): Promise<void> {
    await Promise.all([this.lan.close(), this.ownAccount?.stop()]);
  }

  /** The cloud account the charger belongs to: its own (cloud option) or one it was added to. */
  get account(): SimAccount | undefined {
    return this.cloud.account;
  }

  /** A card held to the charger's RFID reader; in learning mode it gets the learned name. */
  swipeCard(code: string): SwipeOutcome {
    return this.cloud.swipe(code);
  }

  /** Current keyword values, physics advanced to now. */
  get state(): KeywordValues {
    return this.device.values();
  }

  get car(): CarInfo {
    return this.device.car();
  }

  get site(): SiteReadings {
    return this.device.site();
  }

  get firmware(): ProfileName {
    return this.profile.name;
  }

  /** Simulates a firmware update: body quirks, FirmwareVersion and /read/ change at once. */
  setFirmware(name: ProfileName): void {
    this.profile = getProfile(name);
    this.device.setFirmwareVersion(this.profile.firmwareVersion);
  }

  get faults(): LanFaults {
    return { ...this.lan.faults };
  }

  setFault(input: LanFaultsInput): LanFaults {
    this.lan.faults = mergeFaults(this.lan.faults, input);
    return this.faults;
  }

  clearFaults(): void {
    this.lan.faults = { ...NO_FAULTS };
  }

  get latencyMs(): number {
    return this.lan.latencyMs;
  }

  set latencyMs(ms: number) {
    this.lan.latencyMs = Math.max(0, ms);
  }

  plugIn(): void {
    this.device.plugIn();
  }

  unplug(): void {
    this.device.unplug();
  }

  set(input: SimSetInput): void {
    this.device.set(input);
  }

  /** Device requests, appended when answered (or dropped). */
  get requests(): readonly RequestRecord[] {
    return this.lan.requests;
  }

  get writes(): readonly WriteRecord[] {
    return this.device.writes;
  }

  /** Highest number of device requests in flight at once since start or clearLog(). */
  get maxConcurrent(): number {
    return this.lan.maxConcurrent;
  }

  /** Device requests that overlapped another, since start: never capped, never cleared. */
  get overlaps(): number {
    return this.lan.overlaps;
  }

  /** Device requests in flight now (an endless or huge answer counts until it is over). */
  get inFlight(): number {
    return this.lan.inFlight;
  }

  clearLog(): void {
    this.lan.clearLog();
    this.device.writes.length = 0;
  }

  snapshot(): SimSnapshot {
    const keywords = this.device.values();
    return {
      simTime: this.device.simTime,
      simTimeIso: new Date(this.device.simTime).toISOString(),
      timeScale: this.clock.timeScale,
      firmware: this.profile.name,
      hasReadEndpoint: this.profile.hasReadEndpoint,
      keywords,
      car: this.device.car(),
      site: this.device.site(),
      environment: this.device.environment(),
      faults: this.faults,
      maxConcurrent: this.maxConcurrent,
      requestCount: this.requests.length,
      writeCount: this.writes.length,
      cloud: this.cloud.snapshot(),
    };
  }

  /**
   * GET /read/<Keyword>: the keys this firmware sends in /RealTimeData plus every writable
   * keyword (2.4.x reads ChargeMode it does not send). Strings come without quotes.
   */
  private read(keyword: string): string | undefined {
    const sent = this.profile.fields.some((f) => f.key === keyword);
    if (!sent && !WRITABLE_NAMES.has(keyword)) return undefined;
    if (keyword === 'FirmwareVersion') return this.profile.firmwareVersion;
    const values = this.device.values() as unknown as Record<string, number | string | undefined>;
    const value = values[keyword] ?? this.device.extraSettings()[keyword];
    if (value === undefined) return undefined;
    const format = formatOf(keyword) ?? 'int';
    return format === 'string' ? String(value) : formatValue(value, format);
  }
}
