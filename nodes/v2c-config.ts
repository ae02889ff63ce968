// v2c-config: one charger. Holds the LAN address, cadence and the cloud key; owns the
// Coordinator that every node using this charger shares (over the LAN, or over the cloud
// when there is no LAN address) and the cloud client, whose quota is shared per key.

import type { NodeAPI, NodeDef } from 'node-red';
import { acquireBudget, releaseBudget } from '../src/coordinator/budget-registry';
import { cadenceFrom } from '../src/coordinator/cadence';
import { type CloudBudget } from '../src/coordinator/cloud-budget';
import { CloudCharger } from '../src/coordinator/cloud-charger';
import { Coordinator, type Listener } from '../src/coordinator/coordinator';
import type { ChargerStatus, QuotaState } from '../src/coordinator/status';
import { DEFAULT_CLOUD_URL, findEndpoint } from '../src/trydan/cloud-catalogue';
import { type CloudCall, CloudClient, type CloudResult } from '../src/trydan/cloud-client';
import type { Pairing } from '../src/trydan/cloud-reply';
import { Closed, InvalidInput } from '../src/trydan/errors';
import { checkCloudUrl } from '../src/trydan/cloud-url';
import { hostToOrigin } from '../src/trydan/host';
import { LanClient } from '../src/trydan/lan-client';
import type { Reading } from '../src/trydan/telemetry';
import { registerAdminEndpoints } from './lib/admin';
import type { NodeConstructor, V2cConfigNode } from './lib/config-node';
import { ledgerStore } from './lib/ledger-store';
import { migrate } from './lib/migrate';

interface ConfigDef extends NodeDef {
  host: string;
  deviceId: string;
  cloudUrl: string;
  pollInterval: string | number;
  idleInterval: string | number;
  version?: number;
}

const CONFIG_DEFAULTS = {
  host: '',
  deviceId: '',
  cloudUrl: DEFAULT_CLOUD_URL,
  pollInterval: 5,
  idleInterval: 30,
};

