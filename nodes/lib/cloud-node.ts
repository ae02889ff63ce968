// What every cloud node does with a message: work out the call, check it before it costs
// quota, make it through the config node (which owns the key and the shared budget), put
// the normalised reply in msg.payload and the quota in msg.rateLimit, and report failures
// through done(err) with a red status. Only the mapping from message to call differs.

import type { Node, NodeAPI, NodeMessage, NodeMessageInFlow } from 'node-red';
import type { CloudResult } from '../../src/trydan/cloud-client';
import { checkDeviceId } from '../../src/trydan/cloud-values';
import { InvalidInput } from '../../src/trydan/errors';
import { type NodeConstructor, chargerOf } from './config-node';
import { releaseOnClose, respond } from './respond';
import { statusView } from './status';

export interface CloudRequest {
  endpoint: string;
  params?: Record<string, unknown>;
}

type Msg = NodeMessageInFlow & { deviceId?: unknown; rateLimit?: unknown };

export interface CloudNodeSpec<C> {
  /** The message → call mapping; throws InvalidInput for what cannot be sent. */
  request(config: C, msg: Msg): CloudRequest;
  /** The messages to send for a result; by default the one message with the payload. */
  output?(config: C, msg: Msg, result: CloudResult): NodeMessage | NodeMessage[] | (NodeMessage | null)[];
}

export function registerCloudNode<C extends { server: string }>(
  RED: NodeAPI,
  type: string,
  prepare: (def: C) => C,
  spec: CloudNodeSpec<C>,
): void {
  function CloudNode(this: Node, def: C): void {
    RED.nodes.createNode(this, def as never);
    const config = prepare(def);
    const server = chargerOf(RED, this, config.server);
    if (!server) return;
    const status = statusView(RED, this);
    const deregister = server.register({ status: (s) => status.charger(s) });

    this.on('input', (input, send, done) => {
      const msg = input as Msg;
      respond(
        status,
        done,
        () => {
          const deviceId = checkDeviceId(msg.deviceId, 'msg.deviceId');
          const req = spec.request(config, msg);
          return server.cloudCall(req.endpoint, { ...(req.params ? { params: req.params } : {}), ...(deviceId ? { deviceId } : {}), priority: 'user' });
        },
        (result) => {
          msg.rateLimit = result.rateLimit;
          if (spec.output) send(spec.output(config, msg, result) as NodeMessage);
          else send(Object.assign(msg, { payload: result.payload }));
        },
      );
    });

    releaseOnClose(this, deregister);
  }
  RED.nodes.registerType(type, CloudNode as unknown as NodeConstructor);
}

/**
 * msg.payload as an object of parameters. A call that takes none ignores the payload, so an
 * inject's timestamp can trigger it; one that takes some needs an object.
 */
export function paramsOf(payload: unknown, what: string, takesParams = true): Record<string, unknown> {
  if (!takesParams || payload === undefined || payload === null || payload === '') return {};
  if (typeof payload === 'object' && !Array.isArray(payload)) return payload as Record<string, unknown>;
  throw new InvalidInput([`${what}: msg.payload must be an object of parameters, like {"value": 16}`]);
}
