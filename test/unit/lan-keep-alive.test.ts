import { strict as assert } from 'node:assert';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Coordinator } from '../../src/coordinator/coordinator';
import { LanClient } from '../../src/trydan/lan-client';

const BODY = '{"ID":"A","ChargeState":2,"ChargePower":"7360"}';

/**
 * A charger on 127.0.0.1 that counts TCP connections ('connection' events) and requests in
 * flight; `handler` sees how many requests came before on the same connection.
 */
async function charger(handler: (req: IncomingMessage, res: ServerResponse, onSocket: number, n: number) => void) {
  let connections = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let n = 0;
  const perSocket = new WeakMap<Socket, number>();
  const server: Server = createServer((req, res) => {
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    res.on('close', () => inFlight--);
    const before = perSocket.get(req.socket) ?? 0;
    perSocket.set(req.socket, before + 1);
    handler(req, res, before, n++);
  });
  // No Keep-Alive hint in the replies (a Trydan sends none), and no idle close of its own.
  server.keepAliveTimeout = 0;
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => connections,
    requests: () => n,
    maxInFlight: () => maxInFlight,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

describe('LAN client keep-alive', () => {
  let c: Awaited<ReturnType<typeof charger>> | undefined;
  let client: LanClient | undefined;
  afterEach(async () => {
    await client?.close();
    await c?.close();
    client = undefined;
    c = undefined;
  });

  it('polls over one connection, even with polls 4.5 s apart (past the old 4 s keep-alive)', async function () {
    this.timeout(10_000);
    c = await charger((_req, res) => res.end(BODY));
    client = new LanClient({ host: c.host, gapMs: 0 });
    for (let i = 0; i < 5; i++) await client.realtime();
    await new Promise((r) => setTimeout(r, 4500));
    await client.realtime();
    assert.equal(c.requests(), 6);
    assert.equal(c.connections(), 1, 'a new TCP connection was opened for a poll');
  });

  it('a kept connection the charger closed costs a resend on a new one, not the retry', async () => {
    // The charger drops a kept connection as a request arrives on it, before any byte of an
    // answer; the first request on the new connection is a busy 404, so only the retry reads.
    c = await charger((req, res, onSocket, n) => {
      if (n === 1) {
        assert.equal(onSocket, 1, 'the second poll came on the kept connection');
        return void req.socket.destroy();
      }
      if (n === 2) {
        res.statusCode = 404;
        return void res.end('This URI does not exist');
      }
      res.end(BODY);
    });
    client = new LanClient({ host: c.host, gapMs: 0 });
    await client.realtime();
    const reading = await client.realtime();
    assert.equal(reading.ChargePower, 7360);
    assert.equal(c.requests(), 4, 'poll, lost on the kept connection, resent (404), retried');
    assert.equal(c.connections(), 2);
    assert.equal(c.maxInFlight(), 1, 'the resend waited for nothing else on the wire');
  });

  it('a reset on a new connection is not resent beyond the one retry', async () => {
    c = await charger((req) => req.socket.destroy());
    client = new LanClient({ host: c.host, gapMs: 0 });
    await assert.rejects(client.realtime(), { code: 'DEVICE_UNREACHABLE', message: /connection reset/ });
    assert.equal(c.requests(), 2);
  });

  it('keeps connections as long as the coordinator polls apart, and follows a new cadence', async () => {
    c = await charger((_req, res) => res.end(BODY));
    client = new LanClient({ host: c.host, gapMs: 0 });
    const coordinator = new Coordinator({ lan: client, cadence: { pollInterval: 5, idleInterval: 60, maxBackoff: 300 } });
    assert.ok(client.keepAlive > 60_000, `keep-alive ${client.keepAlive} ms is not past the 60 s idle interval`);
    coordinator.setCadence({ pollInterval: 2, idleInterval: 10, maxBackoff: 300 });
    assert.ok(client.keepAlive > 10_000 && client.keepAlive < 60_000, `keep-alive ${client.keepAlive} ms after the cadence changed`);
    // The new keep-alive takes a new client at the next request: still one connection at a time.
    await client.realtime();
    await client.realtime();
    assert.equal(c.connections(), 1);
    await coordinator.close();
    client = undefined;
  });
});
