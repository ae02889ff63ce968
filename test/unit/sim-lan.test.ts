import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import { TrydanSimulator } from '../../src/sim';
import { WRITABLE_KEYWORDS } from '../../src/trydan/keywords';
import { get, postJson } from './sim-http';

const NOON = new Date(2025, 5, 21, 12, 0, 0).getTime();

describe('sim LAN server', () => {
  let sim: TrydanSimulator;
  let url: string;

  beforeEach(async () => {
    sim = new TrydanSimulator({ startTime: NOON, latencyMs: 30 });
    ({ url } = await sim.start());
  });
  afterEach(() => sim.stop());

  it('listens on 127.0.0.1 and serves /RealTimeData', async () => {
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const r = await get(url, '/RealTimeData');
    assert.equal(r.status, 200);
    const data = JSON.parse(r.body) as Record<string, unknown>;
    assert.equal(data.ID, 'SIMTRYDAN01');
    assert.equal(data.ChargeState, 2);
    assert.equal(data.ChargePower, 16 * 230);
  });

  describe('writes', () => {
    it('answers OK and applies the value at once', async () => {
      const r = await get(url, '/write/Intensity=20');
      assert.equal(r.status, 200);
      assert.equal(r.body, 'OK');
      assert.equal(sim.state.Intensity, 20);
      assert.equal(sim.state.ChargePower, 20 * 230);
      assert.deepEqual(
        sim.writes.map(({ keyword, value, accepted, source }) => ({ keyword, value, accepted, source })),
        [{ keyword: 'Intensity', value: 20, accepted: true, source: 'lan' }],
      );
      assert.equal((await get(url, '/read/Intensity')).body, '20');
    });

    it('answers ERROR for unknown keywords, non-integers and values out of range', async () => {
      for (const path of [
        '/write/Foo=1',
        '/write/Intensity=40',
        '/write/Intensity=5',
        '/write/Intensity=16.5',
        '/write/Intensity=abc',
        '/write/intensity=10', // the firmware is case-sensitive
        '/write/Intensity',
        '/write/Paused=2',
        '/write/DynamicPowerMode=6',
        '/write/ChargePower=10', // readable, not writable
      ]) {
        const r = await get(url, path);
        assert.equal(r.status, 200, path);
        assert.equal(r.body, 'ERROR', path);
      }
      assert.equal(sim.state.Intensity, 16);
      assert.ok(sim.writes.every((w) => !w.accepted));
    });

    it('accepts the range limits of the keyword table', async () => {
      assert.equal((await get(url, '/write/ContractedPower=-1')).body, 'OK');
      assert.equal((await get(url, '/write/LightLED=0')).body, 'OK');
      assert.equal((await get(url, '/write/ChargeMode=2')).body, 'OK');
      assert.equal(sim.state.ContractedPower, -1);
    });

    it('follows the keyword table for every writable keyword', async () => {
      const fast = new TrydanSimulator({ startTime: NOON, latencyMs: 0 });
      const base = (await fast.start()).url;
      try {
        for (const k of WRITABLE_KEYWORDS) {
          assert.equal((await get(base, `/write/${k.name}=${k.min}`)).body, 'OK', `${k.name}=${k.min}`);
          assert.equal((await get(base, `/read/${k.name}`)).body, String(k.min), `read ${k.name}`);
          assert.equal((await get(base, `/write/${k.name}=${k.max}`)).body, 'OK', `${k.name}=${k.max}`);
          assert.equal((await get(base, `/write/${k.name}=${k.min - 1}`)).body, 'ERROR', `${k.name}=${k.min - 1}`);
          assert.equal((await get(base, `/write/${k.name}=${k.max + 1}`)).body, 'ERROR', `${k.name}=${k.max + 1}`);
        }
      } finally {
        await fast.stop();
      }
    });

    it('pauses through /write/Paused=1: ChargeState stays 2, power 0', async () => {
      assert.equal((await get(url, '/write/Paused=1')).body, 'OK');
      const data = JSON.parse((await get(url, '/RealTimeData')).body) as Record<string, number>;
      assert.equal(data.ChargeState, 2);
      assert.equal(data.Paused, 1);
      assert.equal(data.ChargePower, 0);
      assert.equal(data.ChargeEnergy, 0);
    });
  });

  describe('reads', () => {
    it('answers plain text for readable fields and ERROR for unknown ones', async () => {
      assert.equal((await get(url, '/read/Intensity')).body, '16');
      assert.equal((await get(url, '/read/ChargePower')).body, '3680.00');
      assert.equal((await get(url, '/read/ID')).body, 'SIMTRYDAN01');
      assert.equal((await get(url, '/read/FirmwareVersion')).body, '2.5.0');
      assert.equal((await get(url, '/read/Nope')).body, 'ERROR');
    });
  });

  it('answers 404 "This URI does not exist" to other paths and methods', async () => {
    for (const [method, path] of [
      ['GET', '/'],
      ['GET', '/realtimedata'],
      ['GET', '/write'],
      ['POST', '/RealTimeData'],
      ['PUT', '/write/Intensity=10'],
    ] as const) {
      const r = await get(url, path, { method });
      assert.equal(r.status, 404, `${method} ${path}`);
      assert.equal(r.body, 'This URI does not exist');
    }
    assert.equal(sim.state.Intensity, 16);
  });

  describe('one request at a time', () => {
    it('keeps maxConcurrent at 1 for sequential requests', async () => {
      for (let i = 0; i < 3; i++) await get(url, '/RealTimeData');
      assert.equal(sim.maxConcurrent, 1);
      assert.equal(sim.requests.length, 3);
      assert.ok(sim.requests.every((r) => r.status === 200 && !r.overlapped));
    });

    it('answers 404 to a request arriving while another is in flight', async () => {
      const [a, b] = await Promise.all([get(url, '/RealTimeData'), get(url, '/write/Intensity=10')]);
      const statuses = [a.status, b.status].sort();
      assert.deepEqual(statuses, [200, 404]);
      assert.equal(sim.maxConcurrent, 2);
      const overlapped = sim.requests.filter((r) => r.overlapped);
      assert.equal(overlapped.length, 1);
      assert.equal(overlapped[0]?.status, 404);
      if (b.status === 404) assert.equal(sim.state.Intensity, 16, 'a refused write changes nothing');
    });

    it('does not count /_sim/ control traffic', async () => {
      await Promise.all([get(url, '/RealTimeData'), get(url, '/_sim/state'), get(url, '/_sim/state')]);
      assert.equal(sim.maxConcurrent, 1);
      assert.equal(sim.requests.length, 1);
    });

    it('clearLog resets the log, the writes and maxConcurrent', async () => {
      await Promise.all([get(url, '/RealTimeData'), get(url, '/RealTimeData')]);
      sim.clearLog();
      assert.equal(sim.maxConcurrent, 0);
      assert.equal(sim.requests.length, 0);
      assert.equal(sim.writes.length, 0);
    });
  });

  describe('faults', () => {
    it('offline: drops the connection without an answer, control still works', async () => {
      sim.setFault({ offline: true });
      await assert.rejects(get(url, '/RealTimeData'), (err: NodeJS.ErrnoException) => err.code === 'ECONNRESET');
      assert.equal(sim.requests.at(-1)?.status, 0);
      const off = await postJson(url, '/_sim/fault', { offline: false });
      assert.equal(off.status, 200);
      assert.equal((await get(url, '/RealTimeData')).status, 200);
    });

    it('slowMs beyond what a timer can wait is refused clearly, not turned into an instant answer', async () => {
      const bad = await postJson(url, '/_sim/fault', { slowMs: 3e9 });
      assert.equal(bad.status, 400);
      assert.match((bad.json as { error: string }).error, /slowMs must be .*at most 3600000/);
      assert.throws(() => sim.setFault({ slowMs: 3e9 }), /slowMs must be .*at most 3600000/);
      assert.equal(sim.faults.slowMs, 0, 'the fault is unchanged');
      sim.setFault({ slowMs: 300 });
      const t0 = Date.now();
      assert.equal((await get(url, '/RealTimeData')).status, 200);
      assert.ok(Date.now() - t0 >= 290, 'a valid delay is still applied');
    });

    it('slowMs: a client timeout fires, and the device stays busy for an immediate retry', async () => {
      sim.setFault({ slowMs: 250 });
      const t0 = Date.now();
      await assert.rejects(get(url, '/RealTimeData', { timeoutMs: 80 }), /client timeout/);
      const retry = await get(url, '/RealTimeData');
      assert.equal(retry.status, 404, 'the retry overlapped the first request');
      sim.setFault({ slowMs: 0 });
      assert.equal((await get(url, '/RealTimeData')).status, 200);
      assert.ok(Date.now() - t0 < 1500);
    });

    it('malformed: truncated JSON or an HTML page; writes still apply', async () => {
      sim.setFault({ malformed: true });
      const cut = await get(url, '/RealTimeData');
      assert.equal(cut.body, '{"ID":"SIMTRYDAN01",');
      assert.throws(() => JSON.parse(cut.body));
      sim.setFault({ malformed: 'html' });
      assert.ok((await get(url, '/RealTimeData')).body.startsWith('<html>'));
      const w = await get(url, '/write/Intensity=12');
      assert.notEqual(w.body, 'OK');
      assert.equal(sim.state.Intensity, 12, 'the device did it; only the answer is garbage');
      sim.clearFaults();
      assert.equal((await get(url, '/read/Intensity')).body, '12');
    });

    it('rejectWrites: ERROR to every write and nothing changes', async () => {
      sim.setFault({ rejectWrites: true });
      assert.equal((await get(url, '/write/Intensity=10')).body, 'ERROR');
      assert.equal(sim.state.Intensity, 16);
      assert.deepEqual(sim.writes.map((w) => [w.keyword, w.value, w.accepted]), [['Intensity', 10, false]]);
    });

    it('minGapMs: a request right after an answer gets 404', async () => {
      sim.setFault({ minGapMs: 200 });
      await get(url, '/RealTimeData');
      const r = await get(url, '/RealTimeData');
      assert.equal(r.status, 404);
      assert.equal(sim.requests.at(-1)?.tooSoon, true);
      assert.equal(sim.maxConcurrent, 1);
    });
  });

  describe('control API', () => {
    it('GET /_sim/state returns keywords, car, site and faults', async () => {
      const r = await get(url, '/_sim/state');
      assert.equal(r.headers['content-type'], 'application/json');
      const s = JSON.parse(r.body) as { keywords: { ID: string }; car: { connected: boolean }; firmware: string; faults: { offline: boolean } };
      assert.equal(s.keywords.ID, 'SIMTRYDAN01');
      assert.equal(s.car.connected, true);
      assert.equal(s.firmware, '2.5.0');
      assert.equal(s.faults.offline, false);
    });

    it('POST /_sim/car, /_sim/set, /_sim/fault, /_sim/firmware change the device', async () => {
      assert.equal((await postJson(url, '/_sim/car', { connected: false })).status, 200);
      assert.equal(sim.state.ChargeState, 0);
      await postJson(url, '/_sim/car', { connected: true });
      const set = await postJson(url, '/_sim/set', { Intensity: 8, SSID: 'Other', environment: { pvPeakW: 3000 } });
      assert.equal(set.status, 200);
      assert.equal(sim.state.Intensity, 8);
      assert.equal(sim.state.SSID, 'Other');
      await postJson(url, '/_sim/fault', { rejectWrites: true, slowMs: 5 });
      assert.deepEqual(sim.faults, { offline: false, slowMs: 5, malformed: false, rejectWrites: true, minGapMs: 0 });
      await postJson(url, '/_sim/fault', {}, 'DELETE');
      assert.equal(sim.faults.rejectWrites, false);
      await postJson(url, '/_sim/firmware', { firmware: '2.3.20' });
      assert.equal(sim.firmware, '2.3.20');
    });

    it('answers 400 with a reason to bad input and 404 to unknown routes', async () => {
      const bad = await postJson(url, '/_sim/set', { Intensity: 'x', nope: 1 });
      assert.equal(bad.status, 400);
      assert.match((bad.json as { error: string }).error, /Intensity must be a number; nope cannot be set/);
      assert.equal((await postJson(url, '/_sim/fault', { offline: 'yes' })).status, 400);
      assert.equal((await postJson(url, '/_sim/car', {})).status, 400);
      assert.equal((await postJson(url, '/_sim/firmware', { firmware: '9.9' })).status, 400);
      assert.equal((await get(url, '/_sim/set', { method: 'POST', body: '{not json' })).status, 400);
      assert.equal((await get(url, '/_sim/nothing')).status, 404);
    });

    it('GET /_sim/log shows the device traffic', async () => {
      await get(url, '/write/Intensity=10');
      const log = JSON.parse((await get(url, '/_sim/log')).body) as { requests: Array<{ path: string }>; writes: unknown[]; maxConcurrent: number };
      assert.deepEqual(log.requests.map((r) => r.path), ['/write/Intensity=10']);
      assert.equal(log.writes.length, 1);
      assert.equal(log.maxConcurrent, 1);
    });
  });
});

