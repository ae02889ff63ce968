// What the real cloud's API gateway (Kong) does before and around the V2C service: route
// matching, the `apikey` header, the daily quota with RateLimit-* headers, and the faults
// seen in the field (a week-long 401 outage, 403 on /pairings/me). Then the route runs.
//
// Order, and what counts against the quota:
//   no such path or method        → 404, no key needed, not counted (Kong matches routes first)
//   no apikey / wrong key / outage → 401, not counted
//   quota spent                    → 429 with the headers, not counted, no effect
//   anything else                  → counted, 4xx/5xx included (Kong counts what passes auth)

import type { IncomingHttpHeaders } from 'node:http';
import type { SimClock } from './clock';
import { pushCapped } from './capped-log';
import type { CloudDevice } from './cloud-device';
import type { CloudQuota } from './cloud-quota';
import { CloudProblem, jsonReply, missingParam, type CloudAnswer } from './cloud-replies';
import { findRoute, type CloudRoute, type ReportedForm } from './cloud-routes';

/** Base path of the service: clients use cloudUrl = http://127.0.0.1:PORT/kong/v2c_service. */
export const CLOUD_BASE_PATH = '/kong/v2c_service';

/**
 * full: Limit, Remaining, Reset · no-reset: Limit and Remaining only · none: no headers
 * (clients must count) · alternate: every other counted reply has none.
 */
export type RateLimitHeaders = 'full' | 'no-reset' | 'none' | 'alternate';

export interface CloudFaults {
  /** Every call answers 401, valid key or not (the week-long incident). */
  outage: boolean;
  /** GET /pairings/me answers 403 while device calls work. */
  forbidPairings: boolean;
  rateLimitHeaders: RateLimitHeaders;
  reportedForm: ReportedForm;
}

export type CloudFaultsInput = Partial<CloudFaults>;

export const CLOUD_DEFAULTS: Readonly<CloudFaults> = { outage: false, forbidPairings: false, rateLimitHeaders: 'full', reportedForm: 'alternate' };

const RATE_LIMIT_MODES: readonly RateLimitHeaders[] = ['full', 'no-reset', 'none', 'alternate'];
const REPORTED_FORMS: readonly ReportedForm[] = ['alternate', 'always-string', 'always-object'];

/** Checks fault JSON from the control API; throws a RangeError naming every problem. */
export function parseCloudFaults(json: unknown): CloudFaultsInput {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new RangeError('expected a JSON object');
  const out: CloudFaultsInput = {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
    if (key === 'outage' || key === 'forbidPairings') {
      if (typeof value === 'boolean') out[key] = value;
      else problems.push(`${key} must be true or false`);
    } else if (key === 'rateLimitHeaders') {
      if (RATE_LIMIT_MODES.includes(value as RateLimitHeaders)) out.rateLimitHeaders = value as RateLimitHeaders;
      else problems.push(`rateLimitHeaders must be one of ${RATE_LIMIT_MODES.join(', ')}`);
    } else if (key === 'reportedForm') {
      if (REPORTED_FORMS.includes(value as ReportedForm)) out.reportedForm = value as ReportedForm;
      else problems.push(`reportedForm must be one of ${REPORTED_FORMS.join(', ')}`);
    } else {
      problems.push(`${key} is not a cloud fault; faults: outage, forbidPairings, rateLimitHeaders, reportedForm`);
    }
  }
  if (problems.length) throw new RangeError(problems.join('; '));
  return out;
}

export interface CloudRequestRecord {
  method: string;
  /** Without the base path, e.g. /device/startcharge; paths outside it as received. */
  path: string;
  /** First value of each query parameter; a Wi-Fi password shows as "***". */
  query: Record<string, string>;
  /** Parsed JSON body, the raw text if it is not JSON, undefined if empty. */
  body: unknown;
  status: number;
  /** Whether an apikey header came with the request. The key itself is never kept. */
  hasApiKey: boolean;
  /** Counted against the daily quota. */
  counted: boolean;
  /** Simulated epoch ms of the account's clock. */
  simTime: number;
}

export interface CloudHttpRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface CloudGatewayOptions {
  apiKey: string;
  quota: CloudQuota;
  clock: SimClock;
  devices: () => readonly CloudDevice[];
  faults?: CloudFaultsInput;
}

