// Node properties set with a typed input in the editor: a fixed value, or one taken from the
// message, flow or global context, or an environment variable when a message arrives.
// Evaluated with Node-RED's own evaluateNodeProperty, through its callback so context
// stores that answer asynchronously work too.

import type { Node, NodeAPI, NodeMessage } from 'node-red';
import { InvalidInput } from '../../src/trydan/errors';
import { shown } from '../../src/trydan/show';

export interface TypedProperty {
  /** A msg property, context key, variable name, or the fixed value itself. */
  value: string;
  type: string;
}

/** Where a typed value may come from besides a fixed value (json, num, str). */
export const FROM_ELSEWHERE = ['msg', 'flow', 'global', 'env'] as const;

/** Params of the cloud nodes: msg.payload by default, context, env, or fixed JSON. */
const PARAMS_TYPES = [...FROM_ELSEWHERE, 'json'] as const;
/** A custom range's dates: fixed text (YYYY-MM-DD) or from elsewhere. */
const DATE_TYPES = ['str', ...FROM_ELSEWHERE] as const;

/**
 * Every typed input of the package: node type → property → the types it accepts (the first
 * is what version 1 nodes meant). The runtime refuses other types; the editor offers these.
 */
export const TYPED_INPUTS = {
  'v2c-write-out': { value: [...FROM_ELSEWHERE, 'num', 'json'] },
  'v2c-cloud-command': { params: PARAMS_TYPES },
  'v2c-rfid': { params: PARAMS_TYPES },
  'v2c-power-profile': { params: PARAMS_TYPES },
  'v2c-statistics': { from: DATE_TYPES, to: DATE_TYPES },
} as const satisfies Record<string, Record<string, readonly string[]>>;

/** "msg.payload", "flow.evMode", "env HOME", or a fixed value as written. */
export function describe(p: TypedProperty): string {
  if (p.type === 'env') return `env ${p.value}`;
  return (FROM_ELSEWHERE as readonly string[]).includes(p.type) ? `${p.type}.${p.value}` : `${p.type} ${shown(p.value)}`;
}

/**
 * The property's value for this message. Fails with InvalidInput when the type is not one
 * the node accepts, a fixed value does not parse, or a context key or environment variable
 * is unset or empty (a missing msg property stays undefined: the node's own rules say what that means).
 */
export function evaluateTyped(RED: NodeAPI, node: Node, p: TypedProperty, msg: NodeMessage, what: string, types: readonly string[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const refuse = (why: string) => reject(new InvalidInput([`${what} (${describe(p)}): ${why}`]));
    if (!types.includes(p.type)) {
      refuse(`the type ${shown(p.type)} is not one of ${types.join(', ')}`);
      return;
    }
    try {
      RED.util.evaluateNodeProperty(p.value, p.type, node, msg, (err, value: unknown) => {
        if (err) refuse(err.message);
        // Node-RED gives '' for an environment variable that is not set.
        else if (p.type === 'env' && (value === undefined || value === '')) refuse('the environment variable is not set (or empty)');
        else if (value === undefined && p.type !== 'msg') refuse('nothing is stored there');
        else resolve(value);
      });
    } catch (err) {
      refuse((err as Error).message);
    }
  });
}
