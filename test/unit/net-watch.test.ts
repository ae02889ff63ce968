// The preload the examples test relies on (test/helpers/net-watch.js) sees every way out of a
// process: fetch, http, undici, tls, DNS and UDP. All targets are loopback addresses other
// than 127.0.0.1, refused at once, so nothing leaves the machine.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { removeDir, repoRoot, tempDir } from '../helpers/red';

const script = `
(async () => {
  const quiet = (p) => p.then(() => undefined, () => undefined);
  await quiet(fetch('http://127.0.0.2:9999/'));
  await new Promise((done) => require('node:http').get('http://127.0.0.3:9999/').on('error', done));
  await quiet(require('undici').request('http://127.0.0.4:9999/'));
  await new Promise((done) => require('node:tls').connect(9999, '127.0.0.5').on('error', done));
  await quiet(require('node:dns').promises.lookup('localhost'));
  await new Promise((done) => require('node:dns').lookup('localhost', done));
  const udp = require('node:dgram').createSocket('udp4');
  await new Promise((done) => udp.send(Buffer.from('x'), 9999, '127.0.0.6', done));
  udp.close();
})();
`;

describe('net-watch preload', () => {
  let dir: string | undefined;
  afterEach(() => removeDir(dir));

  it('records fetch, http, undici, tls, DNS lookups and UDP sends', async () => {
    dir = tempDir('v2c-net-watch-');
    const log = path.join(dir, 'net.log');
    await new Promise<void>((resolve, reject) =>
      execFile(
        process.execPath,
        ['--require', path.join(repoRoot, 'test', 'helpers', 'net-watch.js'), '-e', script],
        { cwd: repoRoot, env: { ...process.env, V2C_NET_LOG: log }, timeout: 15_000 },
        (err) => (err ? reject(err) : resolve()),
      ),
    );
    const seen = fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { kind: string; host: string });
    const hosts = (kind: string) => seen.filter((s) => s.kind === kind).map((s) => s.host);
    for (const host of ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5']) assert.ok(hosts('connect').includes(host), `connect to ${host}: ${JSON.stringify(seen)}`);
    assert.ok(hosts('lookup').filter((h) => h === 'localhost').length >= 2, JSON.stringify(seen));
    assert.ok(hosts('udp').includes('127.0.0.6'), JSON.stringify(seen));
  });
});
