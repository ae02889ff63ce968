import { strict as assert } from 'node:assert';
import { hostToOrigin } from '../../src/trydan/host';

describe('charger address', () => {
  it('takes an IP, a hostname and an optional port', () => {
    assert.equal(hostToOrigin('192.168.1.50'), 'http://192.168.1.50');
    assert.equal(hostToOrigin(' trydan.local:8080 '), 'http://trydan.local:8080');
    assert.equal(hostToOrigin('http://10.0.0.7/'), 'http://10.0.0.7');
    assert.equal(hostToOrigin('[fe80::1]:81'), 'http://[fe80::1]:81');
  });

  it('refuses what is not a plain address', () => {
    for (const bad of ['', 'https://trydan', 'user:pw@host', 'host/RealTimeData', 'host?x=1', 'a b']) {
      assert.throws(() => hostToOrigin(bad), { code: 'INVALID_INPUT' }, bad);
    }
  });
});