export = function (RED: NodeAPI): void {
  function V2cConfig(this: V2cConfigNode, def: ConfigDef): void {
    RED.nodes.createNode(this, def);
    const config = migrate(def, CONFIG_DEFAULTS);
    const host = String(config.host ?? '').trim();
    const apiKey = String(this.credentials?.apiKey ?? '').trim();
    const cadence = cadenceFrom(config);
    const listeners = new Map<Listener, Listener>();
    const lastStatus = new Map<Listener, ChargerStatus>();
    let coordinator: Coordinator | undefined;
    let closing: Promise<void> = Promise.resolve();

    // The cloud, when there is a key and a safe URL: one budget per key and cloud, shared
    // with every other config node using them.
    let budget: CloudBudget | undefined;
    let cloud: CloudClient | undefined;
    let cloudProblem: string | undefined;
    let cloudUrl = '';
    if (apiKey) {
      try {
        cloudUrl = checkCloudUrl(String(config.cloudUrl || DEFAULT_CLOUD_URL));
        budget = acquireBudget(apiKey, cloudUrl, this, (id) => ({ store: ledgerStore(RED, this, id) }));
        cloud = new CloudClient({ baseUrl: cloudUrl, apiKey, budget });
      } catch (err) {
        cloudProblem = (err as Error).message;
        this.error(RED._('v2c-config.errors.badCloudUrl', { error: cloudProblem }));
      }
    }
    this.cloudUrl = cloudUrl;
    this.transport = host ? 'lan' : cloud ? 'cloud' : 'none';

    // A bad address is reported once, on every user node, and nothing is sent anywhere. A bad
    // cloud URL only stops the cloud (unless there is nothing else).
    let problem: string | undefined;
    if (host) {
      try {
        hostToOrigin(host);
      } catch (err) {
        problem = (err as Error).message;
        this.error(RED._('v2c-config.errors.badHost', { error: problem }));
      }
    } else if (!cloud) {
      problem = cloudProblem ?? 'no LAN address and no cloud API key set in the V2C config node';
    }

    // The device ID for the cloud: set in the node, else the charger's own (LAN), else the
    // account's only charger (one /pairings/me call, remembered).
    let pairedId: Promise<string> | undefined;
    const lanId = async (): Promise<string> => {
      if (!host) return '';
      const known = coordinator?.lastReading?.ID;
      if (typeof known === 'string' && known) return known;
      // No reading yet: ask the charger itself before asking the cloud (pairings can be 403).
      const reading = await (coordinator ?? open()).refresh().catch(() => undefined);
      return typeof reading?.ID === 'string' ? reading.ID : '';
    };
    const deviceId = async (priority: CloudCall['priority']): Promise<string> => {
      const own = String(config.deviceId ?? '').trim() || (await lanId());
      if (own) return own;
      pairedId ??= cloud!.call('pairings/me', { priority }).then((r) => {
        const pairings = r.payload as Pairing[];
        if (pairings.length === 1) return pairings[0]!.deviceId;
        throw new InvalidInput([
          pairings.length === 0 ? 'the V2C account has no charger paired' : `the V2C account has ${pairings.length} chargers: set the device ID in the config node`,
        ]);
      });
      return pairedId.catch((err: unknown) => {
        pairedId = undefined;
        throw err;
      });
    };

    this.rateLimit = () => budget?.rateLimit;

    this.cloudCall = async (endpoint: string, call: CloudCall = {}): Promise<CloudResult> => {
      if (!cloud) throw new InvalidInput([cloudProblem ?? `${endpoint} needs the V2C cloud: set an API key in the config node`]);
      // Check the parameters before spending a call on finding the device ID.
      cloud.validate(endpoint, call.params);
      const e = findEndpoint(endpoint);
      const id = e?.device === 'none' ? undefined : call.deviceId?.trim() || (await deviceId(call.priority));
      return cloud.call(endpoint, { ...call, ...(id ? { deviceId: id } : {}) });
    };

    const quota = (): QuotaState | undefined => {
      const state = budget?.state;
      return state === 'ok' || state === undefined ? undefined : state;
    };
    const tell = (listener: Listener, s: ChargerStatus) => {
      lastStatus.set(listener, s);
      const q = quota();
      listener.status?.(q ? { ...s, quota: q } : s);
    };
    const stopWatchingBudget = budget?.onChange(() => {
      for (const [listener, s] of lastStatus) tell(listener, s);
    });

    const open = (): Coordinator => {
      if (problem) throw new InvalidInput([problem]);
      if (!coordinator) {
        const charger = host
          ? new LanClient({ host })
          : new CloudCharger({ call: (name, call) => this.cloudCall(name, call), pollInterval: () => budget!.pollInterval() });
        coordinator = new Coordinator({ lan: charger, cadence });
        coordinator.subscribe({ status: logTransitions });
      }
      return coordinator;
    };

    // The log tells when the charger drops off and comes back, once each, not every retry.
    let wasOffline = false;
    const logTransitions = (s: ChargerStatus): void => {
      const name = this.chargerName();
      if (s.state === 'offline' && !wasOffline) this.warn(RED._('v2c-config.log.offline', { name, error: s.error }));
      if (s.state === 'online' && wasOffline) this.log(RED._('v2c-config.log.online', { name }));
      if (s.state === 'offline' || s.state === 'online') wasOffline = s.state === 'offline';
    };

    this.chargerName = (reading?: Reading) =>
      config.name || (typeof reading?.ID === 'string' ? reading.ID : '') || host || String(config.deviceId ?? '') || 'V2C Trydan';

    this.register = (listener: Listener) => {
      if (problem) {
        listener.status?.({ state: 'unconfigured', error: problem });
        return () => undefined;
      }
      // Status passes through here so the quota state can be added and re-sent when it changes.
      const wrapped: Listener = { ...(listener.telemetry ? { telemetry: listener.telemetry } : {}), status: (s) => tell(listener, s) };
      listeners.set(listener, wrapped);
      const c = open();
      if (listener.telemetry && this.transport === 'cloud') budget!.pollers.add(this);
      const unsubscribe = c.subscribe(wrapped);
      return () => {
        unsubscribe();
        listeners.delete(listener);
        lastStatus.delete(listener);
        if (![...listeners.keys()].some((l) => l.telemetry)) budget?.pollers.delete(this);
        // The last user leaving releases the socket; the next one opens a new coordinator.
        if (listeners.size === 0 && coordinator) {
          const closingOne = coordinator;
          coordinator = undefined;
          closing = closingOne.close();
        }
      };
    };

    this.refresh = (requester?: Listener) =>
      coordinator ? coordinator.refresh(requester ? listeners.get(requester) : undefined) : Promise.reject(noCoordinator(problem));
    this.write = (values) => (coordinator ? coordinator.write(values) : Promise.reject(noCoordinator(problem)));

    this.on('close', (_removed: boolean, done: () => void) => {
      listeners.clear();
      lastStatus.clear();
      stopWatchingBudget?.();
      if (budget) releaseBudget(apiKey, cloudUrl, this);
      const c = coordinator;
      coordinator = undefined;
      Promise.all([closing, c?.close(), cloud?.close()]).then(() => done(), () => done());
    });
  }

  function noCoordinator(problem: string | undefined): Error {
    return problem ? new InvalidInput([problem]) : new Closed();
  }

  RED.nodes.registerType('v2c-config', V2cConfig as unknown as NodeConstructor, {
    credentials: { apiKey: { type: 'password' } },
  });

  registerAdminEndpoints(RED);
};
