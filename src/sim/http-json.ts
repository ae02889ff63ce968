// JSON in and out for the simulator's control APIs (LAN and cloud servers alike).

import type * as http from 'node:http';

const MAX_BODY_BYTES = 64 * 1024;

/** An error with the HTTP status the control API answers it with. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Reads a request body; resolves the raw text (empty string when there is none). */
export function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpProblem(413, 'body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Reads a JSON body; an empty body is `{}`. */
export async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const text = (await readBody(req)).trim();
  if (text === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpProblem(400, 'body is not valid JSON');
  }
}

export function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  if (res.destroyed || res.writableEnded) return;
  const body = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** Answers a control request: the handler's value as JSON, or its error with a status. */
export function answerControl(res: http.ServerResponse, work: Promise<unknown>): void {
  work.then(
    (value) => sendJson(res, 200, value),
    (err: unknown) => {
      const status = err instanceof HttpProblem ? err.status : err instanceof RangeError ? 400 : 500;
      sendJson(res, status, { error: err instanceof Error ? err.message : String(err) });
    },
  );
}

/** The object body of a control request, or a 400. */
export function asObject(json: unknown): Record<string, unknown> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new HttpProblem(400, 'expected a JSON object');
  return json as Record<string, unknown>;
}
