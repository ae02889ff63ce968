// The simulator's transport faults (the chaos soak's tools): replies that never end, huge and
// cut-off replies on the LAN; 5xx, HTML pages, cut-off and endless replies from the cloud;
// an overlap counter that survives the capped log.

import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import { TrydanSimulator } from '../../src/sim';
import { parseCloudFaults } from '../../src/sim/cloud-gateway';
import { HUGE_REPLY_BYTES } from '../../src/sim/fault-replies';
import { parseFaultsInput } from '../../src/sim/lan-server';
import { get } from './sim-http';

const NOON = new Date(2025, 5, 21, 12, 0, 0).getTime();

/** Reads a reply for `ms`, then hangs up: what arrived by then, and whether it had ended. */
function readFor(base: string, path: string, ms: number, headers: Record<string, string> = {}): Promise<{ status: number; body: string; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const req = http.get(new URL(path, base), { agent: false, headers }, (res) => {
      let body = '';
      let ended = false;
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => (ended = true));
      setTimeout(() => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body, ended });
      }, ms);
    });
    req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
  });
}

const until = async (what: string, check: () => boolean): Promise<void> => {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(check(), what);
};

describe('sim faults for the chaos soak', () => {
  describe('LAN', () => {
    let sim: TrydanSimulator;
    let url: string;
    beforeEach(async () => {
      sim = new TrydanSimulator({ startTime: NOON, latencyMs: 5 });
      ({ url } = await sim.start());
    });
    afterEach(() => sim.stop());

    it('endless: `{` then a byte a second, the device busy until the client hangs up', async () => {
      sim.setFault({ malformed: 'endless' });
      const got = await readFor(url, '/RealTimeData', 2300);
      assert.equal(got.status, 200);
      assert.equal(got.ended, false);
      assert.match(got.body, /^\{ {2}$/, 'one byte a second after the brace');
      await until('the device is free once the client hung up', () => sim.inFlight === 0);
      assert.equal(sim.requests.at(-1)?.path, '/RealTimeData');
    });

    it('endless also holds writes, which still take effect', async () => {
      sim.setFault({ malformed: 'endless' });
      const got = await readFor(url, '/write/Intensity=10', 300);
      assert.equal(got.ended, false);
      assert.equal(sim.state.Intensity, 10);
    });

    it('huge: a well-formed reading padded to 16 MB', async () => {
      sim.setFault({ malformed: 'huge' });
      const r = await get(url, '/RealTimeData');
      assert.equal(Buffer.byteLength(r.body), HUGE_REPLY_BYTES);
      const data = JSON.parse(r.body) as { ID: string; Padding: string };
      assert.equal(data.ID, 'SIMTRYDAN01');
      assert.ok(data.Padding.length > HUGE_REPLY_BYTES - 2048);
      assert.equal(sim.inFlight, 0);
    });

    it('huge: a client that hangs up early frees the device', async () => {
      sim.setFault({ malformed: 'huge' });
      const got = await readFor(url, '/RealTimeData', 5);
      assert.equal(got.ended, false);
      await until('the device is free', () => sim.inFlight === 0);
    });

    it('partial: cut inside a number after a few fields, a reading that looks plausible', async () => {
      sim.setFault({ malformed: 'partial' });
      const r = await get(url, '/RealTimeData');
      assert.match(r.body, /^\{"ID":"SIMTRYDAN01",.*:\d*$/);
      assert.throws(() => JSON.parse(r.body));
      assert.equal((await get(url, '/read/Intensity')).body, '');
    });

    it('counts every overlap, whatever the capped log keeps', async () => {
      sim.latencyMs = 100;
      await Promise.all([get(url, '/RealTimeData'), get(url, '/RealTimeData'), get(url, '/RealTimeData')]);
      assert.equal(sim.overlaps, 2);
      sim.clearLog();
      assert.equal(sim.overlaps, 2);
    });

    it('the control API names the new kinds', () => {
      for (const kind of ['partial', 'endless', 'huge'] as const) assert.equal(sim.setFault({ malformed: kind }).malformed, kind);
    });
  });

  describe('cloud', () => {
    let sim: TrydanSimulator;
    let cloudUrl: string;
    let key: Record<string, string>;
    const path = () => `${cloudUrl}/version?deviceId=SIMTRYDAN01`;
    beforeEach(async () => {
      sim = new TrydanSimulator({ startTime: NOON, latencyMs: 5, cloud: { latencyMs: 0 } });
      const started = await sim.start();
      cloudUrl = started.cloudUrl ?? '';
      key = { apikey: started.apiKey ?? '' };
    });
    afterEach(() => sim.stop());
    const call = (headers = key) =>
      new Promise<{ status: number; body: string; remaining: string | undefined }>((resolve, reject) => {
        http.get(path(), { agent: false, headers }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, remaining: res.headers['ratelimit-remaining'] as string | undefined }));
        }).on('error', reject);
      });

    it('serverError: an HTML 5xx page, counted like Kong counts it', async () => {
      sim.account?.setFault({ serverError: 503 });
      const r = await call();
      assert.equal(r.status, 503);
      assert.match(r.body, /^<html>/);
      assert.equal(r.remaining, '999');
      assert.equal(sim.account?.quotaUsed, 1);
    });

    it('malformed html: a 200 maintenance page from in front of the gateway, not counted', async () => {
      sim.account?.setFault({ malformed: 'html' });
      const r = await call();
      assert.equal(r.status, 200);
      assert.match(r.body, /<!DOCTYPE html>/);
      assert.equal(sim.account?.quotaUsed, 0);
    });

    it('malformed truncated: the real reply cut in half', async () => {
      sim.account?.setFault({ malformed: 'truncated' });
      const cut = await call();
      assert.equal(cut.status, 200);
      assert.throws(() => JSON.parse(cut.body));
      assert.equal(sim.account?.quotaUsed, 1);
    });

    it('malformed endless: headers, `{`, then a byte a second', async () => {
      sim.account?.setFault({ malformed: 'endless' });
      const got = await readFor(path(), '', 1300, key);
      assert.equal(got.status, 200);
      assert.equal(got.ended, false);
      assert.equal(got.body, '{ ');
    });

    it('records when each request arrived and was answered, and the calls left', async () => {
      const before = Date.now();
      await call();
      const rec = sim.account?.requests.at(-1);
      assert.ok(rec && rec.receivedAt >= before && rec.answeredAt >= rec.receivedAt);
      assert.equal(rec?.remaining, 999);
    });

    it('the control API refuses fault values it does not know', () => {
      assert.deepEqual(parseCloudFaults({ serverError: 502, malformed: 'endless' }), { serverError: 502, malformed: 'endless' });
      assert.throws(() => parseCloudFaults({ serverError: 404 }), /serverError must be 0 or an HTTP status 500-599/);
      assert.throws(() => parseCloudFaults({ malformed: 'json' }), /malformed must be false or one of html, truncated, endless/);
      assert.throws(() => parseFaultsInput({ malformed: 'gzip' }), /"partial", "html", "endless", "huge"/);
    });
  });
});
