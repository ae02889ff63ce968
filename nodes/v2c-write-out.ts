// v2c-write-out: writes keywords to the charger. Input is validated against the keyword
// table before anything is sent; the output message carries the values read back.

import type { Node, NodeAPI, NodeDef } from 'node-red';
import { CLOUD_WRITES } from '../src/trydan/cloud-catalogue';
import { InvalidInput } from '../src/trydan/errors';
import { own } from '../src/trydan/own';
import { validateWrite } from '../src/trydan/keywords';
import { type NodeConstructor, chargerOf } from './lib/config-node';
import { migrate } from './lib/migrate';
import { requestFrom } from './lib/write-request';
import { releaseOnClose, respond } from './lib/respond';
import { statusView } from './lib/status';
import { TYPED_INPUTS, describe, evaluateTyped } from './lib/typed-value';

interface WriteDef extends NodeDef {
  server: string;
  /** A keyword fixed in the node: then msg.payload is just the value. */
  keyword: string;
  /** The value to write (typed input; msg.payload by default), as msg.payload was before. */
  value: string;
  valueType: string;
  version?: number;
}

const DEFAULTS = { keyword: '', value: 'payload', valueType: 'msg' };

/** Without LAN only some keywords can be set, through the cloud: refuse the rest before sending any. */
function checkCloudWritable(values: Record<string, number>): void {
  const lanOnly = Object.keys(values).filter((k) => !own(CLOUD_WRITES, k));
  if (lanOnly.length) {
    throw new InvalidInput([`${lanOnly.join(', ')} can only be written over the LAN (this charger has no LAN address); the cloud can set ${Object.keys(CLOUD_WRITES).join(', ')}`]);
  }
}

export = function (RED: NodeAPI): void {
  function V2cWriteOut(this: Node, def: WriteDef): void {
    RED.nodes.createNode(this, def);
    const config = migrate(def, DEFAULTS);
    const server = chargerOf(RED, this, config.server);

    if (!server) return;
    const status = statusView(RED, this);

    const deregister = server.register({ status: (s) => status.charger(s) });

    this.on('input', (msg, send, done) => {
      respond(
        status,
        done,
        () =>
          evaluateTyped(RED, this, { value: config.value, type: config.valueType }, msg, 'value', TYPED_INPUTS['v2c-write-out'].value).then((value) => {
            const values = validateWrite(requestFrom(config.keyword, { topic: msg.topic, payload: value }, describe({ value: config.value, type: config.valueType })));
            if (server.transport === 'cloud') checkCloudWritable(values);
            return server.write(values);
          }),
        (result) => {
          const out = msg as typeof msg & { unverified?: string[] };
          out.payload = result.values;
          if (server.transport === 'cloud') Object.assign(out, { rateLimit: server.rateLimit() });
          if (result.unverified.length) out.unverified = result.unverified;
          else delete out.unverified;
          send(out);
        },
      );
    });

    releaseOnClose(this, deregister);
  }

  RED.nodes.registerType('v2c-write-out', V2cWriteOut as unknown as NodeConstructor);
};
