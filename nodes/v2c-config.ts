// v2c-config: one charger. Holds the LAN address, cadence and the cloud key, and wires
// Node-RED to the charger's ChargerLink (src/coordinator/charger-link.ts), which shares one
// coordinator per charger address with every other config node and editor check naming it.
// Here: credentials, the cloud budget's persistence (and its sharing through Redis), user
// registration, status fan-out (with the quota state added) and the log; the connection life
// cycle lives in the link.

import type { NodeAPI, NodeDef } from 'node-red';
import { acquireBudget, cloudPace, releaseBudget } from '../src/coordinator/budget-registry';
import { ChargerLink } from '../src/coordinator/charger-link';
import { type CloudBudget } from '../src/coordinator/cloud-budget';
import type { Listener } from '../src/coordinator/coordinator';
import { RedisQuota, redisUrlProblem } from '../src/coordinator/redis-quota';
import type { ChargerStatus, QuotaState } from '../src/coordinator/status';
import { DEFAULT_CLOUD_URL } from '../src/trydan/cloud-catalogue';
import { CloudClient } from '../src/trydan/cloud-client';
import { checkCloudUrl } from '../src/trydan/cloud-url';
import type { Reading } from '../src/trydan/telemetry';
import { registerAdminEndpoints } from './lib/admin';
import type { NodeConstructor, V2cConfigNode } from './lib/config-node';
import { energyStore } from './lib/energy-store';
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
    // The URL may hold a password: a credential, and never in a text.
    const redisUrl = String(this.credentials?.redisUrl ?? '').trim();
    const wrapped = new Map<Listener, Listener>();
    const lastStatus = new Map<Listener, ChargerStatus>();

    // The cloud, when there is a key and a safe URL: one budget per key and cloud, shared
    // with every other config node using them.
    let budget: CloudBudget | undefined;
    let cloud: CloudClient | undefined;
    let cloudProblem: string | undefined;
    let cloudUrl = '';
    const badRedis = redisUrl ? redisUrlProblem(redisUrl) : undefined;
    if (apiKey && badRedis) {
      // A bad URL stops the cloud rather than letting this instance spend as if it were alone.
      cloudProblem = badRedis;
      this.error(RED._('v2c-config.errors.badRedisUrl', { error: badRedis }));
    } else if (apiKey) {
      try {
        cloudUrl = checkCloudUrl(String(config.cloudUrl || DEFAULT_CLOUD_URL));
        budget = acquireBudget(apiKey, cloudUrl, this, (id) => ({
          store: ledgerStore(RED, this, id),
          ...(redisUrl ? { shared: new RedisQuota({ url: redisUrl, keyId: id }) } : {}),
        }));
        cloud = new CloudClient({ baseUrl: cloudUrl, apiKey, budget });
      } catch (err) {
        cloudProblem = (err as Error).message;
        this.error(RED._('v2c-config.errors.badCloudUrl', { error: cloudProblem }));
      }
    }

    // The log tells when the charger drops off and comes back, once each, not every retry.
    let wasOffline = false;
    const logTransitions = (s: ChargerStatus): void => {
      // Named only when logged: this runs on every poll.
      if (s.state === 'offline' && !wasOffline) this.warn(RED._('v2c-config.log.offline', { name: this.chargerName(), error: s.error }));
      if (s.state === 'online' && wasOffline) this.log(RED._('v2c-config.log.online', { name: this.chargerName() }));
      if (s.state === 'offline' || s.state === 'online') wasOffline = s.state === 'offline';
    };

    // Session and lifetime energy, kept per charger ID across restarts.
    const energy = energyStore(RED, this);
    const link = new ChargerLink({
      host,
      deviceId: String(config.deviceId ?? ''),
      cadence: config,
      ...(budget && cloud ? { cloud: { client: cloud, budget, pace: cloudPace(apiKey, cloudUrl, String(config.deviceId ?? '')) } } : {}),
      ...(cloudProblem ? { cloudProblem } : {}),
      watch: logTransitions,
      ...(energy ? { energy } : {}),
    });
    // A bad address or interval is reported once, on every user node, and nothing is sent anywhere.
    if ((host || cloud) && link.problem) this.error(RED._('v2c-config.errors.badSettings', { error: link.problem }));

    this.cloudUrl = cloudUrl;
    this.transport = link.transport;
    this.rateLimit = () => budget?.rateLimit;
    this.cloudCall = (endpoint, call) => link.cloudCall(endpoint, call);

    const quota = (): QuotaState | undefined => {
      const state = budget?.state;
      // Spent or refused says more than "not shared"; low or fine with Redis away says that.
      if ((state === 'ok' || state === 'low') && budget?.unshared) return 'unshared';
      return state === 'ok' || state === undefined ? undefined : state;
    };
    // The log tells when the shared ledger is lost and back, once each.
    let wasUnshared = false;
    const logSharing = (): void => {
      const unshared = budget?.unshared ?? false;
      if (unshared === wasUnshared) return;
      wasUnshared = unshared;
      if (unshared) this.warn(RED._('v2c-config.log.redisLost', { error: budget?.unsharedBecause ?? '-' }));
      else this.log(RED._('v2c-config.log.redisBack'));
    };
    const tell = (listener: Listener, s: ChargerStatus) => {
      lastStatus.set(listener, s);
      const q = quota();
      listener.status?.(q ? { ...s, quota: q } : s);
    };
    const stopWatchingBudget = budget?.onChange(() => {
      logSharing();
      for (const [listener, s] of lastStatus) tell(listener, s);
    });
    logSharing();

    this.chargerName = (reading?: Reading) =>
      config.name || (typeof reading?.ID === 'string' ? reading.ID : '') || host || String(config.deviceId ?? '') || 'V2C Trydan';

    this.register = (listener: Listener) => {
      if (link.problem) {
        listener.status?.({ state: 'unconfigured', error: link.problem, ...(!host && !apiKey ? { noAddress: true } : {}) });
        return () => undefined;
      }
      // Status passes through here so the quota state can be added and re-sent when it changes.
      const own: Listener = { ...(listener.telemetry ? { telemetry: listener.telemetry } : {}), status: (s) => tell(listener, s) };
      wrapped.set(listener, own);
      const unsubscribe = link.subscribe(own);
      return () => {
        unsubscribe();
        wrapped.delete(listener);
        lastStatus.delete(listener);
      };
    };

    this.refresh = (requester?: Listener) => link.refresh(requester ? wrapped.get(requester) : undefined);
    this.write = (values) => link.write(values);

    this.on('close', (_removed: boolean, done: () => void) => {
      wrapped.clear();
      lastStatus.clear();
      stopWatchingBudget?.();
      // The Redis connection, when this was its last user, is closed before Node-RED goes on.
      const released = budget ? releaseBudget(apiKey, cloudUrl, this) : Promise.resolve();
      Promise.allSettled([released, link.close()]).then(() => done(), () => done());
    });
  }

  RED.nodes.registerType('v2c-config', V2cConfig as unknown as NodeConstructor, {
    credentials: { apiKey: { type: 'password' }, redisUrl: { type: 'password' } },
  });

  registerAdminEndpoints(RED);
};
