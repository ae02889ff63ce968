import { strict as assert } from 'node:assert';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TrydanSimulator } from '../../src/sim';
import { LanClient } from '../../src/trydan/lan-client';
import { countingClock } from '../helpers/counting-clock';
import { floodingServer, tricklingServer, within } from '../helpers/endless-server';

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;

/** A scripted charger on 127.0.0.1 that records when each request started and ended. */
async function charger(handler: Handler): Promise<{ host: string; log: Array<{ path: string; start: number; end: number }>; inFlightMax: () => number; close: () => Promise<void> }> {
  const log: Array<{ path: string; start: number; end: number }> = [];
  let inFlight = 0;
  let max = 0;
  let n = 0;
  const server: Server = createServer((req, res) => {
    const entry = { path: req.url ?? '', start: Date.now(), end: 0 };
    log.push(entry);
    max = Math.max(max, ++inFlight);
    res.on('close', () => {
      inFlight--;
      entry.end = Date.now();
    });
    handler(req, res, n++);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    log,
    inFlightMax: () => max,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

describe('LAN client', () => {
  let close: (() => Promise<void>) | undefined;
  let client: LanClient | undefined;
  afterEach(async () => {
    await client?.close();
    await close?.();
    client = undefined;
    close = undefined;
  });

  it('runs one request at a time with a gap between them', async () => {
    const c = await charger((_req, res) => setTimeout(() => res.end('{"ID":"A","ChargeState":0}'), 20));
    close = c.close;
    client = new LanClient({ host: c.host, gapMs: 150 });
    await Promise.all([client.realtime(), client.write('Intensity', 10).catch(() => undefined), client.realtime(), client.read('Intensity').catch(() => undefined)]);
    assert.equal(c.inFlightMax(), 1);
    for (let i = 1; i < c.log.length; i++) {
      const gap = c.log[i]!.start - c.log[i - 1]!.end;
      assert.ok(gap >= 140, `gap ${gap} ms between request ${i - 1} and ${i}`);
    }
  });

  it('sends Keyword=Value in the path and needs OK back', async () => {
    const c = await charger((req, res) => res.end(req.url === '/write/Intensity=16' ? 'OK' : 'ERROR'));
    close = c.close;
    client = new LanClient({ host: c.host, gapMs: 0 });
    await client.write('Intensity', 16);
    await assert.rejects(client.write('Intensity', 99), { code: 'WRITE_REJECTED', message: /rejected Intensity=99 \(answered "ERROR"\)/ });
  });

  it('retries once after a 404 from quick back-to-back requests', async () => {
    const c = await charger((_req, res, n) => {
      if (n === 0) {
        res.statusCode = 404;
        res.end('This URI does not exist');
      } else res.end('{"ID":"A","ChargePower":"7360"}');
    });
    close = c.close;
    client = new LanClient({ host: c.host, gapMs: 0 });
    const reading = await client.realtime();
    assert.equal(reading.ChargePower, 7360);
    assert.equal(c.log.length, 2);
  });

  it('retries once after a reset, then reports the charger unreachable', async () => {
    const c = await charger((req) => req.socket.destroy());
    close = c.close;
    client = new LanClient({ host: c.host, gapMs: 0 });
    await assert.rejects(client.realtime(), { code: 'DEVICE_UNREACHABLE', message: /unreachable \(connection reset\)/ });
    assert.equal(c.log.length, 2);
  });

  it('gives up after the timeout, once retried', async () => {
    const c = await charger(() => undefined); // never answers
    close = c.close;
    client = new LanClient({ host: c.host, gapMs: 0, timeoutMs: 200 });
    const started = Date.now();
    await assert.rejects(client.realtime(), { code: 'DEVICE_UNREACHABLE', message: /no answer in time/ });
    assert.equal(c.log.length, 2);
    // Two timeouts (undici's run up to ~1 s at this setting) and a recovery gap of one timeout between them.
    assert.ok(Date.now() - started < 3_500);
  });

  it('reports a refused connection without retrying', async () => {
    const c = await charger(() => undefined);
    await c.close();
    client = new LanClient({ host: c.host, gapMs: 0 });
    await assert.rejects(client.realtime(), { code: 'DEVICE_UNREACHABLE', message: /connection refused/ });
  });

  it('learns that old firmware has no /read/', async () => {
    const c = await charger((req, res) => {
      if (req.url?.startsWith('/read/')) {
        res.statusCode = 404;
        res.end('This URI does not exist');
      } else res.end('OK');
    });
    close = c.close;
    client = new LanClient({ host: c.host, gapMs: 0 });
    assert.equal(await client.read('ChargeMode'), undefined);
    assert.equal(client.readSupported, true, 'one bad moment is not enough');
    assert.equal(await client.read('ChargeMode'), undefined);
    assert.equal(client.readSupported, false);
    assert.equal(await client.read('ChargeMode'), undefined);
    assert.equal(c.log.length, 4, 'asked twice, each retried once, then never again');
  });

  it('ignores the Content-Type (2.3.20 sends "text")', async () => {
    const c = await charger((_req, res) => {
      res.setHeader('Content-Type', 'text');
      res.end('{"ID":"A","FirmwareVersion":"2.3.20","FirmwareVersion":"2.3.20","ChargeState":1}');
    });
    close = c.close;
    client = new LanClient({ host: c.host, gapMs: 0 });
    assert.deepEqual(await client.realtime(), { ID: 'A', FirmwareVersion: '2.3.20', ChargeState: 1 });
  });

  it('reads one keyword as a number', async () => {
    const c = await charger((_req, res) => res.end('1\r\n'));
    close = c.close;
    client = new LanClient({ host: c.host, gapMs: 0 });
    assert.equal(await client.read('ChargeMode'), 1);
  });
  it('gives up on a reply that never ends within its deadline and destroys the socket', async () => {
    // A byte every 50 ms: undici's bodyTimeout (a limit between chunks) would never fire.
    const c = await tricklingServer(50);
    close = c.close;
    client = new LanClient({ host: c.host, gapMs: 0, timeoutMs: 300 });
    const started = Date.now();
    await within(3_000, assert.rejects(client.realtime(), { code: 'DEVICE_UNREACHABLE', message: /no answer in time/ }));
    const took = Date.now() - started;
    assert.ok(took < 2 * 300 + 400, `took ${took} ms for two attempts of 300 ms`);
    await within(1_000, (async () => { while (c.socketsClosed < c.requests) await new Promise((r) => setTimeout(r, 10)); })());
    assert.equal(c.requests, 2, 'retried once, as after any timeout');
  });

  it('stops reading a reply larger than any Trydan sends and destroys the socket', async () => {
    const c = await floodingServer();
    close = c.close;
    client = new LanClient({ host: c.host, gapMs: 0, timeoutMs: 5_000 });
    await within(3_000, assert.rejects(client.realtime(), { code: 'INVALID_RESPONSE', message: /larger than 64 KB/ }));
    await within(1_000, (async () => { while (c.socketsClosed < c.requests) await new Promise((r) => setTimeout(r, 10)); })());
    assert.equal(c.requests, 1, 'a reply too large is not asked for again');
    assert.ok(c.bytesWritten < 16 * 1024 * 1024, `${c.bytesWritten} bytes written before the client left`);
  });

  it('stops a request waiting for its turn when closed, leaving no timer behind', async () => {
    const c = await charger((_req, res) => res.end('{"ID":"A","ChargeState":0}'));
    close = c.close;
    const clock = countingClock();
    // A gap as long as the pacing can ask for after a timeout, so the second request waits.
    client = new LanClient({ host: c.host, gapMs: 10_000, clock });
    await client.realtime();
    const waiting = client.realtime().then(() => 'answered', (err: Error & { code?: string }) => err.code);
    await new Promise((r) => setTimeout(r, 50));
    await within(1_000, client.close());
    assert.equal(await within(1_000, waiting), 'DEVICE_UNREACHABLE');
    assert.equal(clock.pending(), 0, 'the wait for the gap outlived the close');
    assert.equal(c.log.length, 1, 'nothing sent after the close');
  });

  describe('against the simulator, which counts overlaps', () => {
    let sim: TrydanSimulator;
    let host: string;
    beforeEach(async () => {
      sim = new TrydanSimulator({ latencyMs: 5 });
      ({ host } = await sim.start());
    });
    afterEach(async () => {
      await client?.close();
      client = undefined;
      await sim.stop();
    });

    it('after a timeout waits until the charger is plausibly free: no overlap, and healthy again at once', async function () {
      this.timeout(15_000);
      // The charger answers after 1.25 s, beyond the client's 1 s deadline, as a Trydan answering
      // after 10 s a client that gives up after 8 s.
      client = new LanClient({ host, gapMs: 20, timeoutMs: 1000 });
      sim.setFault({ slowMs: 1250 });
      await assert.rejects(client!.realtime(), { code: 'DEVICE_UNREACHABLE', message: /no answer in time/ });
      sim.setFault({ slowMs: 0 });
      const reading = await client!.realtime();
      assert.equal(reading.ID, sim.state.ID);
      const requests = [...sim.requests].sort((a, b) => a.start - b.start);
      assert.deepEqual(requests.filter((r) => r.overlapped), [], 'no request reached a busy charger');
      assert.equal(sim.maxConcurrent, 1);
      for (let i = 1; i < requests.length; i++) assert.ok(requests[i]!.start >= requests[i - 1]!.end, `request ${i} started before the charger was free`);
      assert.deepEqual(requests.map((r) => r.status), [200, 200, 200], 'the two abandoned ones were answered late, the third at once');
    });

    it('retries a 404 after a longer gap, so a charger that needs 200 ms between requests is read', async () => {
      sim.setFault({ minGapMs: 200 });
      client = new LanClient({ host, gapMs: 150 });
      await client.write('Intensity', 12);
      // Right after the write, as a read-back: 150 ms is too soon for this charger.
      const reading = await client.realtime();
      assert.equal(reading.Intensity, 12);
      assert.equal(await client.read('Intensity'), 12);
    });
  });
});
