// v2c-realtime-in: the charger's telemetry as messages, on every poll or only on change.
// An input message asks for a fresh reading now and gets it on the same message.

import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import type { ChargerStatus } from '../src/coordinator/status';
import { type Reading, changedKeys, toPayload } from '../src/trydan/telemetry';
import { type NodeConstructor, chargerOf } from './lib/config-node';
import { migrate } from './lib/migrate';
import { releaseOnClose, respond } from './lib/respond';
import { statusView } from './lib/status';

interface RealtimeDef extends NodeDef {
  server: string;
  output: 'every' | 'change';
  /** Comma-separated keys that do not count as a change (e.g. ChargeTime ticks every second). */
  ignore: string;
  version?: number;
}

const DEFAULTS = { output: 'every' as const, ignore: '' };

export = function (RED: NodeAPI): void {
  function V2cRealtimeIn(this: Node, def: RealtimeDef): void {
    RED.nodes.createNode(this, def);
    const config = migrate(def, DEFAULTS);
    const server = chargerOf(RED, this, config.server);
    // The ignore list only matters for "only on change".
    const ignored = new Set(config.output === 'change' ? String(config.ignore).split(',').map((s) => s.trim()).filter(Boolean) : []);
    let lastSent: Reading | undefined;

    if (!server) return;
    const status = statusView(RED, this);

    const message = (reading: Reading, msg: NodeMessage = {}): NodeMessage => {
      const changed = changedKeys(lastSent, reading).filter((k) => !ignored.has(k));
      lastSent = reading;
      const out = Object.assign(msg, { topic: server.chargerName(reading), payload: toPayload(reading), changed, source: server.transport });
      // Readings that cost a cloud call say how many are left, like every cloud message.
      return server.transport === 'cloud' ? Object.assign(out, { rateLimit: server.rateLimit() }) : out;
    };

    const listener = {
      telemetry: (reading: Reading) => {
        if (config.output === 'change' && lastSent && changedKeys(lastSent, reading).every((k) => ignored.has(k))) return;
        this.send(message(reading));
      },
      status: (s: ChargerStatus) => status.charger(s),
    };
    const deregister = server.register(listener);

    // The reading this node asked for goes out on the asking message, not twice.
    this.on('input', (msg, send, done) => {
      respond(status, done, () => server.refresh(listener), (reading) => send(message(reading, msg)));
    });

    releaseOnClose(this, deregister);
  }

  RED.nodes.registerType('v2c-realtime-in', V2cRealtimeIn as unknown as NodeConstructor);
};
