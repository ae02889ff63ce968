// HTTP control of a simulated cloud account under /_sim/cloud/, on the cloud server and on
// the LAN server of each charger in the account. JSON in, JSON out; never counted, never
// refused by an outage (so a test can end one over HTTP).

import type * as http from 'node:http';
import type { SimAccount } from './cloud-account';
import { parseCloudFaults } from './cloud-gateway';
import { answerControl, asObject, HttpProblem, readJson } from './http-json';
import type { ControlHandler } from './lan-server';

/**
 * Routes: GET /_sim/cloud/state · POST /_sim/cloud/fault {outage, forbidPairings,
 * rateLimitHeaders, reportedForm} · DELETE /_sim/cloud/fault · POST /_sim/cloud/quota
 * {limit, used} · DELETE /_sim/cloud/quota (today's calls back to 0) · POST /_sim/cloud/swipe
 * {code, deviceId?} · POST /_sim/cloud/link {connected, deviceId?} · GET|DELETE /_sim/cloud/log.
 * `deviceId` may be left out on a charger's own LAN server or when the account has one device.
 */
export function createCloudControlHandler(account: SimAccount, defaultDeviceId?: () => string): ControlHandler {
  function deviceOf(body: Record<string, unknown>): string {
    if (typeof body.deviceId === 'string') return body.deviceId;
    if (body.deviceId !== undefined) throw new HttpProblem(400, 'deviceId must be a string');
    if (defaultDeviceId) return defaultDeviceId();
    const only = account.devices.length === 1 ? account.devices[0] : undefined;
    if (!only) throw new HttpProblem(400, 'deviceId is needed: the account has several devices');
    return only.deviceId;
  }

  async function handle(method: string, path: string, req: http.IncomingMessage): Promise<unknown> {
    const route = `${method} ${path}`;
    switch (route) {
      case 'GET /_sim/cloud/state':
        return account.snapshot();
      case 'POST /_sim/cloud/fault':
        return account.setFault(parseCloudFaults(await readJson(req)));
      case 'DELETE /_sim/cloud/fault':
        return account.clearFaults();
      case 'POST /_sim/cloud/quota': {
        const body = asObject(await readJson(req));
        const count = (key: string): number | undefined => {
          const v = body[key];
          if (v === undefined) return undefined;
          if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new HttpProblem(400, `${key} must be a whole number >= 0`);
          return v;
        };
        const limit = count('limit');
        const used = count('used');
        return account.setQuota({ ...(limit !== undefined ? { limit } : {}), ...(used !== undefined ? { used } : {}) });
      }
      case 'DELETE /_sim/cloud/quota':
        return account.resetQuota();
      case 'POST /_sim/cloud/swipe': {
        const body = asObject(await readJson(req));
        if (typeof body.code !== 'string' || body.code === '') throw new HttpProblem(400, 'expected {"code": "<card UID>"}');
        return account.swipeCard(deviceOf(body), body.code);
      }
      case 'POST /_sim/cloud/link': {
        const body = asObject(await readJson(req));
        if (typeof body.connected !== 'boolean') throw new HttpProblem(400, 'expected {"connected": true|false}');
        const deviceId = deviceOf(body);
        account.setConnected(deviceId, body.connected);
        return account.device(deviceId)?.snapshot();
      }
      case 'GET /_sim/cloud/log':
        return { requests: account.requests, quota: account.quota };
      case 'DELETE /_sim/cloud/log':
        account.clearLog();
        return { requests: account.requests, quota: account.quota };
      default:
        throw new HttpProblem(404, `no control route ${route}`);
    }
  }

  return (req, res) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    answerControl(res, handle(req.method ?? 'GET', path, req));
  };
}
