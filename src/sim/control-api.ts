// HTTP control of the simulator under /_sim/ for the CLI, the demo and end-to-end tests:
// JSON in, JSON out. Not device traffic: no latency, no one-at-a-time rule, no faults
// (so a test can switch `offline` off again over HTTP).

import type * as http from 'node:http';
import { createCloudControlHandler } from './cloud-control';
import { parseSetInput } from './device-state';
import { answerControl, asObject, HttpProblem, readJson } from './http-json';
import { parseFaultsInput, type ControlHandler } from './lan-server';
import { isProfileName, PROFILE_NAMES } from './profiles';
import type { TrydanSimulator } from './simulator';

/**
 * Routes: GET /_sim/state · POST /_sim/fault (partial faults) · DELETE /_sim/fault (clear) ·
 * POST /_sim/car {"connected":bool} · POST /_sim/set (partial state, see SimSetInput) ·
 * POST /_sim/firmware {"firmware":"2.3.20"} · GET /_sim/log · DELETE /_sim/log ·
 * /_sim/cloud/... (see cloud-control.ts) when the charger belongs to a cloud account,
 * with this charger as the default device.
 */
export function createControlHandler(sim: TrydanSimulator): ControlHandler {
  async function handle(method: string, path: string, req: http.IncomingMessage): Promise<unknown> {
    const route = `${method} ${path}`;
    switch (route) {
      case 'GET /_sim/state':
        return sim.snapshot();
      case 'POST /_sim/fault':
        sim.setFault(parseFaultsInput(await readJson(req)));
        return sim.faults;
      case 'DELETE /_sim/fault':
        sim.clearFaults();
        return sim.faults;
      case 'POST /_sim/car': {
        const body = asObject(await readJson(req));
        if (typeof body.connected !== 'boolean') throw new HttpProblem(400, 'expected {"connected": true|false}');
        if (body.connected) sim.plugIn();
        else sim.unplug();
        return sim.snapshot();
      }
      case 'POST /_sim/set':
        sim.set(parseSetInput(await readJson(req)));
        return sim.snapshot();
      case 'POST /_sim/firmware': {
        const body = asObject(await readJson(req));
        if (typeof body.firmware !== 'string' || !isProfileName(body.firmware)) {
          throw new HttpProblem(400, `firmware must be one of ${PROFILE_NAMES.join(', ')}`);
        }
        sim.setFirmware(body.firmware);
        return sim.snapshot();
      }
      case 'GET /_sim/log':
        return { requests: sim.requests, writes: sim.writes, maxConcurrent: sim.maxConcurrent };
      case 'DELETE /_sim/log':
        sim.clearLog();
        return { requests: sim.requests, writes: sim.writes, maxConcurrent: sim.maxConcurrent };
      default:
        throw new HttpProblem(404, `no control route ${route}`);
    }
  }

  return (req, res) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const account = sim.account;
    if (path.startsWith('/_sim/cloud/')) {
      if (account) createCloudControlHandler(account, () => sim.cloud.deviceId)(req, res);
      else answerControl(res, Promise.reject(new HttpProblem(404, 'this charger belongs to no cloud account')));
      return;
    }
    answerControl(res, handle(req.method ?? 'GET', path, req));
  };
}
