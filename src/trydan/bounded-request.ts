// One HTTP request with an overall deadline and a body size cap. undici's own timeouts
// limit the wait for headers and the gap between body chunks only, so a server that sends
// a byte a second, or 50 MB, would hold a request (and its memory) forever. Both limits
// abort through an AbortSignal: undici then destroys the socket of the abandoned request.

import type { Dispatcher } from 'undici';
import { type Clock, systemClock } from './clock';
import { InvalidResponse } from './errors';

export interface Bounds {
  /** Milliseconds from sending the request to the body's last byte. */
  deadlineMs: number;
  /** Bytes of body accepted; one more and the request is abandoned. */
  maxBytes: number;
  /** Who answered, for the error text: "charger", "the V2C cloud". */
  who: string;
  clock?: Clock;
  /** Set once the reply's headers arrived (a failure after that is not a lost request). */
  progress?: { headers: boolean };
}

export interface BoundedReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** The deadline passed; the client turns it into its own "no answer in time" error. */
export class RequestTimeout extends Error {
  readonly code = 'REQUEST_TIMEOUT';
  constructor(ms: number) {
    super(`no complete answer within ${ms} ms`);
    this.name = 'RequestTimeout';
  }
}

export function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MB` : `${Math.round(bytes / 1024)} KB`;
}

export async function boundedRequest(dispatcher: Dispatcher, request: Dispatcher.RequestOptions, bounds: Bounds): Promise<BoundedReply> {
  const clock = bounds.clock ?? systemClock;
  const controller = new AbortController();
  const timer = clock.setTimeout(() => controller.abort(new RequestTimeout(bounds.deadlineMs)), bounds.deadlineMs);
  const tooLarge = (): InvalidResponse =>
    new InvalidResponse(`${bounds.who} sent a reply larger than ${sizeText(bounds.maxBytes)}; stopped reading it`);
  try {
    const res = await dispatcher.request({ ...request, signal: controller.signal });
    if (bounds.progress) bounds.progress.headers = true;
    // A declared length over the cap is refused before a byte of it is read.
    if (Number(res.headers['content-length']) > bounds.maxBytes) controller.abort(tooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > bounds.maxBytes) {
        controller.abort(tooLarge());
        break;
      }
      chunks.push(chunk);
    }
    if (controller.signal.aborted) throw controller.signal.reason;
    return { status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') };
  } catch (err) {
    // undici rejects with its own abort error or the reason; the reason is what happened.
    throw controller.signal.aborted ? (controller.signal.reason as Error) : err;
  } finally {
    clock.clearTimeout(timer);
  }
}
