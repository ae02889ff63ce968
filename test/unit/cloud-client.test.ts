import { strict as assert } from 'node:assert';
import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudBudget } from '../../src/coordinator/cloud-budget';
import { CLOUD_ENDPOINTS } from '../../src/trydan/cloud-catalogue';
import { CloudClient } from '../../src/trydan/cloud-client';
import { checkCloudUrl } from '../../src/trydan/cloud-url';
import { type BadServer, floodingServer, tricklingServer, within } from '../helpers/endless-server';

const KEY = 'k3y-that-must-never-leak-0123456789';

interface Seen { method: string; path: string; query: Record<string, string>; body: string; apikey: string | undefined }

describe('cloud client', () => {
  let server: Server;
  let seen: Seen[];
  let answer: (req: IncomingMessage) => { status: number; body?: string; headers?: Record<string, string> };
  let client: CloudClient;
  let budget: CloudBudget;

  beforeEach(async () => {
    seen = [];
    answer = () => ({ status: 200, body: '{"message":"Command executed successfully"}', headers: { 'RateLimit-Limit': '1000', 'RateLimit-Remaining': '812', 'RateLimit-Reset': '3600' } });
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const url = new URL(req.url ?? '', 'http://x');
        seen.push({ method: req.method ?? '', path: url.pathname, query: Object.fromEntries(url.searchParams), body, apikey: req.headers.apikey as string | undefined });
        const a = answer(req);
        res.writeHead(a.status, a.headers ?? {});
        res.end(a.body ?? '');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    budget = new CloudBudget();
    client = new CloudClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/kong/v2c_service/`, apiKey: KEY, budget });
  });

  afterEach(async () => {
    await client.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const codeOf = (p: Promise<unknown>) => p.then(() => 'resolved', (err: Error & { code?: string }) => { assert.ok(!err.message.includes(KEY), 'the key is not in the message'); return err.code; });

  it('sends method, path, device parameter and values as the server wants them, key in the header only', async () => {
    const r = await client.call('intensity', { deviceId: 'DEV1', params: { value: '16' } });
    assert.deepEqual(seen[0], { method: 'POST', path: '/kong/v2c_service/device/intensity', query: { deviceId: 'DEV1', value: '16' }, body: '', apikey: KEY });
    assert.deepEqual(r.payload, { ok: true, message: 'Command executed successfully' });
    assert.deepEqual(r.rateLimit.remaining, 812);
  });

  it('names the device "id" where the server wants that, and sends JSON bodies', async () => {
    await client.call('ocpp_addr', { deviceId: 'DEV1', params: { value: 'ws://ocpp.example/cp' } });
    assert.deepEqual(seen[0]!.query, { id: 'DEV1', value: 'ws://ocpp.example/cp' });
    await client.call('timer', { deviceId: 'DEV1', params: { timerId: 1, start_time: '22:00', end_time: '06:00', active: true } });
    assert.deepEqual(seen[1]!.query, { deviceId: 'DEV1', timerId: '1' });
    assert.deepEqual(JSON.parse(seen[1]!.body), { start_time: '22:00', end_time: '06:00', active: true });
  });

  it('refuses bad parameters before sending anything, naming each problem', async () => {
    await assert.rejects(client.call('intensity', { deviceId: 'D', params: { value: 40 } }), { code: 'INVALID_INPUT', message: /intensity: value expected 6\.\.32 A/ });
    await assert.rejects(client.call('intensity', { deviceId: 'D', params: { vaule: 16 } }), { code: 'INVALID_INPUT', message: /unknown parameter "vaule"/ });
    await assert.rejects(client.call('intensity', { deviceId: 'D', params: {} }), { code: 'INVALID_INPUT', message: /value is required/ });
    await assert.rejects(client.call('teleport', { deviceId: 'D' }), { code: 'INVALID_INPUT', message: /not a V2C cloud command/ });
    await assert.rejects(client.call('reboot', {}), { code: 'NO_DEVICE' });
    assert.equal(seen.length, 0);
    assert.equal(budget.rateLimit.remaining, 1000);
  });

  it('refuses oversized, impossible or malformed values before anything is sent or spent', async () => {
    const huge = 'x'.repeat(200 * 1024);
    const bad: Array<[string, { deviceId?: string; params?: Record<string, unknown> }]> = [
      ['ocpp_addr', { deviceId: 'D', params: { value: `ws://${huge}` } }],
      ['inverter_ip', { deviceId: 'D', params: { value: '999.999.999.999' } }],
      ['inverter_ip', { deviceId: 'D', params: { value: '192.168.1.256' } }],
      ['stadistic/device', { deviceId: 'D', params: { chargeDateStart: '2026-02-31', chargeDateEnd: '2026-03-01' } }],
      ['stadistic/global/me', { params: { endChargeDateStart: '2026-13-01' } }],
      ['personalicepower/v2/get', { deviceId: 'D', params: { updateAt: `2026-10-27T10:00:00Z${' '.repeat(1000)}junk` } }],
      ['reboot', { deviceId: 'D'.repeat(300 * 1024) }],
      ['reboot', { deviceId: 'DEV 1?x=1' }],
    ];
    for (const [name, call] of bad) {
      await assert.rejects(client.call(name, call), { code: 'INVALID_INPUT' }, `${name} ${JSON.stringify(call).slice(0, 80)}`);
    }
    assert.equal(seen.length, 0, 'nothing sent');
    assert.equal(budget.rateLimit.remaining, 1000, 'nothing spent');
    await client.call('inverter_ip', { deviceId: 'TRYDAN-0001', params: { value: '192.168.1.255' } });
    answer = () => ({ status: 200, body: '[]' });
    await client.call('stadistic/device', { deviceId: 'D', params: { chargeDateStart: '2024-02-29', chargeDateEnd: '2026-12-31' } });
    assert.equal(seen.length, 2);
  });

  it('never turns an empty or odd value into 0 or 1', async () => {
    for (const [command, value] of [['locked', ''], ['locked', null], ['set_rfid', ' '], ['maxpower', null], ['inst_type', []], ['intensity', true], ['language', '']] as const) {
      await assert.rejects(client.call(command, { deviceId: 'D', params: { value } }), { code: 'INVALID_INPUT' }, `${command} ${JSON.stringify(value)}`);
    }
    await assert.rejects(client.call('rfid/rename', { deviceId: 'D', params: { code: 'A', tag: {} } }), { message: /tag expected text/ });
    assert.equal(seen.length, 0);
    await client.call('locked', { deviceId: 'D', params: { value: 'off' } });
    await client.call('rfid/add', { deviceId: 'D', params: { code: 123456, tag: '007' } });
    assert.deepEqual(seen.map((r) => r.query), [{ deviceId: 'D', value: '0' }, { deviceId: 'D', code: '123456', tag: '007' }]);
  });

  it('refuses to send the key anywhere but https (or this machine)', () => {
    for (const bad of ['http://v2c.cloud/kong/v2c_service', 'ftp://x', 'v2c.cloud/kong', 'https://user:pw@v2c.cloud/']) {
      assert.throws(() => checkCloudUrl(bad), { code: 'INVALID_INPUT' }, bad);
    }
    assert.equal(checkCloudUrl('https://v2c.cloud/kong/v2c_service/'), 'https://v2c.cloud/kong/v2c_service');
    assert.equal(checkCloudUrl('http://127.0.0.1:8181/kong/v2c_service'), 'http://127.0.0.1:8181/kong/v2c_service');
  });

  it('turns answers into typed errors that never carry the key', async () => {
    for (const [status, code] of [[401, 'AUTH_FAILED'], [403, 'FORBIDDEN'], [400, 'CLOUD_REJECTED'], [503, 'CLOUD_UNREACHABLE']] as const) {
      answer = () => ({ status, body: `echo ${KEY}` });
      assert.equal(await codeOf(client.call('reported', { deviceId: 'D' })), code, String(status));
    }
    answer = () => ({ status: 429, headers: { 'RateLimit-Remaining': '0', 'RateLimit-Reset': '600' } });
    assert.equal(await codeOf(client.call('reported', { deviceId: 'D' })), 'RATE_LIMITED');
    const calls = seen.length;
    assert.equal(await codeOf(client.call('reboot', { deviceId: 'D' })), 'RATE_LIMITED', 'no call after a 429');
    assert.equal(seen.length, calls);
  });

  it('counts only a reply the endpoint expects as success: no HTML page, no JSON cut short', async () => {
    const page = '<!DOCTYPE html><html><head><title>Maintenance</title></head><body>Back soon</body></html>';
    for (const [name, body] of [
      ['reboot', page],
      ['version', page],
      ['reboot', '{"message":"Command exec'],
      ['reported', '{"intensity":"16","charge_st'],
      ['rfid/list', '[{"code":"aa","tag":"Ana"},{"code":"b'],
      ['version', '"2.5.'],
      ['connected', 'Service Unavailable'],
    ] as const) {
      answer = () => ({ status: 200, body, headers: { 'content-type': 'text/html' } });
      await assert.rejects(client.call(name, { deviceId: 'D' }), { code: 'INVALID_RESPONSE' }, `${name}: ${body}`);
    }
    answer = () => ({ status: 200, body: 'OK' });
    assert.deepEqual((await client.call('reboot', { deviceId: 'D' })).payload, { ok: true, message: 'OK' });
    answer = () => ({ status: 200, body: '"2.5.0"' });
    assert.equal((await client.call('version', { deviceId: 'D' })).payload, '2.5.0');
  });

  it('still names the HTTP status of a refusal that comes as a page', async () => {
    answer = () => ({ status: 404, body: '<html><body>Not Found</body></html>' });
    await assert.rejects(client.call('version', { deviceId: 'D' }), { code: 'CLOUD_REJECTED', message: /HTTP 404/ });
  });

  it('never hands on the key a reply echoes: not in the payload, the raw reply or an error text', async () => {
    answer = () => ({ status: 200, body: JSON.stringify({ message: `accepted key ${KEY}`, echo: { apikey: KEY } }) });
    const r = await client.call('reboot', { deviceId: 'D' });
    assert.ok(!JSON.stringify(r.payload).includes(KEY), 'payload');
    assert.ok(!JSON.stringify(r.raw).includes(KEY), 'raw');
    assert.deepEqual(r.payload, { ok: true, message: 'accepted key ***' });
    // Error texts cut the reply short: not even the start of the key may show.
    const part = KEY.slice(0, 10);
    for (const [name, body] of [['reported', JSON.stringify(['padding', KEY])], ['connected', JSON.stringify({ x: `${KEY}` })], ['rfid/list', JSON.stringify(`apikey ${KEY}`)]] as const) {
      answer = () => ({ status: 200, body });
      const err = await client.call(name, { deviceId: 'D' }).then(() => undefined, (e: Error) => e);
      assert.ok(err, `${name} failed`);
      assert.ok(!err.message.includes(part), `${name}: ${err.message}`);
    }
  });

  describe('with few calls left', () => {
    let slow: Server;
    let arrivals: number[];
    let sent429At: number;
    let other: CloudClient;
    let remaining: number;
    let first429: boolean;

    beforeEach(async () => {
      arrivals = [];
      sent429At = Infinity;
      first429 = false;
      slow = createServer((req, res) => {
        arrivals.push(Date.now());
        const n = arrivals.length;
        req.resume();
        setTimeout(() => {
          if (first429 && n === 1) {
            sent429At = Date.now();
            res.writeHead(429, { 'RateLimit-Remaining': '0', 'RateLimit-Reset': '600' });
            return res.end();
          }
          remaining = Math.max(0, remaining - 1);
          res.writeHead(200, { 'RateLimit-Limit': '1000', 'RateLimit-Remaining': String(remaining) });
          res.end('OK');
        }, 60);
      });
      await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
      other = new CloudClient({ baseUrl: `http://127.0.0.1:${(slow.address() as AddressInfo).port}/kong/v2c_service`, apiKey: KEY, budget });
    });

    afterEach(async () => {
      await other.close();
      slow.closeAllConnections();
      await new Promise((r) => slow.close(r));
    });

    const settle = (n: number, make: () => Promise<unknown>) =>
      within(10_000, Promise.all(Array.from({ length: n }, () => make().then(() => 'ok', (e: { code?: string }) => e.code ?? 'error'))));

    it('reserves a call before it goes on the wire: 20 at once with 4 left send at most 4', async () => {
      remaining = 4;
      budget.record(200, { limit: 1000, remaining: 4 });
      const results = await settle(20, () => other.call('reboot', { deviceId: 'D' }));
      assert.ok(arrivals.length <= 4, `${arrivals.length} calls went on the wire`);
      assert.equal(results.filter((r) => r === 'ok').length, arrivals.length);
      assert.ok(results.filter((r) => r !== 'ok').every((r) => r === 'RATE_LIMITED'), results.join());
      assert.equal(budget.rateLimit.remaining, 0);
    });

    it('gives a reservation back when its call never went out', async () => {
      remaining = 4;
      budget.record(200, { limit: 1000, remaining: 4 });
      await assert.rejects(other.call('intensity', { deviceId: 'D', params: { value: 99 } }), { code: 'INVALID_INPUT' });
      await settle(2, () => other.call('reboot', { deviceId: 'D' }));
      await settle(2, () => other.call('reboot', { deviceId: 'D' }));
      assert.equal(arrivals.length, 4);
    });

    it('sends nothing after a 429, not even the calls already waiting', async () => {
      remaining = 10;
      first429 = true;
      budget.record(200, { limit: 1000, remaining: 10 });
      const results = await settle(10, () => other.call('reboot', { deviceId: 'D' }));
      assert.ok(sent429At < Infinity, 'the cloud answered 429');
      assert.deepEqual(arrivals.filter((t) => t > sent429At), [], 'no call reached the cloud after its 429');
      assert.ok(results.filter((r) => r === 'RATE_LIMITED').length >= 8, results.join());
    });
  });

  it('reports a cloud that does not answer', async () => {
    answer = (req) => { req.socket.destroy(); return { status: 200 }; };
    assert.equal(await codeOf(client.call('reported', { deviceId: 'D' })), 'CLOUD_UNREACHABLE');
  });

  it('has every endpoint the issue names, each once', () => {
    const names = CLOUD_ENDPOINTS.map((e) => e.name);
    assert.equal(new Set(names).size, names.length);
    assert.equal(names.length, 46);
  });
  describe('against a server that will not stop', () => {
    let bad: BadServer | undefined;
    let other: CloudClient | undefined;
    afterEach(async () => {
      await other?.close();
      await bad?.close();
      other = undefined;
      bad = undefined;
    });
    const allSocketsClosed = (s: BadServer) => within(1_000, (async () => { while (s.socketsClosed < s.requests) await new Promise((r) => setTimeout(r, 10)); })());

    it('gives up on a reply that never ends within the deadline and destroys the socket', async () => {
      bad = await tricklingServer(50);
      other = new CloudClient({ baseUrl: `${bad.origin}/kong/v2c_service`, apiKey: KEY, budget, timeoutMs: 300 });
      const started = Date.now();
      await within(3_000, assert.rejects(other.call('reported', { deviceId: 'D' }), { code: 'CLOUD_UNREACHABLE', message: /no answer in time/ }));
      assert.ok(Date.now() - started < 300 + 400, `took ${Date.now() - started} ms`);
      await allSocketsClosed(bad);
    });

    it('stops reading a reply larger than its cap and destroys the socket', async () => {
      bad = await floodingServer(64 * 1024);
      other = new CloudClient({ baseUrl: `${bad.origin}/kong/v2c_service`, apiKey: KEY, budget, timeoutMs: 10_000 });
      await within(5_000, assert.rejects(other.call('stadistic/device', { deviceId: 'D' }), { code: 'INVALID_RESPONSE', message: /larger than 4 MB/ }));
      await allSocketsClosed(bad);
    });
  });
});
