// What the simulator's LAN and cloud servers share: listening on 127.0.0.1 only, and a
// close that leaves nothing behind (keep-alive sockets included), so tests can count handles.

import type http from 'node:http';
import type { Socket } from 'node:net';

export const LOOPBACK = '127.0.0.1';

/** Tracks the server's sockets so close() can destroy the idle keep-alive ones too. */
export function trackSockets(server: http.Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return sockets;
}

export function listenOnLoopback(server: http.Server, port: number, what: string): Promise<{ host: string; port: number }> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(port, LOOPBACK, () => {
      server.off('error', onError);
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error(`${what} has no TCP address`));
        return;
      }
      resolve({ host: LOOPBACK, port: address.port });
    });
  });
}

/** Stops listening, clears pending answers and destroys every socket. */
export function closeServer(server: http.Server, sockets: Set<Socket>, timers: Set<NodeJS.Timeout>): Promise<void> {
  for (const t of timers) clearTimeout(t);
  timers.clear();
  return new Promise((resolve) => {
    if (server.listening) server.close(() => resolve());
    for (const s of sockets) s.destroy();
    if (!server.listening) resolve();
  });
}
