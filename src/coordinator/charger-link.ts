// One config node's connection to its charger, apart from Node-RED: which transport (the LAN
// address, else the cloud), the coordinator it shares with every other user of the same
// address (charger-registry.ts), acquired when its first user subscribes and released when
// the last one leaves, and the cloud device ID. The config node only wires Node-RED to it.

import { findEndpoint } from '../trydan/cloud-catalogue';
import type { CloudCall, CloudClient, CloudResult } from '../trydan/cloud-client';
import type { Pairing } from '../trydan/cloud-reply';
import { Closed, InvalidInput } from '../trydan/errors';
import { hostToOrigin } from '../trydan/host';
import type { Reading } from '../trydan/telemetry';
import { acquireCharger, releaseCharger } from './charger-registry';
import { type CadenceSettings, cadenceFrom } from './cadence';
import type { CloudPace } from './budget-registry';
import type { CloudBudget } from './cloud-budget';
import { CloudCharger } from './cloud-charger';
import { Coordinator, type Listener, type WriteResult } from './coordinator';
import type { EnergyStore } from './energy-meter';
import type { ChargerStatus } from './status';

export interface LinkOptions {
  /** LAN address; '' = no LAN. */
  host: string;
  /** The cloud device ID set in the node ('' = the charger's own ID, else the only pairing). */
  deviceId: string;
  /** The node's cadence settings as typed (checked here against cadence.ts's bounds). */
  cadence: Partial<Record<keyof CadenceSettings, unknown>>;
  /** The cloud, when there is a key and a usable URL; `pace` keeps telemetry calls apart across redeploys. */
  cloud?: { client: CloudClient; budget: CloudBudget; pace?: CloudPace };
  /** Why there is no cloud although a key was given (a bad URL), to say so when it is needed. */
  cloudProblem?: string;
  /** Sees every status of the charger while the link has users (for the log). */
  watch?: (status: ChargerStatus) => void;
  /** Where the charger's session and lifetime energy is kept across restarts. */
  energy?: EnergyStore;
}

export class ChargerLink {
  readonly transport: 'lan' | 'cloud' | 'none';
  /** Why this link can do nothing (bad address, nothing configured); undefined when usable. */
  readonly problem: string | undefined;
  private readonly options: LinkOptions;
  private readonly cadence: CadenceSettings | undefined;
  private readonly subscribers = new Map<Listener, () => void>();
  private coordinator: Coordinator | undefined;
  private unwatch: (() => void) | undefined;
  private closing: Promise<void> = Promise.resolve();
  private pairedId: Promise<string> | undefined;
  /** The cloud device ID once known (set in the node or the account's only charger). */
  private knownDeviceId: string | undefined;
  private closed = false;

  constructor(options: LinkOptions) {
    this.options = options;
    this.transport = options.host ? 'lan' : options.cloud ? 'cloud' : 'none';
    let cadence: CadenceSettings | undefined;
    let cadenceProblem: string | undefined;
    try {
      cadence = cadenceFrom(options.cadence);
    } catch (err) {
      cadenceProblem = (err as Error).message;
    }
    this.cadence = cadence;
    this.problem = this.findProblem() ?? cadenceProblem;
  }

  get lastReading(): Reading | undefined {
    return this.coordinator?.lastReading;
  }

  /** Adds a user; the first one opens the charger. Returns the function that removes it. */
  subscribe(listener: Listener): () => void {
    if (this.problem) throw new InvalidInput([this.problem]);
    if (this.closed) throw new Closed();
    const coordinator = this.open();
    // Counted as a poller first, so the pace the coordinator asks for counts this charger.
    if (listener.telemetry && this.transport === 'cloud') this.options.cloud!.budget.pollers.add(this);
    this.subscribers.set(listener, coordinator.subscribe(listener));
    return () => this.unsubscribe(listener);
  }

  /** A fresh reading; `requester` (a subscribed listener) gets it only through the promise. */
  refresh(requester?: Listener): Promise<Reading> {
    return this.coordinator ? this.coordinator.refresh(requester) : Promise.reject(this.unusable());
  }

  write(values: Record<string, number>): Promise<WriteResult> {
    return this.coordinator ? this.coordinator.write(values) : Promise.reject(this.unusable());
  }

  /** Any cloud catalogue endpoint; the device ID is filled in when not given. */
  async cloudCall(endpoint: string, call: CloudCall = {}): Promise<CloudResult> {
    const cloud = this.options.cloud?.client;
    if (!cloud) throw new InvalidInput([this.options.cloudProblem ?? `${endpoint} needs the V2C cloud: set an API key in the config node`]);
    // Check the parameters before spending a call on finding the device ID.
    cloud.validate(endpoint, call.params);
    const e = findEndpoint(endpoint);
    const id = e?.device === 'none' ? undefined : call.deviceId?.trim() || (await this.deviceId(call.priority));
    return cloud.call(endpoint, { ...call, ...(id ? { deviceId: id } : {}) });
  }

