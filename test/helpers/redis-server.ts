// A real redis-server for the shared-quota tests, on 127.0.0.1 and a free port, with nothing
// written to disk. It is the Debian package's binary (CI installs it: .ci/run); when it is
// missing the tests fail saying so, rather than skipping.

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import net from 'node:net';
import { delay, freePort } from './red';

const CANDIDATES = [process.env.V2C_REDIS_SERVER, '/usr/bin/redis-server', '/usr/local/bin/redis-server'];

/** The redis-server binary, or an error that says how to get one. */
export function redisServerBinary(): string {
  for (const candidate of CANDIDATES) {
    if (!candidate) continue;
    try {
      execFileSync(candidate, ['--version'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // not this one
    }
  }
  throw new Error('redis-server is not installed: these tests need it (Debian: apt-get install redis-server; .ci/run installs it; or set V2C_REDIS_SERVER)');
}

export interface RedisServer {
  port: number;
  url: string;
  /** Stops it (SIGTERM, then SIGKILL); resolves once it has exited. */
  stop(): Promise<void>;
  /** Freezes it (SIGSTOP): connections stay open, nothing answers. */
  freeze(): void;
  thaw(): void;
}

/**
 * Starts a redis-server on `port` (a free one by default, or the one it had before a restart)
 * and waits until it answers; with `password`, clients must AUTH.
 */
export async function startRedis(options: { port?: number; password?: string } = {}): Promise<RedisServer> {
  const binary = redisServerBinary();
  const p = options.port ?? (await freePort());
  const auth = options.password ? ['--requirepass', options.password] : [];
  const child: ChildProcess = spawn(binary, ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning', ...auth], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const stop = async (): Promise<void> => {
    if (exited) return;
    child.kill('SIGCONT');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exit;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 10_000;
  while (!(await pings(p))) {
    if (exited) throw new Error(`redis-server exited before it answered:\n${log}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`redis-server did not answer on 127.0.0.1:${p}:\n${log}`);
    }
    await delay(50);
  }
  const credentials = options.password ? `:${encodeURIComponent(options.password)}@` : '';
  return { port: p, url: `redis://${credentials}127.0.0.1:${p}`, stop, freeze: () => child.kill('SIGSTOP'), thaw: () => child.kill('SIGCONT') };
}

function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    // +PONG, or -NOAUTH from one that wants a password: either way it answers.
    socket.once('data', (d) => done(/^(\+PONG|-NOAUTH)/.test(d.toString())));
  });
}

/**
 * For a describe block: a redis-server started before its tests and stopped after (a test
 * may replace `redis` with a restarted one), a fresh `keyId` per test, and whatever a test
 * put in `opened` closed after it.
 */
export function redisSuite<T extends { close(): Promise<void> }>(prefix: string): { redis: RedisServer; keyId: string; opened: T[] } {
  const suite = { redis: undefined as unknown as RedisServer, keyId: '', opened: [] as T[] };
  let n = 0;
  before(async () => {
    suite.redis = await startRedis();
  });
  after(async () => {
    await suite.redis?.stop();
  });
  beforeEach(() => {
    suite.keyId = `${prefix}${++n}`;
  });
  afterEach(async () => {
    await Promise.all(suite.opened.splice(0).map((o) => o.close()));
  });
  return suite;
}
