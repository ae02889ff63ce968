// The V2C cloud client: any endpoint of the catalogue, parameters checked by its zod schema
// before anything is sent, the API key in the `apikey` header only, RateLimit-* headers
// read on every answer and handed to the budget, replies decoded and normalised.

import type { Agent, Dispatcher } from 'undici';
import type { ZodError } from 'zod';
import { boundedRequest } from './bounded-request';
import { type CloudEndpoint, findEndpoint } from './cloud-catalogue';
import { AuthFailed, CloudRejected, CloudUnreachable, Forbidden, RateLimited } from './cloud-errors';
import * as reply from './cloud-reply';
import { Closed, InvalidInput, InvalidResponse, TrydanError } from './errors';
import { Slots } from './slots';
import { checkDeviceId } from './cloud-values';
import { shown } from './show';
import { withinQuotaDay } from './quota-day';

/** 'user' calls may use the quota's reserve; 'background' calls stop before it. */
export type Priority = 'user' | 'background';

export interface RateLimitHeaders {
  limit?: number;
  remaining?: number;
  /** Seconds until the quota resets. */
  resetSeconds?: number;
}

/** One call taken from the quota before it is sent; exactly one of its ends runs. */
export interface Reservation {
  /**
   * Right before sending: rejects with RateLimited (and gives the call back) if a 429 came
   * meanwhile; with a shared ledger, takes the call there too (a refusal rejects the same way).
   */
  confirm(): Promise<void>;
  /** The cloud answered: learn from the status and headers. */
  settle(status: number, headers: RateLimitHeaders): void;
  /** The request may have reached the cloud but no answer came: count it. */
  spend(): void;
  /** Nothing was sent: give the call back. */
  release(): void;
}

/** What the client needs of a budget (CloudBudget, shared per key). */
export interface Budget {
  /** Synchronous, so concurrent calls cannot all pass the same check. */
  reserveCall(endpoint: string, priority: Priority): Reservation;
  readonly rateLimit: { limit: number; remaining: number; reset: string };
}

export interface CloudClientOptions {
  baseUrl: string;
  apiKey: string;
  budget: Budget;
  /** Milliseconds for a whole answer, headers and body. */
  timeoutMs?: number;
  /** Bytes of body accepted (default CLOUD_MAX_BODY_BYTES). */
  maxBodyBytes?: number;
  /** For tests: an undici MockAgent or other dispatcher (not closed by this client). */
  dispatcher?: Dispatcher;
}

export interface CloudCall {
  deviceId?: string;
  params?: Record<string, unknown>;
  /** 'user' calls may use the reserve; 'background' calls stop before it. */
  priority?: Priority;
}

export interface CloudResult {
  endpoint: string;
  payload: unknown;
  /** The reply as decoded, before normalising. */
  raw: unknown;
  rateLimit: { limit: number; remaining: number; reset: string };
}

/**
 * The largest cloud reply is a year of statistics sessions (each well under 1 KB, with its
 * energy per hour): 4 MB holds thousands of them and keeps a runaway reply from eating memory.
 */
export const CLOUD_MAX_BODY_BYTES = 4 * 1024 * 1024;

const CONNECTIONS = 2;
/** How long close waits for the calls on the wire before cutting them, ms. */
const CLOSE_GRACE_MS = 2_000;
const CLOUD_CONNECTION = 'the connection to the V2C cloud';
/** Deeper than any cloud reply: one nested further is refused, not searched without end. */
const MAX_REPLY_DEPTH = 64;

export class NoDevice extends TrydanError {
  constructor(endpoint: string) {
    super('NO_DEVICE', `${endpoint} needs a device ID: set one in the config node, or give msg.deviceId`);
  }
}

export class CloudClient {
  readonly baseUrl: string;
  private readonly apiKey: string;
  private readonly budget: Budget;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly timeoutMs: number;
  private readonly maxBodyBytes: number;
  /** Calls on the wire at once; the rest wait here, not in the HTTP agent, so a 429 can stop them. */
  private readonly slots = new Slots(CONNECTIONS);
  private closed = false;
  /** Requests sent and not yet answered: close gives them a moment to finish. */
  private readonly onTheWire = new Set<Promise<unknown>>();

  constructor(options: CloudClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.apiKey = options.apiKey;
    this.budget = options.budget;
    const timeout = options.timeoutMs ?? 15_000;
    this.timeoutMs = timeout;
    this.maxBodyBytes = options.maxBodyBytes ?? CLOUD_MAX_BODY_BYTES;
    this.ownsDispatcher = !options.dispatcher;
    this.dispatcher = options.dispatcher ?? new (undici().Agent)({ connect: { timeout }, headersTimeout: timeout, bodyTimeout: timeout, connections: CONNECTIONS });
  }

