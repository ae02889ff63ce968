// v2c-cloud-command: any endpoint of the cloud catalogue, fixed in the node or named by
// msg.command, with its parameters from msg.payload (or where the node's typed input says).

import type { NodeAPI, NodeDef } from 'node-red';
import { findEndpoint } from '../src/trydan/cloud-catalogue';
import { InvalidInput } from '../src/trydan/errors';
import { paramsOf, paramsProperty, registerCloudNode } from './lib/cloud-node';
import { migrate } from './lib/migrate';
import { describe } from './lib/typed-value';
import { shown } from '../src/trydan/show';

interface CommandDef extends NodeDef {
  server: string;
  /** A catalogue name; empty = msg.command. */
  command: string;
  /** Where the parameters come from (typed input; msg.payload by default). */
  params: string;
  paramsType: string;
  version?: number;
}

export = function (RED: NodeAPI): void {
  registerCloudNode<CommandDef>(RED, 'v2c-cloud-command', (def) => migrate(def, { command: '', params: 'payload', paramsType: 'msg' }), {
    typed: (config) => ({ params: paramsProperty(config) }),
    request(config, msg, values) {
      const named = config.command || (typeof (msg as { command?: unknown }).command === 'string' ? String((msg as { command?: unknown }).command) : '');
      if (!named) throw new InvalidInput(['no command: choose one in the node or set msg.command, e.g. "intensity"']);
      const endpoint = findEndpoint(named);
      if (!endpoint) throw new InvalidInput([`${shown(named)} is not a V2C cloud command; the node's help lists them`]);
      const source = describe(paramsProperty(config).property);
      return { endpoint: named, params: paramsOf(values.params, named, Object.keys(endpoint.params.shape).length > 0, source) };
    },
    output(_config, msg, result) {
      return Object.assign(msg, { payload: result.payload, command: result.endpoint, raw: result.raw });
    },
  });
};
