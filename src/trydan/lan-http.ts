// One GET to a charger over node:http, with an overall deadline and a body size cap. The LAN
// uses node:http, not undici (the cloud's client): at a thousand chargers it holds ~30 MB
// less, and a LAN-only Node-RED never loads undici (~20 MB resident) or its WASM parser
// (~16 MB more at the first request). Measured in bench/README.md, "HTTP client".

import { Agent, request } from 'node:http';
import { type Clock, systemClock } from './clock';
import { RequestTimeout, sizeText } from './bounded-request';
import { InvalidResponse } from './errors';

export interface LanReply {
  status: number;
  body: string;
}

/** What happened to one request before it failed: was it answered, and did it go over a kept connection. */
export interface LanProgress {
  headers: boolean;
  reused: boolean;
}

export interface LanBounds {
  /** Milliseconds from asking for a connection to the body's last byte. */
  deadlineMs: number;
  /** Bytes of body accepted; one more and the request is abandoned. */
  maxBytes: number;
  clock?: Clock;
}

/** The deadline passed before a connection was made: the charger never got the request. */
export class ConnectTimeout extends Error {
  readonly code = 'CONNECT_TIMEOUT';
  constructor(ms: number) {
    super(`no connection within ${ms} ms`);
    this.name = 'ConnectTimeout';
  }
}

/**
 * One connection per charger (it answers one request at a time), kept idle for `keepAliveMs`:
 * the agent closes a free socket that idles that long, never one in use.
 */
export function lanAgent(keepAliveMs: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: 1, maxFreeSockets: 1, timeout: keepAliveMs, scheduling: 'lifo' });
}

/** Where requests go: parsed once per charger, not per request. */
export interface LanTarget {
  hostname: string;
  port: number;
}

/** `origin` as hostToOrigin() gives it: http://host[:port] (an IPv6 host loses its brackets). */
export function lanTarget(origin: string): LanTarget {
  const url = new URL(origin);
  return { hostname: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 80) };
}

export function lanGet(agent: Agent, target: LanTarget, path: string, bounds: LanBounds, progress: LanProgress): Promise<LanReply> {
  const clock = bounds.clock ?? systemClock;
  return new Promise<LanReply>((resolve, reject) => {
    let settled = false;
    const req = request({ agent, hostname: target.hostname, port: target.port, path, method: 'GET' });
    // Every way out ends here once: the timer cleared, the socket destroyed unless answered whole.
    const end = (err: Error | undefined, reply?: LanReply): void => {
      if (settled) return;
      settled = true;
      clock.clearTimeout(timer);
      progress.reused = req.reusedSocket;
      if (err) {
        req.destroy();
        reject(err);
      } else {
        resolve(reply!);
      }
    };
    const timer = clock.setTimeout(() => {
      const connected = req.socket !== null && req.socket !== undefined && !req.socket.connecting;
      end(connected ? new RequestTimeout(bounds.deadlineMs) : new ConnectTimeout(bounds.deadlineMs));
    }, bounds.deadlineMs);
    const tooLarge = (): InvalidResponse => new InvalidResponse(`charger sent a reply larger than ${sizeText(bounds.maxBytes)}; stopped reading it`);
    req.on('error', (err) => end(err));
    req.on('response', (res) => {
      progress.headers = true;
      // A declared length over the cap is refused before a byte of it is read.
      if (Number(res.headers['content-length']) > bounds.maxBytes) return end(tooLarge());
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > bounds.maxBytes) end(tooLarge());
        else chunks.push(chunk);
      });
      res.on('end', () => end(undefined, { status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (err) => end(err));
      // The connection closed before the body's end: a reset, whatever Node called it. (Every
      // reply closes; the error, with its stack, is built only for one cut short.)
      res.on('close', () => {
        if (!settled) end(Object.assign(new Error('connection closed before the reply ended'), { code: 'ECONNRESET' }));
      });
    });
    req.end();
  });
}
