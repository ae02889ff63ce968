// v2c-power-profile: the charger's personalised power profiles through the cloud. A profile
// is named by `name` and identified by `updateAt` (an ISO time): list, get, create, update,
// delete. Creating and updating stamp `updateAt` with the current time when none is given.

import type { NodeAPI, NodeDef } from 'node-red';
import { InvalidInput } from '../src/trydan/errors';
import { own } from '../src/trydan/own';
import { shown } from '../src/trydan/show';
import { PROFILE_ACTIONS } from './lib/cloud-actions';
import { type CloudRequest, paramsOf, paramsProperty, registerCloudNode } from './lib/cloud-node';
import { migrate } from './lib/migrate';
import { describe } from './lib/typed-value';

interface ProfileDef extends NodeDef {
  server: string;
  /** list | get | create | update | delete; empty = msg.action. */
  action: string;
  /** Where the profile comes from (typed input; msg.payload by default). */
  params: string;
  paramsType: string;
  version?: number;
}

export = function (RED: NodeAPI): void {
  registerCloudNode<ProfileDef>(RED, 'v2c-power-profile', (def) => migrate(def, { action: 'list', params: 'payload', paramsType: 'msg' }), {
    typed: (config) => ({ params: paramsProperty(config) }),
    request(config, msg, values): CloudRequest {
      const asked: unknown = config.action || ((msg as { action?: unknown }).action ?? '');
      const endpoint = own(PROFILE_ACTIONS, asked);
      if (!endpoint) throw new InvalidInput([`${shown(asked)} is not a power profile action; use ${Object.keys(PROFILE_ACTIONS).join(', ')}`]);
      const action = asked as string;
      const source = describe(paramsProperty(config).property);
      const params = action === 'list' ? {} : { ...paramsOf(values.params, `power profile ${action}`, true, source) };
      if ((action === 'create' || action === 'update') && params.updateAt === undefined) params.updateAt = new Date().toISOString();
      return { endpoint, params };
    },
  });
};
