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

/**
 * html: a 200 maintenance page from in front of the gateway (not counted) · truncated: the
 * real reply cut in half · endless: `{` then a byte a second, never finished.
 */
export type CloudMalformed = 'html' | 'truncated' | 'endless';
const CLOUD_MALFORMED: readonly CloudMalformed[] = ['html', 'truncated', 'endless'];

export interface CloudFaults {
  /** Every call answers 401, valid key or not (the week-long incident). */
  outage: boolean;
  /** 0 = none; else calls that pass the quota get this 5xx status and an HTML error page (counted, as Kong counts them). */
  serverError: number;
  malformed: false | CloudMalformed;
  /** GET /pairings/me answers 403 while device calls work. */
  forbidPairings: boolean;
  rateLimitHeaders: RateLimitHeaders;
  reportedForm: ReportedForm;
}

export type CloudFaultsInput = Partial<CloudFaults>;

export const CLOUD_DEFAULTS: Readonly<CloudFaults> = { outage: false, serverError: 0, malformed: false, forbidPairings: false, rateLimitHeaders: 'full', reportedForm: 'alternate' };

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
    } else if (key === 'serverError') {
      if (value === 0 || (Number.isInteger(value) && (value as number) >= 500 && (value as number) <= 599)) out.serverError = value as number;
      else problems.push('serverError must be 0 or an HTTP status 500-599');
    } else if (key === 'malformed') {
      if (value === false || CLOUD_MALFORMED.includes(value as CloudMalformed)) out.malformed = value as false | CloudMalformed;
      else problems.push(`malformed must be false or one of ${CLOUD_MALFORMED.join(', ')}`);
    } else if (key === 'rateLimitHeaders') {
      if (RATE_LIMIT_MODES.includes(value as RateLimitHeaders)) out.rateLimitHeaders = value as RateLimitHeaders;
      else problems.push(`rateLimitHeaders must be one of ${RATE_LIMIT_MODES.join(', ')}`);
    } else if (key === 'reportedForm') {
      if (REPORTED_FORMS.includes(value as ReportedForm)) out.reportedForm = value as ReportedForm;
      else problems.push(`reportedForm must be one of ${REPORTED_FORMS.join(', ')}`);
    } else {
      problems.push(`${key} is not a cloud fault; faults: outage, serverError, malformed, forbidPairings, rateLimitHeaders, reportedForm`);
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
  /** Real epoch ms: when the request arrived (its body read) and when it was answered. */
  receivedAt: number;
  answeredAt: number;
  /** Calls left today after this answer, as the RateLimit-Remaining header would say. */
  remaining: number;
}

export interface CloudHttpRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Real epoch ms the request arrived; default: when it is handled. */
  receivedAt?: number;
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
// What sits in front of the gateway or behind it when things break: HTML, never JSON.
const MAINTENANCE_PAGE: CloudAnswer = { status: 200, body: '<!DOCTYPE html><html><head><title>V2C Cloud</title></head><body><h1>Under maintenance</h1></body></html>', contentType: 'text/html' };
const serverErrorPage = (status: number): CloudAnswer => ({ status, body: `<html><head><title>${status}</title></head><body><center><h1>${status} Server Error</h1></center><hr><center>nginx</center></body></html>`, contentType: 'text/html' });

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
      receivedAt: req.receivedAt ?? Date.now(),
      answeredAt: 0,
      remaining: 0,
    };
    const answer = this.answer(req.method, inBase ? findRoute(req.method, path) : undefined, key, query, record);
    record.status = answer.status;
    record.answeredAt = Date.now();
    record.remaining = this.quota.remaining;
    pushCapped(this.requests, record);
    return answer;
  }

  clearLog(): void {
    this.requests.length = 0;
  }

  private answer(method: string, route: CloudRoute | undefined, key: string | undefined, query: Record<string, string>, record: CloudRequestRecord): CloudAnswer {
    if (this.faults.malformed === 'html') return MAINTENANCE_PAGE;
    if (!route) return jsonReply(NO_ROUTE, 404);
    if (key === undefined) return { ...jsonReply(NO_KEY, 401), headers: KEY_CHALLENGE };
    if (key !== this.apiKey || this.faults.outage) return { ...jsonReply(UNAUTHORIZED, 401), headers: KEY_CHALLENGE };
    if (!this.quota.take()) return { ...jsonReply(RATE_LIMITED, 429), headers: this.rateHeaders(true) };
    record.counted = true;
    const headers = this.rateHeaders(false);
    if (this.faults.serverError) return { ...serverErrorPage(this.faults.serverError), headers };
    if (this.faults.malformed === 'endless') return { status: 200, body: '', contentType: 'application/json', headers, endless: true };
    let answer: CloudAnswer;
    try {
      answer = this.run(method, route, query, record.body);
    } catch (err) {
      if (!(err instanceof CloudProblem)) throw err;
      answer = err.toAnswer();
    }
    if (this.faults.malformed === 'truncated' && answer.body.length > 1) answer = { ...answer, body: answer.body.slice(0, Math.ceil(answer.body.length / 2)) };
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
