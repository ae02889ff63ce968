// Typed errors of the V2C cloud. Messages are built from fixed words, endpoint names and
// numbers only: never from a request URL or header, so the API key cannot leak through them.

import { TrydanError } from './errors';

/** 401: the key was refused. Cloud outages gave valid keys 401 for days, so it is retried slowly. */
export class AuthFailed extends TrydanError {
  constructor(endpoint: string) {
    super('AUTH_FAILED', `the V2C cloud refused the API key on ${endpoint} (401); check the key, or wait: cloud outages cause this too`);
  }
}

/** 403: the key may not do this (seen on /pairings/me while device calls worked). */
export class Forbidden extends TrydanError {
  constructor(endpoint: string) {
    super('FORBIDDEN', `the V2C cloud does not allow ${endpoint} for this key (403)`);
  }
}

/** 429, or a call refused because the daily quota is spent: never retried until the reset. */
export class RateLimited extends TrydanError {
  readonly resetAt: number | undefined;
  constructor(endpoint: string, resetAt: number | undefined) {
    const date = resetAt ? isoDate(resetAt) : undefined;
    const when = date ? ` until ${date}` : '';
    super('RATE_LIMITED', `the V2C cloud daily quota is spent; ${endpoint} and every other cloud call wait${when}`);
    this.resetAt = resetAt;
  }
}

/** A date for an error text, or undefined where there is none: a text must never throw. */
function isoDate(ms: number): string | undefined {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** A background call refused to keep the last calls of the day for commands a person triggers. */
export class QuotaReserved extends TrydanError {
  constructor(endpoint: string, remaining: number) {
    super('QUOTA_RESERVED', `${endpoint} skipped: only ${remaining} cloud calls left today, kept for your own commands`);
  }
}

/** The cloud did not answer, or answered with a server error. */
export class CloudUnreachable extends TrydanError {
  constructor(endpoint: string, why: string, options?: { cause?: unknown }) {
    super('CLOUD_UNREACHABLE', `the V2C cloud did not answer ${endpoint} (${why})`, options);
  }
}

/** The cloud refused the request itself (400, 404, ...). */
export class CloudRejected extends TrydanError {
  readonly status: number;
  constructor(endpoint: string, status: number, detail: string) {
    super('CLOUD_REJECTED', `the V2C cloud rejected ${endpoint} (HTTP ${status})${detail ? ': ' + detail : ''}`);
    this.status = status;
  }
}
