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
import { TYPED_INPUTS, type TypedProperty, evaluateTyped } from './typed-value';

export interface CloudRequest {
  endpoint: string;
  params?: Record<string, unknown>;
}

type Msg = NodeMessageInFlow & { deviceId?: unknown; rateLimit?: unknown };

export interface CloudNodeSpec<C> {
  /** Typed-input properties to evaluate for each message before `request` (name → property and the types it may have). */
  typed?(config: C, msg: Msg): Record<string, { property: TypedProperty; types: readonly string[] }>;
  /** The message → call mapping, given the typed values; throws InvalidInput for what cannot be sent. */
  request(config: C, msg: Msg, values: Record<string, unknown>): CloudRequest;
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
          return evaluateAll(RED, this, spec.typed?.(config, msg) ?? {}, msg).then((values) => {
            const req = spec.request(config, msg, values);
            return server.cloudCall(req.endpoint, { ...(req.params ? { params: req.params } : {}), ...(deviceId ? { deviceId } : {}), priority: 'user' });
          });
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
 * The parameters (msg.payload, or where the node's typed input says) as an object. A call
 * that takes none ignores them, so an inject's timestamp can trigger it; one that takes some
 * needs an object.
 */
export function paramsOf(payload: unknown, what: string, takesParams = true, source = 'msg.payload'): Record<string, unknown> {
  if (!takesParams || payload === undefined || payload === null || payload === '') return {};
  if (typeof payload === 'object' && !Array.isArray(payload)) return payload as Record<string, unknown>;
  throw new InvalidInput([`${what}: ${source} must be an object of parameters, like {"value": 16}`]);
}

/** Every typed property's value for this message, named as given; the first failure rejects. */
function evaluateAll(
  RED: NodeAPI,
  node: Node,
  typed: Record<string, { property: TypedProperty; types: readonly string[] }>,
  msg: NodeMessage,
): Promise<Record<string, unknown>> {
  const names = Object.keys(typed);
  return Promise.all(names.map((n) => evaluateTyped(RED, node, typed[n]!.property, msg, n, typed[n]!.types))).then((values) =>
    Object.fromEntries(names.map((n, i) => [n, values[i]])),
  );
}

/** The typed `params` property of a cloud node's config, as saved by the editor. */
export function paramsProperty(config: { params?: unknown; paramsType?: unknown }): { property: TypedProperty; types: readonly string[] } {
  return { property: { value: String(config.params ?? 'payload'), type: String(config.paramsType ?? 'msg') }, types: TYPED_INPUTS['v2c-cloud-command'].params };
}
