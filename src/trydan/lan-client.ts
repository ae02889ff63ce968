// The LAN API client (docs/charger-protocol.md, LAN). The charger answers one request at a time and
// sometimes 404s quick back-to-back calls, so this client owns one connection, runs one
// request at a time with a gap between them, and retries once on 404, timeout or reset.
// The connection is kept open from one poll to the next (a new TCP connection per poll was
// most of a poll's cost); a charger that closed it meanwhile costs one resend on a new one.

import type { Agent } from 'node:http';
import { type Clock, sleep, systemClock } from './clock';
import { DeviceUnreachable, InvalidResponse, TrydanError, WriteRejected } from './errors';
import { hostToOrigin } from './host';
import { type LanProgress, type LanReply, type LanTarget, lanAgent, lanGet, lanTarget } from './lan-http';
import { LanPacing } from './lan-pacing';
import { type Reading, parseRealtime } from './telemetry';

export interface LanClientOptions {
  host: string;
  /** Milliseconds of quiet between two requests (unless `pacing` is given). */
  gapMs?: number;
  /** Milliseconds to wait for a whole answer (headers and body) before giving up. */
  timeoutMs?: number;
  /** When the charger is free, shared with the clients before and after this one (charger-registry.ts). */
  pacing?: LanPacing;
  /** The previous client of this charger closing: its last request must end before this one sends. */
  after?: Promise<unknown>;
  /** Bytes of body accepted; a Trydan reply is under 2 KB. */
  maxBodyBytes?: number;
  /** Milliseconds an idle connection is kept for the next request (keepAliveFor() changes it). */
  keepAliveMs?: number;
  clock?: Clock;
}

/** Quiet between two requests, and the wait for a whole answer (docs/charger-protocol.md: 150 ms, 8 s). */
export const LAN_GAP_MS = 150;
export const LAN_TIMEOUT_MS = 8000;

/** An idle connection is kept this long: past the default idle poll interval (30 s). */
export const LAN_KEEP_ALIVE_MS = 35_000;

/** A kept connection the charger closed fails like this on the next request, before any byte. */
const STALE_CODES = new Set(['ECONNRESET', 'EPIPE']);

/** A Trydan reply is under 2 KB: anything near this is not a charger talking. */
export const LAN_MAX_BODY_BYTES = 64 * 1024;

const RETRYABLE_CODES = new Set(['REQUEST_TIMEOUT', 'CONNECT_TIMEOUT', 'ECONNRESET', 'EPIPE']);

export class LanClient {
  readonly origin: string;
  private readonly target: LanTarget;
  private readonly timeoutMs: number;
  private readonly maxBodyBytes: number;
  /** When the charger is free for the next request (lan-pacing.ts). */
  private readonly pacing: LanPacing;
  private readonly clock: Clock;
  private agent: Agent;
  private keepAliveMs: number;
  /** keepAliveFor() asked for another keep-alive: the next request opens a connection with it. */
  private keepAliveChanged = false;
  private tail: Promise<unknown>;
  private closed = false;
  /** Aborted by close(): a request waiting for its turn stops waiting. */
  private readonly stopping = new AbortController();
  /** False once /read/ answered 404 on two separate occasions, each retried (2.3.20 has no /read/). */
  readSupported = true;
  private readMisses = 0;

  constructor(options: LanClientOptions) {
    this.origin = hostToOrigin(options.host);
    this.target = lanTarget(this.origin);
    this.timeoutMs = options.timeoutMs ?? LAN_TIMEOUT_MS;
    this.maxBodyBytes = options.maxBodyBytes ?? LAN_MAX_BODY_BYTES;
    this.pacing = options.pacing ?? new LanPacing(options.gapMs ?? LAN_GAP_MS, this.timeoutMs);
    this.tail = (options.after ?? Promise.resolve()).catch(() => undefined);
    this.clock = options.clock ?? systemClock;
    this.keepAliveMs = options.keepAliveMs ?? LAN_KEEP_ALIVE_MS;
    this.agent = lanAgent(this.keepAliveMs);
  }

  /** Idle milliseconds a connection is kept for (the coordinator matches it to its cadence). */
  get keepAlive(): number {
    return this.keepAliveMs;
  }

  /** Keeps idle connections this long from the next request on. */
  keepAliveFor(ms: number): void {
    if (ms === this.keepAliveMs) return;
    this.keepAliveMs = ms;
    this.keepAliveChanged = true;
  }

  /** Between two requests (one at a time), so nothing is on the wire of the agent replaced. */
  private renewAgent(): void {
    this.keepAliveChanged = false;
    this.agent.destroy();
    this.agent = lanAgent(this.keepAliveMs);
  }

  /** GET /RealTimeData, parsed tolerantly. */
  async realtime(): Promise<Reading> {
    const answer = await this.get('/RealTimeData');
    if (answer.status !== 200) throw new DeviceUnreachable(`charger answered HTTP ${answer.status} to /RealTimeData`);
    return parseRealtime(answer.body);
  }

