import { strict as assert } from 'node:assert';
import { Agent } from 'node:http';
import { Socket } from 'node:net';
import { lanGet, lanTarget } from '../../src/trydan/lan-http';

/** An agent whose connections never get through: a charger that is switched off, without a refusal. */
class NoConnectionAgent extends Agent {
  made: Socket[] = [];
  override createConnection(): Socket {
    const socket = new Socket();
    // Still dialling, as a socket is while a SYN goes unanswered.
    Object.defineProperty(socket, 'connecting', { value: true });
    this.made.push(socket);
    return socket;
  }
}

describe('LAN request over node:http', () => {
  it('a deadline passing before any connection is a connect timeout: the charger never got the request', async () => {
    const agent = new NoConnectionAgent();
    const progress = { headers: false, reused: false };
    await assert.rejects(lanGet(agent, lanTarget('http://127.0.0.1:9'), '/RealTimeData', { deadlineMs: 100, maxBytes: 1024 }, progress), { code: 'CONNECT_TIMEOUT' });
    assert.equal(progress.headers, false);
    assert.ok(agent.made.every((s) => s.destroyed), 'the socket is destroyed');
    agent.destroy();
  });

  it('takes the host and port from the origin once, an IPv6 host without its brackets', () => {
    assert.deepEqual(lanTarget('http://192.168.1.50'), { hostname: '192.168.1.50', port: 80 });
    assert.deepEqual(lanTarget('http://[fe80::1]:8080'), { hostname: 'fe80::1', port: 8080 });
  });
});
