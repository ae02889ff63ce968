import { strict as assert } from 'node:assert';
import dns from 'node:dns/promises';
import { mayReach, mayReachHost } from '../../nodes/lib/check-target';

describe('where the editor may send a Check', () => {
  it('allows what a charger can be: private, CGNAT and other unicast addresses', () => {
    for (const ip of ['192.168.1.50', '10.0.0.7', '172.16.3.4', '100.64.0.9', 'fd00::12', '2001:db8::1', '203.0.113.5']) assert.equal(mayReach(ip, false), true, ip);
  });

  it('refuses loopback unless allowed, and link-local, unspecified, multicast and broadcast always', () => {
    for (const ip of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1', '::ffff:7f00:1']) {
      assert.equal(mayReach(ip, false), false, ip);
      assert.equal(mayReach(ip, true), true, `${ip} with the setting`);
    }
    for (const ip of ['169.254.169.254', 'fe80::1', '0.0.0.0', '::', '224.0.0.251', 'ff02::1', '255.255.255.255', '::ffff:a9fe:a9fe']) {
      assert.equal(mayReach(ip, true), false, ip);
    }
  });

  it('judges a hostname by every address it resolves to (localhost is loopback)', async () => {
    assert.equal(await mayReachHost('localhost', false), false);
    assert.equal(await mayReachHost('localhost', true), true);
    assert.equal(await mayReachHost('[::1]', false), false);
    assert.equal(await mayReachHost('192.168.1.50', false), true);
  });

  it('refuses in bounded time when the resolver never answers', async () => {
    const original = dns.lookup;
    (dns as { lookup: unknown }).lookup = () => new Promise(() => undefined);
    try {
      const started = Date.now();
      assert.equal(await mayReachHost('trydan.example', false, 200), false);
      assert.ok(Date.now() - started < 1000);
    } finally {
      (dns as { lookup: unknown }).lookup = original;
    }
  });
});