  /** GET /read/<Keyword>; undefined when the firmware has no /read/ (404 after the retry). */
  async read(keyword: string): Promise<number | undefined> {
    if (!this.readSupported) return undefined;
    const answer = await this.get(`/read/${encodeURIComponent(keyword)}`);
    if (answer.status === 404) {
      // A busy charger 404s quick requests too: one bad moment must not end /read/ for good.
      if (++this.readMisses >= 2) this.readSupported = false;
      return undefined;
    }
    this.readMisses = 0;
    if (answer.status !== 200) throw new DeviceUnreachable(`charger answered HTTP ${answer.status} to /read/${keyword}`);
    const value = Number(answer.body.trim());
    if (!Number.isFinite(value)) throw new InvalidResponse(`charger read ${keyword} as ${JSON.stringify(answer.body.slice(0, 40))}`);
    return value;
  }

  /** GET /write/<Keyword>=<Value>; resolves when the charger answered OK. */
  async write(keyword: string, value: number): Promise<void> {
    const answer = await this.get(`/write/${encodeURIComponent(keyword)}=${value}`);
    if (answer.status !== 200 || answer.body.trim() !== 'OK') {
      throw new WriteRejected(keyword, value, answer.status === 200 ? answer.body.trim() : `HTTP ${answer.status}`);
    }
  }

  /**
   * Sends nothing more, and resolves once the request on the wire (if any) has ended, by its
   * answer or its deadline. It is not cut short: the charger would go on working on it, unseen
   * by the pacing, while the next client of this charger sends its own (an overlap).
   */
  async close(): Promise<void> {
    this.closed = true;
    this.stopping.abort();
    await this.tail;
    this.agent.destroy();
  }

  /** One request at a time, in call order, each after the gap, retried once. */
  private get(path: string): Promise<LanReply> {
    const run = this.tail.then(() => this.getWithRetry(path));
    // The tail must not hold the answer (its body) until the next request, an interval later.
    this.tail = run.then(nothing, nothing);
    return run;
  }

  private async getWithRetry(path: string): Promise<LanReply> {
    try {
      const answer = await this.once(path);
      if (answer.status !== 404) return answer;
    } catch (err) {
      if (!isRetryable(err)) throw toUnreachable(this.origin, path, err);
    }
    try {
      return await this.once(path);
    } catch (err) {
      throw toUnreachable(this.origin, path, err);
    }
  }

  private async once(path: string): Promise<LanReply> {
    if (this.closed) throw new DeviceUnreachable('connection to the charger is closed');
    const wait = this.pacing.waitMs(this.clock.now());
    if (wait > 0) await sleep(this.clock, wait, this.stopping.signal);
    if (this.closed) throw new DeviceUnreachable('connection to the charger is closed');
    if (this.keepAliveChanged) this.renewAgent();
    const started = this.clock.now();
    const progress: LanProgress = { headers: false, reused: false };
    try {
      let reply;
      try {
        reply = await this.send(path, this.timeoutMs, progress);
      } catch (err) {
        // A kept connection the charger closed while idle: the request never reached it, so
        // it is sent again at once on a new connection, within what is left of the deadline.
        const code = (err as { code?: string } | null)?.code;
        const stale = progress.reused && !progress.headers && code !== undefined && STALE_CODES.has(code);
        const left = this.timeoutMs - (this.clock.now() - started);
        if (!stale || left <= 0 || this.closed) throw err;
        reply = await this.send(path, left, progress);
      }
      this.pacing.answered(this.clock.now(), reply.status);
      return reply;
    } catch (err) {
      this.pacing.failed(this.clock.now(), (err as { code?: string } | null)?.code);
      throw err;
    }
  }

  private send(path: string, deadlineMs: number, progress: LanProgress): Promise<LanReply> {
    return lanGet(this.agent, this.target, path, { deadlineMs, maxBytes: this.maxBodyBytes, clock: this.clock }, progress);
  }
}

function nothing(): void {}

function isRetryable(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return code !== undefined && RETRYABLE_CODES.has(code);
}

/** Network failures become DeviceUnreachable; typed errors (a reply too large) stay as they are. */
function toUnreachable(origin: string, path: string, err: unknown): TrydanError {
  if (err instanceof TrydanError) return err;
  const code = (err as { code?: string } | null)?.code;
  const why =
    code === 'ECONNREFUSED' ? 'connection refused'
    : code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'address not found'
    : code === 'EHOSTUNREACH' || code === 'ENETUNREACH' ? 'host unreachable'
    : code?.includes('TIMEOUT') ? 'no answer in time'
    : code === 'ECONNRESET' || code === 'EPIPE' ? 'connection reset'
    : (err as Error)?.message ?? 'unknown error';
  return new DeviceUnreachable(`charger at ${origin} unreachable (${why}) on ${path}`, { cause: err });
}
