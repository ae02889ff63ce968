// The shared quota ledger in Redis, through node-redis (@redis/client; not ioredis, which is
// kept "on a best-effort basis"): one connection per account and Node-RED instance, every
// operation one atomic Lua script (quota-lua.ts). Nothing waits for Redis for long: a
// connection is given up after CONNECT_TIMEOUT_MS, an answer after COMMAND_TIMEOUT_MS
// (node-redis's own timeout ends when a command is written, so the deadline is kept here, and
// a connection that let one pass is dropped and dialled anew), commands are refused at once
// while disconnected (no offline queue), reconnecting backs off to RECONNECT_MAX_MS. The URL
// may hold a password: it appears in no text this file makes.

import type { createClient as CreateClient } from '@redis/client';
import { QUOTA_LUA } from './quota-lua';
import type { QuotaOp, QuotaStore, SharedLedger, Verdict } from './quota-share-types';

export const CONNECT_TIMEOUT_MS = 2000;
export const COMMAND_TIMEOUT_MS = 1500;
const RECONNECT_MAX_MS = 2000;
/** Commands waiting for an answer at once; more is a Redis that does not keep up. */
const QUEUE_MAX = 200;
const CLOSE_WAIT_MS = 1000;

/** Redis is unreachable or too slow: the budget falls back to this instance's share. */
export class QuotaStoreUnavailable extends Error {
  readonly code = 'QUOTA_STORE_UNAVAILABLE';
  constructor(why: string) {
    super(`the shared quota ledger (Redis) is unreachable: ${why}`);
  }
}

/** What is wrong with a Redis URL, in words that never echo it (it may hold a password). */
export function redisUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return 'the Redis URL is not a URL (expected redis://[user:password@]host[:port][/db])';
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') return 'the Redis URL must start with redis:// or rediss://';
  if (!url.hostname) return 'the Redis URL names no host';
  if (url.pathname !== '' && url.pathname !== '/' && !/^\/\d+$/.test(url.pathname)) return 'the Redis URL\'s path must be a database number (/0, /1, ...)';
  return undefined;
}

/** The Redis keys of one account; `keyId` is already a hash of the cloud URL and API key. */
export function quotaKeys(keyId: string): [string, string, string] {
  const base = `v2c-trydan:quota:{${keyId}}`;
  return [base, `${base}:flight`, `${base}:instances`];
}

export interface RedisQuotaOptions {
  url: string;
  keyId: string;
}

/** A client that connects with bounded waits and refuses commands while disconnected. */
function newClient(url: string) {
  // Loaded on first use: node-redis costs ~19 MB resident, which a site without Redis need not carry.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createClient } = require('@redis/client') as { createClient: typeof CreateClient };
  return createClient({
    url,
    socket: {
      connectTimeout: CONNECT_TIMEOUT_MS,
      reconnectStrategy: (retries) => Math.min(100 * 2 ** Math.min(retries, 5), RECONNECT_MAX_MS),
    },
    disableOfflineQueue: true,
    commandsQueueMaxLength: QUEUE_MAX,
    // Bounds only the wait to be written; the answer's deadline is run()'s.
    commandOptions: { timeout: COMMAND_TIMEOUT_MS },
  });
}

type Client = ReturnType<typeof newClient>;

export class RedisQuota implements QuotaStore {
  private client: Client;
  private readonly url: string;
  private failure: string | undefined;
  private readonly keys: [string, string, string];
  private readonly listeners = new Set<(up: boolean) => void>();
  private readonly secrets: string[];
  private up = false;
  private closed = false;
  /** Ends the wait for the first connection (and its timer) early. */
  private endFirstAttempt: () => void = () => undefined;
  /** Settles when the first connection attempt has ended (ready, failed or timed out). */
  private readonly firstAttempt: Promise<void>;

