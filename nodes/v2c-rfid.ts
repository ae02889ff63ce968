// v2c-rfid: the charger's RFID cards through the cloud: list, learn (the next card swiped
// gets the name), add by code, rename, delete, and the reader on or off.

import type { NodeAPI, NodeDef } from 'node-red';
import { InvalidInput } from '../src/trydan/errors';
import { own } from '../src/trydan/own';
import { shown } from '../src/trydan/show';
import { type CloudRequest, paramsOf, registerCloudNode } from './lib/cloud-node';
import { migrate } from './lib/migrate';

interface RfidDef extends NodeDef {
  server: string;
  /** list | learn | add | rename | delete | reader; empty = msg.action. */
  action: string;
  version?: number;
}

type Action = 'list' | 'learn' | 'add' | 'rename' | 'delete' | 'reader';

// The one table from an action to its cloud call and the parameters it takes.
const ACTIONS: Readonly<Record<Action, { endpoint: string; keys: readonly string[] }>> = {
  list: { endpoint: 'rfid/list', keys: [] },
  learn: { endpoint: 'rfid/learn', keys: ['tag'] },
  add: { endpoint: 'rfid/add', keys: ['code', 'tag'] },
  rename: { endpoint: 'rfid/rename', keys: ['code', 'tag'] },
  delete: { endpoint: 'rfid/delete', keys: ['code'] },
  reader: { endpoint: 'set_rfid', keys: ['value'] },
};

export = function (RED: NodeAPI): void {
  registerCloudNode<RfidDef>(RED, 'v2c-rfid', (def) => migrate(def, { action: 'list' }), {
    request(config, msg): CloudRequest {
      const asked: unknown = config.action || ((msg as { action?: unknown }).action ?? '');
      const spec = own(ACTIONS, asked);
      if (!spec) throw new InvalidInput([`${shown(asked)} is not an RFID action; use ${Object.keys(ACTIONS).join(', ')}`]);
      const action = asked as Action;
      // The reader takes a plain on/off payload; the others an object such as {code, tag}.
      const params =
        action === 'reader' && (typeof msg.payload !== 'object' || msg.payload === null)
          ? { value: msg.payload }
          : paramsOf(msg.payload, `rfid ${action}`, spec.keys.length > 0);
      const picked = Object.fromEntries(spec.keys.filter((k) => Object.hasOwn(params, k) && params[k] !== undefined).map((k) => [k, params[k]]));
      const extra = Object.keys(params).filter((k) => !spec.keys.includes(k));
      if (extra.length) throw new InvalidInput([`rfid ${action} does not take ${extra.join(', ')}; it takes ${spec.keys.join(', ') || 'nothing'}`]);
      return { endpoint: spec.endpoint, params: picked };
    },
  });
};
