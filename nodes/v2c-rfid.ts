// v2c-rfid: the charger's RFID cards through the cloud: list, learn (the next card swiped
// gets the name), add by code, rename, delete, and the reader on or off.

import type { NodeAPI, NodeDef } from 'node-red';
import { InvalidInput } from '../src/trydan/errors';
import { own } from '../src/trydan/own';
import { shown } from '../src/trydan/show';
import { RFID_ACTIONS, type RfidAction, paramsTaken } from './lib/cloud-actions';
import { type CloudRequest, paramsOf, paramsProperty, registerCloudNode } from './lib/cloud-node';
import { migrate } from './lib/migrate';
import { describe } from './lib/typed-value';

interface RfidDef extends NodeDef {
  server: string;
  /** list | learn | add | rename | delete | reader; empty = msg.action. */
  action: string;
  /** Where the parameters come from (typed input; msg.payload by default). */
  params: string;
  paramsType: string;
  version?: number;
}

export = function (RED: NodeAPI): void {
  registerCloudNode<RfidDef>(RED, 'v2c-rfid', (def) => migrate(def, { action: 'list', params: 'payload', paramsType: 'msg' }), {
    typed: (config) => ({ params: paramsProperty(config) }),
    request(config, msg, values): CloudRequest {
      const asked: unknown = config.action || ((msg as { action?: unknown }).action ?? '');
      const endpoint = own(RFID_ACTIONS, asked);
      if (!endpoint) throw new InvalidInput([`${shown(asked)} is not an RFID action; use ${Object.keys(RFID_ACTIONS).join(', ')}`]);
      const action = asked as RfidAction;
      const keys = paramsTaken(endpoint);
      const given = values.params;
      const source = describe(paramsProperty(config).property);
      // The reader takes a plain on/off value; the others an object such as {code, tag}.
      const params =
        action === 'reader' && (typeof given !== 'object' || given === null)
          ? { value: given }
          : paramsOf(given, `rfid ${action}`, keys.length > 0, source);
      const picked = Object.fromEntries(keys.filter((k) => Object.hasOwn(params, k) && params[k] !== undefined).map((k) => [k, params[k]]));
      const extra = Object.keys(params).filter((k) => !keys.includes(k));
      if (extra.length) throw new InvalidInput([`rfid ${action} does not take ${extra.join(', ')}; it takes ${keys.join(', ') || 'nothing'}`]);
      return { endpoint, params: picked };
    },
  });
};
