// A V2C cloud account: one API key, one daily quota, one or more chargers, served by one
// cloud server on 127.0.0.1. Each charger's DeviceState is the one its LAN server uses (if it
// has one: a 4G charger is cloud only), so the cloud and the LAN always agree.

import { SimClock } from './clock';
import { createCloudControlHandler } from './cloud-control';
import type { CloudDevice, SwipeOutcome } from './cloud-device';
import {
  CLOUD_BASE_PATH,
  CLOUD_DEFAULTS,
  CloudGateway,
  type CloudFaults,
  type CloudFaultsInput,
  type CloudRequestRecord,
} from './cloud-gateway';
import { CloudQuota, type QuotaSnapshot } from './cloud-quota';
import { CloudServer } from './cloud-server';

export const DEFAULT_API_KEY = 'sim-api-key';
export const DEFAULT_QUOTA = 1000;

/** Anything carrying a CloudDevice: a TrydanSimulator. */
export interface CloudMember {
  readonly cloud: CloudDevice;
}

export interface SimAccountOptions {
  /** The key clients send in the `apikey` header; default 'sim-api-key' (a simulator fake). */
  apiKey?: string;
  /** Calls per day for the whole account; default 1000. */
  quota?: number;
  /** TCP port on 127.0.0.1; default 0 (a free port). */
  port?: number;
  /** Real ms before each answer; default 5. */
  latencyMs?: number;
  /** Clock of the quota's day; default the first device's clock, else real time. */
  clock?: SimClock;
  devices?: readonly (CloudMember | CloudDevice)[];
  /** Initial faults and reply forms (default: none, headers full, reported alternating). */
  faults?: CloudFaultsInput;
}

export interface SimAccountSnapshot {
  url: string | undefined;
  simTime: number;
  quota: QuotaSnapshot;
  faults: CloudFaults;
  requestCount: number;
  devices: ReturnType<CloudDevice['snapshot']>[];
}

export class SimAccount {
  readonly apiKey: string;
  readonly clock: SimClock;
  private readonly members: CloudDevice[] = [];
  private readonly quotaCounter: CloudQuota;
  private readonly gateway: CloudGateway;
  private readonly server: CloudServer;
  private cloudUrl: string | undefined;
  private started = false;

  constructor(options: SimAccountOptions = {}) {
    this.apiKey = options.apiKey ?? DEFAULT_API_KEY;
    if (this.apiKey === '') throw new RangeError('apiKey must not be empty');
    const first = options.devices?.[0];
    this.clock = options.clock ?? (first ? toCloudDevice(first).device.clock : new SimClock({ startTime: Date.now(), timeScale: 1 }));
    this.quotaCounter = new CloudQuota(this.clock, options.quota ?? DEFAULT_QUOTA);
    this.gateway = new CloudGateway({
      apiKey: this.apiKey,
      quota: this.quotaCounter,
      clock: this.clock,
      devices: () => this.members,
      faults: { ...CLOUD_DEFAULTS, ...options.faults },
    });
    this.server = new CloudServer({
      handle: (req) => this.gateway.handle(req),
      control: createCloudControlHandler(this),
      port: options.port ?? 0,
      latencyMs: options.latencyMs ?? 5,
    });
    for (const d of options.devices ?? []) this.addDevice(d);
  }

  /** Pairs a charger with the account. Device IDs must be unique within it. */
  addDevice(member: CloudMember | CloudDevice): void {
    const cloud = toCloudDevice(member);
    if (cloud.account && cloud.account !== this) throw new Error(`device ${cloud.deviceId} belongs to another account`);
    if (this.members.includes(cloud)) return;
    if (this.members.some((d) => d.deviceId === cloud.deviceId)) throw new Error(`device ${cloud.deviceId} is already in this account`);
    cloud.account = this;
    this.members.push(cloud);
  }

  get devices(): readonly CloudDevice[] {
    return [...this.members];
  }

  device(deviceId: string): CloudDevice | undefined {
    return this.members.find((d) => d.deviceId === deviceId);
  }

  /** Starts the cloud server; cloudUrl ends in /kong/v2c_service, as the real base does. */
  async start(): Promise<{ cloudUrl: string; apiKey: string }> {
    if (this.started) throw new Error('cloud account already started');
    this.started = true;
    const { host, port } = await this.server.listen();
    this.cloudUrl = `http://${host}:${port}${CLOUD_BASE_PATH}`;
    return { cloudUrl: this.cloudUrl, apiKey: this.apiKey };
  }

  /** Closes the server, every socket and every pending answer. Safe to call twice. */
  async stop(): Promise<void> {
    await this.server.close();
  }

  /** The base URL clients use, once started. */
  get url(): string | undefined {
    return this.cloudUrl;
  }

  get latencyMs(): number {
    return this.server.latencyMs;
  }

  set latencyMs(ms: number) {
    this.server.latencyMs = Math.max(0, ms);
  }

  // --- quota -----------------------------------------------------------------------------

  get quota(): QuotaSnapshot {
    return this.quotaCounter.snapshot();
  }

  get quotaUsed(): number {
    return this.quotaCounter.used;
  }

  get quotaRemaining(): number {
    return this.quotaCounter.remaining;
  }

  /** Changes the daily limit and/or the calls used today. */
  setQuota(input: { limit?: number; used?: number }): QuotaSnapshot {
    if (input.limit !== undefined) this.quotaCounter.setLimit(input.limit);
    if (input.used !== undefined) this.quotaCounter.setUsed(input.used);
    return this.quota;
  }

  /** Today's calls back to zero, as if the day had just started. */
  resetQuota(): QuotaSnapshot {
    this.quotaCounter.reset();
    return this.quota;
  }

  // --- faults ----------------------------------------------------------------------------

  get faults(): CloudFaults {
    return { ...this.gateway.faults };
  }

  setFault(input: CloudFaultsInput): CloudFaults {
    this.gateway.faults = { ...this.gateway.faults, ...input };
    return this.faults;
  }

  clearFaults(): CloudFaults {
    this.gateway.faults = { ...CLOUD_DEFAULTS };
    return this.faults;
  }

  // --- devices ---------------------------------------------------------------------------

  /** A card held to a charger's reader (learning mode names it). */
  swipeCard(deviceId: string, code: string): SwipeOutcome {
    return this.need(deviceId).swipe(code);
  }

  /** Takes a charger off the cloud (connected → false, commands → 502) or back. */
  setConnected(deviceId: string, connected: boolean): void {
    this.need(deviceId).connected = connected;
  }

  // --- log -------------------------------------------------------------------------------

  /** Cloud requests, appended when answered. */
  get requests(): readonly CloudRequestRecord[] {
    return this.gateway.requests;
  }

  clearLog(): void {
    this.gateway.clearLog();
  }

  snapshot(): SimAccountSnapshot {
    return {
      url: this.cloudUrl,
      simTime: this.clock.simNow(),
      quota: this.quota,
      faults: this.faults,
      requestCount: this.requests.length,
      devices: this.members.map((d) => d.snapshot()),
    };
  }

  private need(deviceId: string): CloudDevice {
    const d = this.device(deviceId);
    if (!d) throw new RangeError(`no device ${deviceId} in this account; devices: ${this.members.map((m) => m.deviceId).join(', ')}`);
    return d;
  }
}

function toCloudDevice(member: CloudMember | CloudDevice): CloudDevice {
  return 'cloud' in member ? member.cloud : member;
}