// Kong's own bodies for its refusals.
const NO_ROUTE = { message: 'no Route matched with those values' };
const NO_KEY = { message: 'No API key found in request' };
const UNAUTHORIZED = { message: 'Unauthorized' };
const RATE_LIMITED = { message: 'API rate limit exceeded' };
const FORBIDDEN = { message: 'You cannot consume this service' };
const KEY_CHALLENGE = { 'WWW-Authenticate': 'Key realm="kong"' };

export class CloudGateway {
  readonly requests: CloudRequestRecord[] = [];
  faults: CloudFaults;
  private readonly apiKey: string;
  private readonly quota: CloudQuota;
  private readonly clock: SimClock;
  private readonly devices: () => readonly CloudDevice[];

  constructor(options: CloudGatewayOptions) {
    this.apiKey = options.apiKey;
    this.quota = options.quota;
    this.clock = options.clock;
    this.devices = options.devices;
    this.faults = { ...CLOUD_DEFAULTS, ...options.faults };
  }

  handle(req: CloudHttpRequest): CloudAnswer {
    const url = new URL(req.url, 'http://sim.invalid');
    const inBase = url.pathname.startsWith(`${CLOUD_BASE_PATH}/`);
    const path = inBase ? url.pathname.slice(CLOUD_BASE_PATH.length) : url.pathname;
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) if (!(k in query)) query[k] = v;
    const key = headerValue(req.headers.apikey);
    const record: CloudRequestRecord = {
      method: req.method,
      path,
      query: 'password' in query ? { ...query, password: '***' } : { ...query },
      body: parseBody(req.body),
      status: 0,
      hasApiKey: key !== undefined,
      counted: false,
      simTime: this.clock.simNow(),
    };
    const answer = this.answer(req.method, inBase ? findRoute(req.method, path) : undefined, key, query, record);
    record.status = answer.status;
    pushCapped(this.requests, record);
    return answer;
  }

  clearLog(): void {
    this.requests.length = 0;
  }

  private answer(method: string, route: CloudRoute | undefined, key: string | undefined, query: Record<string, string>, record: CloudRequestRecord): CloudAnswer {
    if (!route) return jsonReply(NO_ROUTE, 404);
    if (key === undefined) return { ...jsonReply(NO_KEY, 401), headers: KEY_CHALLENGE };
    if (key !== this.apiKey || this.faults.outage) return { ...jsonReply(UNAUTHORIZED, 401), headers: KEY_CHALLENGE };
    if (!this.quota.take()) return { ...jsonReply(RATE_LIMITED, 429), headers: this.rateHeaders(true) };
    record.counted = true;
    const headers = this.rateHeaders(false);
    let answer: CloudAnswer;
    try {
      answer = this.run(method, route, query, record.body);
    } catch (err) {
      if (!(err instanceof CloudProblem)) throw err;
      answer = err.toAnswer();
    }
    return { ...answer, headers: { ...answer.headers, ...headers } };
  }

  private run(method: string, route: CloudRoute, query: Record<string, string>, body: unknown): CloudAnswer {
    const base = { query, body, reportedForm: this.faults.reportedForm };
    if (route.scope === 'account') {
      if (this.faults.forbidPairings && method === 'GET' && route.path === '/pairings/me') return jsonReply(FORBIDDEN, 403);
      return route.handle({ ...base, devices: this.devices() });
    }
    const deviceId = query[route.deviceParam]?.trim();
    if (!deviceId) throw missingParam(route.deviceParam);
    for (const name of route.params) if (!query[name]?.trim()) throw missingParam(name);
    const cloud = this.devices().find((d) => d.deviceId === deviceId);
    if (!cloud) throw new CloudProblem(404, `Device ${deviceId} not found`);
    if (route.needsLink && !cloud.connected) throw new CloudProblem(502, `Device ${deviceId} is not connected`);
    return route.handle({ ...base, cloud });
  }

  private rateHeaders(refused: boolean): Record<string, string> {
    const mode = this.faults.rateLimitHeaders;
    if (mode === 'none' || (mode === 'alternate' && !refused && this.quota.used % 2 === 0)) return {};
    const headers: Record<string, string> = {
      'RateLimit-Limit': String(this.quota.limit),
      'RateLimit-Remaining': String(this.quota.remaining),
    };
    if (mode !== 'no-reset') headers['RateLimit-Reset'] = String(this.quota.resetInSeconds());
    return headers;
  }
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function parseBody(text: string): unknown {
  const t = text.trim();
  if (t === '') return undefined;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return text;
  }
}