  /** The endpoint and its checked parameters; throws InvalidInput naming every problem. */
  validate(name: string, params: Record<string, unknown> = {}): { endpoint: CloudEndpoint; params: Record<string, unknown> } {
    const endpoint = findEndpoint(name);
    if (!endpoint) throw new InvalidInput([`"${name}" is not a V2C cloud command`]);
    const parsed = endpoint.params.strict().safeParse(params);
    if (!parsed.success) throw new InvalidInput(describe(name, parsed.error, params));
    return { endpoint, params: parsed.data };
  }

  /** Checks everything that can be checked before a call costs quota, and builds the request. */
  prepare(name: string, call: CloudCall = {}): { endpoint: CloudEndpoint; query: URLSearchParams; body?: string } {
    const { endpoint, params } = this.validate(name, call.params);
    const query = new URLSearchParams();
    if (endpoint.device !== 'none') {
      const id = checkDeviceId(call.deviceId);
      if (!id) throw new NoDevice(name);
      query.set(endpoint.device, id);
    }
    const bodyKeys = new Set(endpoint.body ?? []);
    const body: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(params)) {
      if (value === undefined) continue;
      if (bodyKeys.has(key)) body[key] = value;
      else query.set(key, String(value));
    }
    return { endpoint, query, ...(bodyKeys.size ? { body: JSON.stringify(body) } : {}) };
  }

  async call(name: string, call: CloudCall = {}): Promise<CloudResult> {
    const { endpoint, query, body } = this.prepare(name, call);
    const qs = query.toString();
    const base = new URL(this.baseUrl);
    const path = base.pathname.replace(/\/$/, '') + endpoint.path + (qs ? `?${qs}` : '');
    const reservation = this.budget.reserveCall(name, call.priority ?? 'user');
    let status: number;
    let text: string;
    let headers: RateLimitHeaders;
    const free = await this.slot(name, reservation);
    try {
      await reservation.confirm();
      this.checkOpen();
      const request = boundedRequest(
        this.dispatcher,
        {
          origin: base.origin,
          path,
          method: endpoint.method,
          headers: { apikey: this.apiKey, accept: 'application/json, text/plain, */*', ...(body ? { 'content-type': 'application/json' } : {}) },
          ...(body ? { body } : {}),
        },
        { deadlineMs: this.timeoutMs, maxBytes: this.maxBodyBytes, who: 'the V2C cloud' },
      );
      this.onTheWire.add(request);
      const res = await request.finally(() => this.onTheWire.delete(request));
      status = res.status;
      headers = rateLimitHeaders(res.headers);
      text = res.body;
    } catch (err) {
      if (neverSent(err)) reservation.release();
      else reservation.spend();
      // A redeploy cut it short: that is what happened, whatever undici called it.
      if (this.closed) throw new Closed(CLOUD_CONNECTION);
      if (err instanceof TrydanError) throw err;
      // Deliberately no `cause`: undici errors may hold the request, and so the header.
      throw new CloudUnreachable(name, networkWhy(err));
    } finally {
      free();
    }
    reservation.settle(status, headers);
    // A reply that echoes the key loses it here, before any payload, error or log is made of it.
    text = this.redact(text);
    const decoded = (): unknown => this.redactDeep(reply.decode(text));
    if (status === 401) throw new AuthFailed(name);
    if (status === 403) throw new Forbidden(name);
    if (status === 429) throw new RateLimited(name, resetAt(headers));
    if (status >= 500) throw new CloudUnreachable(name, `HTTP ${status}`);
    if (status >= 300) throw new CloudRejected(name, status, rejectionDetail(decoded));
    const raw = status === 204 ? null : decoded();
    // Normalisers unwrap JSON held in texts: what they made is searched again.
    return { endpoint: name, payload: this.redactDeep(normalise(endpoint, raw)), raw, rateLimit: this.budget.rateLimit };
  }

  /** Every text in a decoded value redacted, keys included: a JSON escape (\u006b…) hid the key from `redact`. */
  private redactDeep(value: unknown, depth = 0): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (value === null || typeof value !== 'object') return value;
    if (depth >= MAX_REPLY_DEPTH) throw new InvalidResponse('the V2C cloud answered with data nested deeper than any reply it sends');
    if (Array.isArray(value)) return value.map((item) => this.redactDeep(item, depth + 1));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [this.redact(k), this.redactDeep(v, depth + 1)]));
  }

  /** A connection slot, waited for at most the call's deadline; a call that gets none gives its reservation back. */
  private async slot(name: string, reservation: Reservation): Promise<() => void> {
    try {
      return await this.slots.take(this.timeoutMs, () => new CloudUnreachable(name, 'no connection free in time'));
    } catch (err) {
      reservation.release();
      throw err;
    }
  }

  /** Closed (or the dispatcher destroyed) before the call was sent: it never reached the cloud. */
  private checkOpen(): void {
    if (this.closed || (this.dispatcher as Partial<Pick<Agent, 'destroyed'>>).destroyed) throw new Closed(CLOUD_CONNECTION);
  }

  /** Server text shown to people: a server that echoes the request must not echo the key. */
  private redact(text: string): string {
    let out = text;
    // Also as the key would appear URL-encoded or escaped inside JSON.
    for (const form of new Set([this.apiKey, encodeURIComponent(this.apiKey), JSON.stringify(this.apiKey).slice(1, -1)])) {
      if (form) out = out.split(form).join('***');
    }
    return out;
  }

  async close(): Promise<void> {
    // Waiting calls are turned away first, so none gets a slot on a dispatcher being closed.
    this.closed = true;
    this.slots.close(new Closed(CLOUD_CONNECTION));
    if (!this.ownsDispatcher) return;
    // Calls on the wire get a moment to finish: an answer the cloud gave, a 429 above all, is
    // learnt and stored for the next client of the key instead of lost to a redeploy. A call
    // still hanging after that is cut, so a silent cloud cannot hold a redeploy.
    // (undici's own graceful close would also wait, but a destroy after it no longer cuts.)
    let timer: ReturnType<typeof setTimeout> | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS)));
    await Promise.race([Promise.allSettled(this.onTheWire), grace]);
    clearTimeout(timer);
    await this.dispatcher.destroy();
  }
}

