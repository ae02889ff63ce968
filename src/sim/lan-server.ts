// The charger's LAN HTTP face: GET /RealTimeData, /read/<Keyword>, /write/<Keyword>=<Value>,
// answered one request at a time like the real firmware, with latency and switchable faults.
// It knows nothing of physics: the simulator hands it a LanDevice. Paths under /_sim/ go
// to a control handler and are not device traffic.

import * as http from 'node:http';
import type { Socket } from 'node:net';
import { closeServer, listenOnLoopback, trackSockets } from './loopback';
import { pushCapped } from './capped-log';
import { sendEndless, sendHuge } from './fault-replies';

/**
 * truncated: cut after the first value · partial: cut mid-number after a few fields (a
 * plausible-looking reading) · html: an error page · endless: `{` then a byte a second,
 * never finished · huge: the reading padded to 16 MB.
 */
export type MalformedKind = 'truncated' | 'partial' | 'html' | 'endless' | 'huge';
export const MALFORMED_KINDS: readonly MalformedKind[] = ['truncated', 'partial', 'html', 'endless', 'huge'];

export interface LanFaults {
  /** Device requests get their socket destroyed without an answer. */
  offline: boolean;
  /** Extra real-time delay on every device answer, e.g. to exceed a client timeout. */
  slowMs: number;
  /** Answer garbage instead of the real body; writes still take effect. */
  malformed: false | MalformedKind;
  /** Every write answers ERROR and changes nothing. */
  rejectWrites: boolean;
  /** A request starting sooner than this after the previous answer gets 404 (real firmware does this to quick back-to-back requests). */
  minGapMs: number;
}

export interface LanFaultsInput {
  offline?: boolean;
  slowMs?: number;
  /** true means 'truncated'. */
  malformed?: boolean | MalformedKind;
  rejectWrites?: boolean;
  minGapMs?: number;
}

/**
 * The longest delay a fault may add: an hour outlasts every client timeout, and setTimeout
 * cannot wait past 2^31-1 ms (it then fires at once, so 3e9 would mean "answer now").
 */
export const MAX_FAULT_DELAY_MS = 3_600_000;

export const NO_FAULTS: Readonly<LanFaults> = { offline: false, slowMs: 0, malformed: false, rejectWrites: false, minGapMs: 0 };

function delayProblem(key: string, value: unknown): string | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= MAX_FAULT_DELAY_MS
    ? undefined
    : `${key} must be a number of ms from 0 to at most ${MAX_FAULT_DELAY_MS}`;
}

/** Throws a RangeError for a delay a timer cannot wait; the faults stay as they were. */
export function mergeFaults(current: LanFaults, input: LanFaultsInput): LanFaults {
  const problems = (['slowMs', 'minGapMs'] as const).map((key) => (input[key] === undefined ? undefined : delayProblem(key, input[key]))).filter((p) => p !== undefined);
  if (problems.length) throw new RangeError(problems.join('; '));
  const next = { ...current };
  if (input.offline !== undefined) next.offline = input.offline;
  if (input.slowMs !== undefined) next.slowMs = input.slowMs;
  if (input.malformed !== undefined) next.malformed = input.malformed === true ? 'truncated' : input.malformed;
  if (input.rejectWrites !== undefined) next.rejectWrites = input.rejectWrites;
  if (input.minGapMs !== undefined) next.minGapMs = input.minGapMs;
  return next;
}

/** Checks fault JSON from the control API; throws a RangeError naming every problem. */
export function parseFaultsInput(json: unknown): LanFaultsInput {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new RangeError('expected a JSON object');
  const out: LanFaultsInput = {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
    if (key === 'offline' || key === 'rejectWrites') {
      if (typeof value === 'boolean') out[key] = value;
      else problems.push(`${key} must be true or false`);
    } else if (key === 'slowMs' || key === 'minGapMs') {
      const problem = delayProblem(key, value);
      if (problem) problems.push(problem);
      else out[key] = value as number;
    } else if (key === 'malformed') {
      if (typeof value === 'boolean' || MALFORMED_KINDS.includes(value as MalformedKind)) out.malformed = value as boolean | MalformedKind;
      else problems.push(`malformed must be true, false or one of ${MALFORMED_KINDS.map((k) => `"${k}"`).join(', ')}`);
    } else {
      problems.push(`${key} is not a fault; faults: offline, slowMs, malformed, rejectWrites, minGapMs`);
    }
  }
  if (problems.length) throw new RangeError(problems.join('; '));
  return out;
}