  /** Leaves the charger and closes the cloud client; every caller still waiting is answered. */
  async close(): Promise<void> {
    this.closed = true;
    for (const stop of this.subscribers.values()) stop();
    this.subscribers.clear();
    this.options.cloud?.budget.pollers.delete(this);
    this.leave();
    await Promise.all([this.closing, this.options.cloud?.client.close()]);
  }

  private findProblem(): string | undefined {
    const { host, cloud, cloudProblem } = this.options;
    if (host) {
      try {
        hostToOrigin(host);
        return undefined;
      } catch (err) {
        return (err as Error).message;
      }
    }
    return cloud ? undefined : (cloudProblem ?? 'no LAN address and no cloud API key set in the V2C config node');
  }

  private unusable(): Error {
    return this.problem ? new InvalidInput([this.problem]) : new Closed();
  }

  private open(): Coordinator {
    if (this.coordinator) return this.coordinator;
    const { host, cloud, watch, energy } = this.options;
    const cadence = this.cadence!;
    this.coordinator = host
      ? acquireCharger(host, this, { cadence, ...(energy ? { energy } : {}) })
      : new Coordinator({
          lan: new CloudCharger({
            call: (name, call) => this.cloudCall(name, call),
            pollInterval: () => cloud!.budget.pollInterval(),
            ...(cloud!.pace ? { pace: cloud!.pace } : {}),
          }),
          cadence,
          // Cloud readings carry no ID; kept apart from the LAN's, so two config nodes reaching
          // one charger both ways never add the same energy twice to one counter.
          energy: { ...(energy ? { store: energy } : {}), fallbackKey: () => (this.knownDeviceId ? `cloud-${this.knownDeviceId}` : undefined) },
        });
    if (watch) this.unwatch = this.coordinator.subscribe({ status: watch });
    return this.coordinator;
  }

  private unsubscribe(listener: Listener): void {
    const stop = this.subscribers.get(listener);
    if (!stop) return;
    stop();
    this.subscribers.delete(listener);
    if (![...this.subscribers.keys()].some((l) => l.telemetry)) this.options.cloud?.budget.pollers.delete(this);
    // The last user leaving releases the charger; the next one acquires it again.
    if (this.subscribers.size === 0) this.leave();
  }

  private leave(): void {
    const coordinator = this.coordinator;
    if (!coordinator) return;
    this.coordinator = undefined;
    this.unwatch?.();
    this.unwatch = undefined;
    this.track(this.options.host ? releaseCharger(this.options.host, this) : coordinator.close());
  }

  /** A release still running: close() waits for it. */
  private track(closing: Promise<void>): void {
    this.closing = Promise.all([this.closing, closing]).then(() => undefined);
  }

  /** The charger's own ID over the LAN (a reading already seen, else one asked for now). */
  private async lanId(): Promise<string> {
    const { host } = this.options;
    if (!host || this.problem) return '';
    const known = this.coordinator?.lastReading?.ID;
    if (typeof known === 'string' && known) return known;
    // No reading yet: ask the charger itself (through its shared queue) before the cloud (pairings can be 403).
    const borrower = {};
    const borrowed = !this.coordinator;
    const coordinator = this.coordinator ?? acquireCharger(host, borrower);
    try {
      const reading = await coordinator.refresh().catch(() => undefined);
      return typeof reading?.ID === 'string' ? reading.ID : '';
    } finally {
      // Released even when a node subscribed meanwhile and got the same coordinator: the node
      // holds it on its own, and the borrow must not keep it open after the link closes.
      if (borrowed) this.track(releaseCharger(host, borrower));
    }
  }

  /** The device ID for the cloud: set in the node, else the charger's own, else the account's only charger. */
  private async deviceId(priority: CloudCall['priority']): Promise<string> {
    const own = this.options.deviceId.trim() || (await this.lanId());
    if (own) return (this.knownDeviceId = own);
    const cloud = this.options.cloud!.client;
    this.pairedId ??= cloud.call('pairings/me', { priority }).then((r) => {
      const pairings = r.payload as Pairing[];
      if (pairings.length === 1) return (this.knownDeviceId = pairings[0]!.deviceId);
      throw new InvalidInput([
        pairings.length === 0 ? 'the V2C account has no charger paired' : `the V2C account has ${pairings.length} chargers: set the device ID in the config node`,
      ]);
    });
    return this.pairedId.catch((err: unknown) => {
      this.pairedId = undefined;
      throw err;
    });
  }
}
