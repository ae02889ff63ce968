// v2c-power-profile: the charger's personalised power profiles through the cloud. A profile
// is named by `name` and identified by `updateAt` (an ISO time): list, get, create, update,
// delete. Creating and updating stamp `updateAt` with the current time when none is given.

import type { NodeAPI, NodeDef } from 'node-red';
import { InvalidInput } from '../src/trydan/errors';
import { own } from '../src/trydan/own';
import { shown } from '../src/trydan/show';
import { type CloudRequest, paramsOf, registerCloudNode } from './lib/cloud-node';
import { migrate } from './lib/migrate';

interface ProfileDef extends NodeDef {
  server: string;
  /** list | get | create | update | delete; empty = msg.action. */
  action: string;
  version?: number;
}

const ENDPOINTS: Readonly<Record<string, string>> = {
  list: 'personalicepower/all',
  get: 'personalicepower/v2/get',
  create: 'savepersonalicepower/v2',
  update: 'personalicepower/v2/update',
  delete: 'personalicepower/v2/delete',
};

export = function (RED: NodeAPI): void {
  registerCloudNode<ProfileDef>(RED, 'v2c-power-profile', (def) => migrate(def, { action: 'list' }), {
    request(config, msg): CloudRequest {
      const asked: unknown = config.action || ((msg as { action?: unknown }).action ?? '');
      const endpoint = own(ENDPOINTS, asked);
      if (!endpoint) throw new InvalidInput([`${shown(asked)} is not a power profile action; use ${Object.keys(ENDPOINTS).join(', ')}`]);
      const action = asked as string;
      const params = action === 'list' ? {} : { ...paramsOf(msg.payload, `power profile ${action}`) };
      if ((action === 'create' || action === 'update') && params.updateAt === undefined) params.updateAt = new Date().toISOString();
      return { endpoint, params };
    },
  });
};