export interface RequestRecord {
  method: string;
  /** Path and query as received. */
  path: string;
  /** Real epoch ms when the request arrived and when the device answered (or dropped) it. */
  start: number;
  end: number;
  /** HTTP status sent; 0 = socket destroyed without an answer (offline). */
  status: number;
  /** Arrived while another device request was in flight, so it got 404. */
  overlapped: boolean;
  /** Arrived within minGapMs of the previous answer, so it got 404. */
  tooSoon: boolean;
}

/** What the server needs from the simulated device. */
export interface LanDevice {
  realTimeData(): { body: string; contentType: string };
  hasReadEndpoint(): boolean;
  /** Plain-text value, or undefined for a keyword this firmware does not know. */
  read(keyword: string): string | undefined;
  write(keyword: string, value: string): boolean;
  /** Logs a write refused by the rejectWrites fault. */
  rejectWrite(keyword: string, value: string): void;
}

export type ControlHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface LanServerOptions {
  device: LanDevice;
  /** 0 = a free port. */
  port?: number;
  /** Real ms each device answer takes, so overlaps are observable. */
  latencyMs?: number;
  control?: ControlHandler;
}

interface Answer {
  status: number;
  body: string;
  contentType: string;
  /** Sent as a stream that never ends, or padded to a huge size. */
  shape?: 'endless' | 'huge';
}

export const NOT_FOUND_BODY = 'This URI does not exist';
const TEXT = 'text/plain';
const notFound = (): Answer => ({ status: 404, body: NOT_FOUND_BODY, contentType: TEXT });
const text = (body: string): Answer => ({ status: 200, body, contentType: TEXT });
const HTML_GARBAGE = '<html><head><title>Error</title></head><body><h1>500 Internal Server Error</h1></body></html>';

/** Listens on 127.0.0.1 only: the simulator never serves beyond the local machine. */
export { LOOPBACK } from './loopback';

export class LanServer {
  readonly requests: RequestRecord[] = [];
  faults: LanFaults = { ...NO_FAULTS };
  latencyMs: number;
  private maxInFlight = 0;
  private inFlightCount = 0;
  private overlapTotal = 0;
  private lastAnswerAt = -Infinity;
  private readonly device: LanDevice;
  private readonly control: ControlHandler | undefined;
  private readonly port: number;
  private readonly server: http.Server;
  private readonly sockets: Set<Socket>;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(options: LanServerOptions) {
    this.device = options.device;
    this.control = options.control;
    this.port = options.port ?? 0;
    this.latencyMs = options.latencyMs ?? 30;
    this.server = http.createServer((req, res) => this.onRequest(req, res));
    this.sockets = trackSockets(this.server);
  }

  /** Highest number of device requests in flight at once; 1 with a well-behaved client. */
  get maxConcurrent(): number {
    return this.maxInFlight;
  }

  get inFlight(): number {
    return this.inFlightCount;
  }

  /** Device requests that arrived while another was in flight, since start (never capped or cleared). */
  get overlaps(): number {
    return this.overlapTotal;
  }

  clearLog(): void {
    this.requests.length = 0;
    this.maxInFlight = this.inFlightCount;
  }

  listen(): Promise<{ host: string; port: number }> {
    return listenOnLoopback(this.server, this.port, 'simulator server');
  }

