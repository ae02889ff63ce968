// v2c-config: one charger. Holds the LAN address, cadence and the cloud key, and owns the
// Coordinator that every node using this charger shares.

import type { NodeAPI, NodeDef } from 'node-red';
import { cadenceFrom } from '../src/coordinator/cadence';
import { Coordinator, type Listener } from '../src/coordinator/coordinator';
import type { ChargerStatus } from '../src/coordinator/status';
import { Closed, InvalidInput } from '../src/trydan/errors';
import { hostToOrigin } from '../src/trydan/host';
import { LanClient } from '../src/trydan/lan-client';
import type { Reading } from '../src/trydan/telemetry';
import type { NodeConstructor, V2cConfigNode } from './lib/config-node';
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
  cloudUrl: 'https://v2c.cloud/kong/v2c_service',
  pollInterval: 5,
  idleInterval: 30,
};

export = function (RED: NodeAPI): void {
  function V2cConfig(this: V2cConfigNode, def: ConfigDef): void {
    RED.nodes.createNode(this, def);
    const config = migrate(def, CONFIG_DEFAULTS);
    const host = String(config.host ?? '').trim();
    const cadence = cadenceFrom(config);
    const listeners = new Set<Listener>();
    let coordinator: Coordinator | undefined;
    let closing: Promise<void> = Promise.resolve();

    // A bad address is reported once, on every user node, and nothing is sent anywhere.
    let addressProblem: string | undefined;
    if (host === '') addressProblem = 'no LAN address set in the V2C config node';
    else {
      try {
        hostToOrigin(host);
      } catch (err) {
        addressProblem = (err as Error).message;
        this.error(RED._('v2c-config.errors.badHost', { error: addressProblem }));
      }
    }

    const open = (): Coordinator => {
      if (addressProblem) throw new InvalidInput([addressProblem]);
      if (!coordinator) {
        coordinator = new Coordinator({ lan: new LanClient({ host }), cadence });
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

    this.chargerName = (reading?: Reading) => config.name || (typeof reading?.ID === 'string' ? reading.ID : '') || host || 'V2C Trydan';

    this.register = (listener: Listener) => {
      listeners.add(listener);
      if (addressProblem) {
        listener.status?.({ state: 'unconfigured', error: addressProblem });
        return () => listeners.delete(listener);
      }
      const unsubscribe = open().subscribe(listener);
      return () => {
        unsubscribe();
        listeners.delete(listener);
        // The last user leaving releases the socket; the next one opens a new coordinator.
        if (listeners.size === 0 && coordinator) {
          const c = coordinator;
          coordinator = undefined;
          closing = c.close();
        }
      };
    };

    this.refresh = (requester?: Listener) => (coordinator ? coordinator.refresh(requester) : Promise.reject(noCoordinator(addressProblem)));
    this.write = (values) => (coordinator ? coordinator.write(values) : Promise.reject(noCoordinator(addressProblem)));

    this.on('close', (_removed: boolean, done: () => void) => {
      listeners.clear();
      const c = coordinator;
      coordinator = undefined;
      Promise.all([closing, c?.close()]).then(() => done(), () => done());
    });
  }

  function noCoordinator(problem: string | undefined): Error {
    return problem ? new InvalidInput([problem]) : new Closed();
  }

  RED.nodes.registerType('v2c-config', V2cConfig as unknown as NodeConstructor, {
    credentials: { apiKey: { type: 'password' } },
  });
};