  constructor(options: RedisQuotaOptions) {
    const problem = redisUrlProblem(options.url);
    if (problem) throw new Error(problem);
    const url = options.url.trim();
    const parsed = new URL(url);
    this.secrets = [url, decodeURIComponent(parsed.password), parsed.password].filter((s) => s.length > 0);
    this.keys = quotaKeys(options.keyId);
    this.url = url;
    this.client = this.dial();
    // Right after a deploy the connection is still being made: that is not "unreachable".
    const first = this.client;
    this.firstAttempt = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, CONNECT_TIMEOUT_MS);
      timer.unref();
      const end = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.endFirstAttempt = end;
      first.once('ready', end);
      first.once('error', end);
    });
  }

  /** A new client, connecting; its events count only while it is the one in use. */
  private dial(): Client {
    const client = newClient(this.url);
    // Without an 'error' listener a lost connection would crash Node-RED.
    client.on('error', (err: unknown) => {
      if (client !== this.client) return;
      // The reason first: those told of the loss read it.
      this.failed(err instanceof Error ? err.message : String(err));
      this.setUp(false);
    });
    client.on('ready', () => client === this.client && this.setUp(true));
    client.on('end', () => client === this.client && this.setUp(false));
    client.on('reconnecting', () => client === this.client && this.setUp(false));
    // connect() keeps retrying by the strategy above and settles when ready or closed.
    client.connect().catch(() => undefined);
    return client;
  }

  /** What the connection first failed on since it last worked (no part of the URL in it). */
  get problem(): string | undefined {
    return this.failure;
  }

  get available(): boolean {
    return this.client.isReady;
  }

  onAvailability(listener: (up: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async run(op: QuotaOp): Promise<{ verdict: Verdict; ledger: SharedLedger }> {
    if (this.closed) throw new QuotaStoreUnavailable('closed');
    if (!this.client.isReady) await this.firstAttempt;
    if (!this.client.isReady) {
      this.failed(`no connection within ${CONNECT_TIMEOUT_MS} ms`);
      throw new QuotaStoreUnavailable('not connected');
    }
    const client = this.client;
    let reply: unknown;
    let timer: NodeJS.Timeout | undefined;
    const sent = client.eval(QUOTA_LUA, { keys: this.keys, arguments: args(op) });
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${COMMAND_TIMEOUT_MS} ms`)), COMMAND_TIMEOUT_MS);
    });
    try {
      reply = await Promise.race([sent, late]);
    } catch (err) {
      // The script may or may not have run: a taken reservation then expires as spent (HOLD_MS).
      sent.catch(() => undefined);
      const why = this.failed(err instanceof Error ? err.message : String(err));
      this.setUp(false);
      // A connection that let a deadline pass is not trusted again: a new one is dialled.
      if (client === this.client && !this.closed && client.isReady) {
        this.client = this.dial();
        client.destroy();
      }
      throw new QuotaStoreUnavailable(why);
    } finally {
      clearTimeout(timer);
    }
    this.setUp(true);
    return parseReply(reply);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    this.endFirstAttempt();
    // Not open: between attempts to reconnect, whose timer must not outlive the node.
    if (!this.client.isOpen) {
      try {
        this.client.destroy();
      } catch {
        // Already closed: nothing left to stop.
      }
      return;
    }
    // Commands on the wire get a moment to finish; then the socket goes, whatever it waits for.
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)));
    await Promise.race([this.client.close().catch(() => undefined), waited]);
    clearTimeout(timer);
    if (this.client.isOpen) this.client.destroy();
  }

  /** Keeps the first failure since the connection last worked; returns this one, redacted. */
  private failed(text: string): string {
    const why = this.redact(text);
    this.failure ??= why;
    return why;
  }

  private setUp(up: boolean): void {
    if (up) this.failure = undefined;
    else this.failure ??= 'the connection closed';
    if (up === this.up || this.closed) return;
    this.up = up;
    for (const listener of [...this.listeners]) listener(up);
  }

  private redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join('***');
    return out;
  }
}

function num(n: number | undefined): string {
  return n === undefined || !Number.isFinite(n) ? '' : String(Math.round(n));
}

/** The script's ARGV for an operation (see quota-lua.ts). */
function args(op: QuotaOp): string[] {
  const base = [op.op, num(op.now), num(op.limit), num(op.resetAt), op.id];
  switch (op.op) {
    case 'take':
      return [...base, op.background ? '1' : '0', num(op.reserve), num(op.holdMs)];
    case 'settle':
      return [...base, num(op.status), num(op.headerLimit), num(op.headerRemaining), num(op.headerResetAt)];
    case 'spend':
    case 'release':
      return base;
    case 'report':
      return [...base, num(op.spent), num(op.remaining), num(op.blockedUntil)];
    case 'beat':
      return [...base, num(op.staleBefore)];
  }
}

const VERDICTS: readonly Verdict[] = ['ok', 'blocked', 'spent', 'reserved'];

function parseReply(reply: unknown): { verdict: Verdict; ledger: SharedLedger } {
  if (!Array.isArray(reply) || reply.length !== 7) throw new QuotaStoreUnavailable('an unexpected answer from the quota script');
  const [verdict, ...counts] = reply as unknown[];
  const n = counts.map(Number);
  const found = VERDICTS.find((v) => v === String(verdict));
  if (!found || n.some((x) => !Number.isFinite(x))) throw new QuotaStoreUnavailable('an unexpected answer from the quota script');
  const [limit, remaining, resetAt, blockedUntil, inFlight, instances] = n as [number, number, number, number, number, number];
  return { verdict: found, ledger: { limit, remaining, resetAt, blockedUntil, inFlight, instances } };
}
