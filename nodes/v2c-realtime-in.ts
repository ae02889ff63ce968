// v2c-realtime-in: the charger's telemetry as messages, on every poll or only on change.
// An input message asks for a fresh reading now and gets it on the same message.

import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import type { ChargerStatus } from '../src/coordinator/status';
import { type Reading, toPayload } from '../src/trydan/telemetry';
import { type ChangeRule, OUTPUTS, POWER_DEADBAND, changeRule, changeTracker } from '../src/trydan/telemetry-change';
import { InvalidInput } from '../src/trydan/errors';
import { type NodeConstructor, chargerOf } from './lib/config-node';
import { changedOnRead } from './lib/changed-on-read';
import { migrate } from './lib/migrate';
import { releaseOnClose, respond } from './lib/respond';
import { statusView } from './lib/status';

interface RealtimeDef extends NodeDef {
  server: string;
  output: 'every' | 'change';
  /** "Only when a value changed": every key ("all") or only the listed `keys`. */
  watch: 'all' | 'keys';
  keys: string;
  /** Comma-separated keys that do not count as a change (e.g. ChargeTime ticks every second). */
  ignore: string;
  /** W a power reading must move before it counts as a change (0: any move). */
  deadband: number | string;
  version?: number;
}

const DEFAULTS = { output: 'every' as const, watch: 'all' as const, keys: '', ignore: '', deadband: POWER_DEADBAND.default };

export = function (RED: NodeAPI): void {
  function V2cRealtimeIn(this: Node, def: RealtimeDef): void {
    RED.nodes.createNode(this, def);
    const config = migrate(def, DEFAULTS);
    const server = chargerOf(RED, this, config.server);
    if (!server) return;

    // Keys and deadband only matter for "only when a value changed"; bad ones are refused at deploy.
    let rule: ChangeRule | undefined;
    try {
      if (!(OUTPUTS as readonly unknown[]).includes(config.output)) throw new InvalidInput([`output: ${JSON.stringify(String(config.output).slice(0, 40))} is not "every" or "change"`]);
      if (config.output === 'change') rule = changeRule(config);
    } catch (err) {
      this.status({ fill: 'red', shape: 'ring', text: RED._('v2c-realtime-in.status.badSettings') });
      this.error(RED._('v2c-realtime-in.errors.badSettings', { error: (err as Error).message }));
      this.on('input', (_msg, _send, done) => done(err as Error));
      return;
    }
    const status = statusView(RED, this);
    const track = changeTracker(rule);

    const message = (reading: Reading, changed: () => string[], msg: NodeMessage = {}): NodeMessage => {
      const out = Object.assign(msg, { topic: server.chargerName(reading), payload: toPayload(reading), source: server.transport });
      changedOnRead(out, changed);
      // Readings that cost a cloud call say how many are left, like every cloud message.
      return server.transport === 'cloud' ? Object.assign(out, { rateLimit: server.rateLimit() }) : out;
    };

    const listener = {
      telemetry: (reading: Reading) => {
        const changed = track(reading);
        if (changed) this.send(message(reading, changed));
      },
      status: (s: ChargerStatus) => status.charger(s),
    };
    const deregister = server.register(listener);

    // The reading this node asked for goes out on the asking message, not twice.
    this.on('input', (msg, send, done) => {
      respond(status, done, () => server.refresh(listener), (reading) => send(message(reading, track(reading, true)!, msg)));
    });

    releaseOnClose(this, deregister);
  }

  RED.nodes.registerType('v2c-realtime-in', V2cRealtimeIn as unknown as NodeConstructor);
};
