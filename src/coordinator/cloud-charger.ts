// A charger reached through the V2C cloud only (4G chargers, or no LAN address set): the
// coordinator's ChargerApi over `currentstatecharge` (normalised to the LAN keywords) and
// the endpoints that can set LAN keywords. Telemetry is a background call, paced by the
// account's budget; writes are the user's and may use the reserve.

import { CLOUD_WRITES } from '../trydan/cloud-catalogue';
import type { CloudCall, CloudResult } from '../trydan/cloud-client';
import { InvalidInput } from '../trydan/errors';
import { own } from '../trydan/own';
import type { Reading } from '../trydan/telemetry';
import type { ChargerApi } from './coordinator';

export interface CloudAccess {
  call(endpoint: string, call: CloudCall): Promise<CloudResult>;
  /** Milliseconds between telemetry calls so the account stays within its quota. */
  pollInterval(): number;
}

export class CloudCharger implements ChargerApi {
  /** A read-back would cost another cloud call: writes count as done when the cloud accepts them. */
  readonly verifiesWrites = false;

  constructor(private readonly cloud: CloudAccess) {}

  async realtime(priority: 'user' | 'background' = 'background'): Promise<Reading> {
    const result = await this.cloud.call('currentstatecharge', { priority });
    return result.payload as Reading;
  }

  async read(): Promise<number | undefined> {
    return undefined;
  }

  async write(keyword: string, value: number): Promise<void> {
    const how = own(CLOUD_WRITES, keyword);
    if (!how) {
      throw new InvalidInput([`${keyword} can only be written over the LAN; the cloud can set ${Object.keys(CLOUD_WRITES).join(', ')}`]);
    }
    const { endpoint, params } = how(value);
    await this.cloud.call(endpoint, { params, priority: 'user' });
  }

  minPollDelay(): number {
    return this.cloud.pollInterval();
  }

  async close(): Promise<void> {
    // The cloud client belongs to the config node, which closes it.
  }
}
