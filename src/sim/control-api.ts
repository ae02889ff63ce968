// HTTP control of the simulator under /_sim/ for the CLI, the demo and end-to-end tests:
// JSON in, JSON out. Not device traffic: no latency, no one-at-a-time rule, no faults
// (so a test can switch `offline` off again over HTTP).

import type * as http from 'node:http';
import { parseSetInput } from './device-state';
import { parseFaultsInput, type ControlHandler } from './lan-server';
import { isProfileName, PROFILE_NAMES } from './profiles';
import type { TrydanSimulator } from './simulator';

const MAX_BODY_BYTES = 64 * 1024;

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function readJson(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpProblem(413, 'body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8').trim();
      if (text === '') return resolve({});
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new HttpProblem(400, 'body is not valid JSON'));
      }
    });
    req.on('error', reject);
  });
}

function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  if (res.destroyed || res.writableEnded) return;
  const body = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * Routes: GET /_sim/state · POST /_sim/fault (partial faults) · DELETE /_sim/fault (clear) ·
 * POST /_sim/car {"connected":bool} · POST /_sim/set (partial state, see SimSetInput) ·
 * POST /_sim/firmware {"firmware":"2.3.20"} · GET /_sim/log · DELETE /_sim/log.
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
        const body = (await readJson(req)) as { connected?: unknown };
        if (typeof body.connected !== 'boolean') throw new HttpProblem(400, 'expected {"connected": true|false}');
        if (body.connected) sim.plugIn();
        else sim.unplug();
        return sim.snapshot();
      }
      case 'POST /_sim/set':
        sim.set(parseSetInput(await readJson(req)));
        return sim.snapshot();
      case 'POST /_sim/firmware': {
        const body = (await readJson(req)) as { firmware?: unknown };
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
    handle(req.method ?? 'GET', path, req).then(
      (value) => sendJson(res, 200, value),
      (err: unknown) => {
        const status = err instanceof HttpProblem ? err.status : err instanceof RangeError ? 400 : 500;
        sendJson(res, status, { error: err instanceof Error ? err.message : String(err) });
      },
    );
  };
}
