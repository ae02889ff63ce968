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

interface WriteDef extends NodeDef {
  server: string;
  /** A keyword fixed in the node: then msg.payload is just the value. */
  keyword: string;
  version?: number;
}

const DEFAULTS = { keyword: '' };

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
        () => {
          const values = validateWrite(requestFrom(config.keyword, msg));
          if (server.transport === 'cloud') checkCloudWritable(values);
          return server.write(values);
        },
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
