import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseCli } from '../../src/sim/cli';
import { get } from './sim-http';

describe('sim CLI', () => {
  it('defaults to port 8180 and the simulator defaults', () => {
    assert.deepEqual(parseCli([]), { help: false, options: { port: 8180 } });
  });

  it('parses every flag', () => {
    const realNow = new Date(2025, 5, 21, 8, 0).getTime();
    const cmd = parseCli(
      ['--port', '0', '--firmware', '2.3.20', '--time-scale', '60', '--latency', '5', '--seed', '7', '--start', '12:30', '--no-car'],
      realNow,
    );
    assert.deepEqual(cmd, {
      help: false,
      options: {
        port: 0,
        firmware: '2.3.20',
        timeScale: 60,
        latencyMs: 5,
        seed: 7,
        startTime: new Date(2025, 5, 21, 12, 30).getTime(),
        carConnected: false,
      },
    });
    assert.deepEqual(parseCli(['-h']), { help: true });
  });

  it('rejects bad values with a message naming the flag', () => {
    assert.throws(() => parseCli(['--port', '70000']), /--port/);
    assert.throws(() => parseCli(['--firmware', '3.0']), /--firmware: "3.0" is not a profile/);
    assert.throws(() => parseCli(['--time-scale', '0']), /--time-scale/);
    assert.throws(() => parseCli(['--start', '25:00']), /--start/);
    assert.throws(() => parseCli(['--bogus']));
  });

  it('runs on 127.0.0.1, prints the URL and stops on SIGTERM', async function () {
    this.timeout(8000);
    const cli = join(__dirname, '..', '..', 'src', 'sim', 'cli.ts');
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', cli, '--port', '0', '--latency', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m?.[1]) resolve(m[1]);
        });
        child.on('exit', () => reject(new Error(`CLI exited early: ${out}`)));
      });
      const r = await get(url, '/RealTimeData');
      assert.equal(r.status, 200);
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