describe('sim stop()', () => {
  const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));
  const tcpHandles = (): string[] => process.getActiveResourcesInfo().filter((r) => r !== 'Timeout' && r !== 'Immediate').sort();
  // No kind of handle more numerous than before (other suites' sockets may close meanwhile).
  const noneAdded = (before: string[], after: string[]): void => {
    for (const kind of new Set(after)) {
      const count = (list: string[]): number => list.filter((k) => k === kind).length;
      assert.ok(count(after) <= count(before), `${kind}: ${count(before)} before, ${count(after)} after stop()`);
    }
  };

  it('leaves no handles behind: server, keep-alive sockets and pending answers', async () => {
    await settle();
    const before = tcpHandles();
    const sim = new TrydanSimulator({ latencyMs: 30 });
    const { url } = await sim.start();
    const agent = new http.Agent({ keepAlive: true });
    await get(url, '/RealTimeData', { agent }); // leaves an idle keep-alive socket
    sim.setFault({ slowMs: 10_000 });
    const pending = get(url, '/RealTimeData', { agent: new http.Agent({ keepAlive: true }) }).catch((err: Error) => err);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(sim.requests.length, 1);
    assert.ok(tcpHandles().length > before.length);
    const t0 = Date.now();
    await sim.stop();
    assert.ok(Date.now() - t0 < 500, 'stop does not wait for the slow answer');
    assert.ok((await pending) instanceof Error, 'the pending client sees the connection end');
    agent.destroy();
    await settle();
    noneAdded(before, tcpHandles());
    await sim.stop(); // twice is fine
  });
});
