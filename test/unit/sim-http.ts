// Tiny HTTP client for the simulator tests: one socket per request (agent: false) so no
// keep-alive socket outlives a test, and an optional timeout like a real client's.

import * as http from 'node:http';

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export function get(base: string, path: string, options: { method?: string; body?: string; timeoutMs?: number; agent?: http.Agent } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      new URL(path, base),
      {
        method: options.method ?? 'GET',
        agent: options.agent ?? false,
        // Without a length, Node sends a DELETE body unframed.
        headers: options.body === undefined ? {} : { 'Content-Length': Buffer.byteLength(options.body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (options.timeoutMs !== undefined) req.setTimeout(options.timeoutMs, () => req.destroy(new Error('client timeout')));
    req.end(options.body);
  });
}

export async function postJson(base: string, path: string, value: unknown, method = 'POST'): Promise<{ status: number; json: unknown }> {
  const reply = await get(base, path, { method, body: JSON.stringify(value) });
  return { status: reply.status, json: JSON.parse(reply.body) as unknown };
}