  /** Stops listening, drops pending answers and destroys every socket, keep-alive ones too. */
  close(): Promise<void> {
    this.inFlightCount = 0;
    return closeServer(this.server, this.sockets, this.timers);
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = req.url ?? '/';
    if (path === '/_sim' || path.startsWith('/_sim/')) {
      if (this.control) this.control(req, res);
      else send(res, notFound());
      return;
    }
    req.resume(); // the device ignores request bodies
    const start = Date.now();
    const method = req.method ?? 'GET';
    if (this.faults.offline) {
      req.socket.destroy();
      pushCapped(this.requests, { method, path, start, end: start, status: 0, overlapped: false, tooSoon: false });
      return;
    }
    // Counted before anything is answered, so a test sees maxConcurrent 2 on an overlap.
    this.inFlightCount++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlightCount);
    const overlapped = this.inFlightCount > 1;
    if (overlapped) this.overlapTotal++;
    const tooSoon = !overlapped && start - this.lastAnswerAt < this.faults.minGapMs;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const answer = overlapped || tooSoon ? notFound() : this.route(method, path);
      // The device stays busy until a streamed answer is over or its client hangs up.
      let finished = false;
      const finish = (): void => {
        if (finished) return;
        finished = true;
        this.inFlightCount = Math.max(0, this.inFlightCount - 1);
        const end = Date.now();
        this.lastAnswerAt = end;
        pushCapped(this.requests, { method, path, start, end, status: answer.status, overlapped, tooSoon });
      };
      if (answer.shape === 'endless' && !res.destroyed) sendEndless(res, answer.contentType, this.timers, finish);
      else if (answer.shape === 'huge' && !res.destroyed) sendHuge(res, answer.body, answer.contentType, undefined, finish);
      else {
        send(res, answer);
        finish();
      }
    }, this.latencyMs + this.faults.slowMs);
    timer.unref();
    this.timers.add(timer);
  }

  private route(method: string, rawPath: string): Answer {
    if (method !== 'GET') return notFound();
    const path = rawPath.split('?')[0] ?? '';
    const malformed = this.faults.malformed;
    if (path === '/RealTimeData') {
      const { body, contentType } = this.device.realTimeData();
      if (malformed === 'html') return { status: 200, body: HTML_GARBAGE, contentType: 'text/html' };
      // Cut just past the first value, like a reply lost mid-transfer: {"ID":"X",
      if (malformed === 'truncated') return { status: 200, body: body.slice(0, body.indexOf(',') + 1), contentType };
      if (malformed === 'partial') return { status: 200, body: cutMidNumber(body), contentType };
      if (malformed === 'endless' || malformed === 'huge') return { status: 200, body, contentType, shape: malformed };
      return { status: 200, body, contentType };
    }
    if (path.startsWith('/read/')) {
      if (!this.device.hasReadEndpoint()) return notFound();
      const keyword = decode(path.slice('/read/'.length));
      const value = keyword === undefined ? undefined : this.device.read(keyword);
      return this.garble(text(value ?? 'ERROR'));
    }
    if (path.startsWith('/write/')) {
      const assignment = decode(path.slice('/write/'.length));
      const eq = assignment?.indexOf('=') ?? -1;
      if (assignment === undefined || eq <= 0) return this.garble(text('ERROR'));
      const keyword = assignment.slice(0, eq);
      const value = assignment.slice(eq + 1);
      if (this.faults.rejectWrites) {
        this.device.rejectWrite(keyword, value);
        return this.garble(text('ERROR'));
      }
      return this.garble(text(this.device.write(keyword, value) ? 'OK' : 'ERROR'));
    }
    return notFound();
  }

  private garble(answer: Answer): Answer {
    const malformed = this.faults.malformed;
    if (malformed === 'html') return { status: 200, body: HTML_GARBAGE, contentType: 'text/html' };
    // An empty reply: never a valid number, never OK.
    if (malformed === 'truncated' || malformed === 'partial') return { ...answer, body: '' };
    // Short answers (a number, OK) stay short; only their end never comes.
    if (malformed === 'endless') return { ...answer, shape: 'endless' };
    return answer;
  }
}

/** The body cut inside the fourth number, like `{"ID":"X","ChargeState":2,"Paused":0,"ChargePower":23`. */
function cutMidNumber(body: string): string {
  const numbers = [...body.matchAll(/:\s*-?\d+/g)];
  const at = numbers[Math.min(3, numbers.length - 1)];
  if (!at || at.index === undefined) return body.slice(0, Math.floor(body.length / 2));
  return body.slice(0, at.index + at[0].length - (at[0].length > 2 ? 1 : 0));
}

function decode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

function send(res: http.ServerResponse, answer: Answer): void {
  // The client may have given up (timeout) while the device was still busy.
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(answer.status, { 'Content-Type': answer.contentType, 'Content-Length': Buffer.byteLength(answer.body) });
  res.end(answer.body);
}
