// Servers on 127.0.0.1 that misbehave at the socket level: a reply that never ends (one byte
// at a time) and a reply that never stops growing. Each records when its sockets closed, so a
// test can see that the client destroyed the abandoned request's socket.

import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BadServer {
  host: string;
  origin: string;
  requests: number;
  /** Sockets the client closed (or destroyed) so far. */
  socketsClosed: number;
  /** Bytes of body written before the client went away. */
  bytesWritten: number;
  close(): Promise<void>;
}

/** `writeBody` is called per request; it returns a stop function run when the socket closes. */
async function serve(writeBody: (req: IncomingMessage, res: ServerResponse, count: (n: number) => void) => () => void): Promise<BadServer> {
  const timers = new Set<() => void>();
  const state = { requests: 0, socketsClosed: 0, bytesWritten: 0 };
  const server: Server = createServer((req, res) => {
    state.requests++;
    const stop = writeBody(req, res, (n) => (state.bytesWritten += n));
    timers.add(stop);
    req.socket.on('close', () => {
      state.socketsClosed++;
      stop();
      timers.delete(stop);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    origin: `http://127.0.0.1:${port}`,
    get requests() { return state.requests; },
    get socketsClosed() { return state.socketsClosed; },
    get bytesWritten() { return state.bytesWritten; },
    close: () =>
      new Promise<void>((resolve) => {
        for (const stop of timers) stop();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Headers at once, then `{`, then one byte every `everyMs`: the body never ends. */
export function tricklingServer(everyMs: number): Promise<BadServer> {
  return serve((_req, res, count) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{');
    count(1);
    const timer = setInterval(() => {
      res.write(' ');
      count(1);
    }, everyMs);
    return () => clearInterval(timer);
  });
}

/** A body that grows by `chunkBytes` whenever the socket can take more, until the client leaves. */
export function floodingServer(chunkBytes = 16 * 1024): Promise<BadServer> {
  return serve((_req, res, count) => {
    let stopped = false;
    res.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(chunkBytes, 0x20);
    const pump = (): void => {
      while (!stopped && !res.destroyed) {
        count(chunk.length);
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
    };
    res.write('{"ID":"X","Pad":"');
    setImmediate(pump);
    return () => {
      stopped = true;
    };
  });
}

/** Rejects after `ms` so a test that would hang fails instead. */
export function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`still not settled after ${ms} ms`)), ms);
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}
