// The actions of the RFID and power-profile nodes, each named for its cloud call. One table
// per node, used by the runtime to build the call and served to the editor (admin.ts) for
// the dialog's choices; the parameters each takes come from the cloud catalogue.

import { findEndpoint } from '../../src/trydan/cloud-catalogue';

export const RFID_ACTIONS = {
  list: 'rfid/list',
  learn: 'rfid/learn',
  add: 'rfid/add',
  rename: 'rfid/rename',
  delete: 'rfid/delete',
  reader: 'set_rfid',
} as const;

export type RfidAction = keyof typeof RFID_ACTIONS;

/** A profile is named by `name` and identified by `updateAt` (an ISO time). */
export const PROFILE_ACTIONS = {
  list: 'personalicepower/all',
  get: 'personalicepower/v2/get',
  create: 'savepersonalicepower/v2',
  update: 'personalicepower/v2/update',
  delete: 'personalicepower/v2/delete',
} as const;

/** The parameters an action's cloud call takes. */
export function paramsTaken(endpoint: string): string[] {
  const found = findEndpoint(endpoint);
  if (!found) throw new Error(`${endpoint} is not in the cloud catalogue`);
  return Object.keys(found.params.shape);
}

/** What the editor shows: each node type's actions in order, with the parameters they take. */
export function actionCatalogue(): Record<string, { name: string; params: string[] }[]> {
  const list = (table: Record<string, string>) => Object.entries(table).map(([name, endpoint]) => ({ name, params: paramsTaken(endpoint) }));
  return { 'v2c-rfid': list(RFID_ACTIONS), 'v2c-power-profile': list(PROFILE_ACTIONS) };
}