/** What a refusal said, in short: its message if it has one, else its first words; never a page. */
function rejectionDetail(decoded: () => unknown): string {
  let said: unknown;
  try {
    said = decoded();
  } catch {
    return '';
  }
  const message = said !== null && typeof said === 'object' ? (said as { message?: unknown }).message : said;
  return (typeof message === 'string' ? message : shown(said ?? '')).slice(0, 100);
}

function normalise(endpoint: CloudEndpoint, raw: unknown): unknown {
  switch (endpoint.reply) {
    case 'command': return reply.toCommandResult(raw);
    case 'currentState': return reply.currentStateToReading(raw);
    case 'reported': return reply.reportedToObject(raw);
    case 'boolean': return reply.toBoolean(raw);
    case 'version': return reply.toVersion(raw);
    case 'pairings': return reply.toPairings(raw);
    case 'sessions': return reply.toSessions(raw);
    case 'totals': return reply.toTotals(raw);
    case 'list': return reply.toList(raw, endpoint.name);
    case 'object': return reply.numbers(raw);
  }
}

function header(headers: Record<string, string | string[] | undefined>, name: string): number | undefined {
  const v = headers[name] ?? headers[name.toLowerCase()];
  const n = Number(Array.isArray(v) ? v[0] : v);
  return v === undefined || !Number.isFinite(n) ? undefined : n;
}

function rateLimitHeaders(headers: Record<string, string | string[] | undefined>): RateLimitHeaders {
  const limit = header(headers, 'ratelimit-limit');
  const remaining = header(headers, 'ratelimit-remaining');
  const resetSeconds = header(headers, 'ratelimit-reset');
  return { ...(limit === undefined ? {} : { limit }), ...(remaining === undefined ? {} : { remaining }), ...(resetSeconds === undefined ? {} : { resetSeconds }) };
}

/** When a 429 ends, kept within the quota's day as the budget keeps it. */
function resetAt(headers: RateLimitHeaders): number | undefined {
  const now = Date.now();
  return headers.resetSeconds === undefined ? undefined : withinQuotaDay(now + headers.resetSeconds * 1000, now);
}

function describe(name: string, error: ZodError, params: Record<string, unknown>): string[] {
  return error.issues.map((issue) => {
    const where = issue.path.length ? issue.path.join('.') : name;
    if (issue.code === 'unrecognized_keys') return `${name}: unknown parameter ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    const key = issue.path[0];
    if (typeof key === 'string' && params[key] === undefined) return `${name}: ${where} is required`;
    return `${name}: ${where} ${issue.message}`;
  });
}

/** Errors that prove the request never reached the cloud, so it cost nothing. */
function neverSent(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code ?? '';
  return err instanceof RateLimited || err instanceof Closed || ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT'].includes(code);
}

function networkWhy(err: unknown): string {
  const code = (err as { code?: string } | null)?.code ?? '';
  if (code.includes('TIMEOUT')) return 'no answer in time';
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'address not found';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection reset';
  return code || 'network error';
}

/**
 * undici, loaded with the first cloud client that needs it: a Node-RED that only talks to
 * chargers on the LAN (lan-http.ts) never pays its ~20 MB resident.
 */
function undici(): typeof import('undici') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('undici') as typeof import('undici');
}
