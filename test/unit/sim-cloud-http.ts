// Calls to the simulated cloud with undici, as the package's cloud client makes them.

import { Agent, request } from 'undici';

export interface CloudReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  contentType: string;
  text: string;
}

export interface CallOptions {
  /** The apikey header; null sends none. */
  apiKey?: string | null;
  /** Sent as JSON. */
  body?: unknown;
  dispatcher?: Agent;
}

export async function call(base: string, method: string, path: string, query: Record<string, string> = {}, options: CallOptions = {}): Promise<CloudReply> {
  const url = new URL(base + path);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const headers: Record<string, string> = {};
  if (options.apiKey !== null) headers.apikey = options.apiKey ?? 'sim-api-key';
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await request(url, {
    method: method as 'GET',
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
  });
  const text = await res.body.text();
  const contentType = res.headers['content-type'];
  return { status: res.statusCode, headers: res.headers, contentType: Array.isArray(contentType) ? (contentType[0] ?? '') : (contentType ?? ''), text };
}

/** A JSON body, unwrapping a JSON string that holds JSON (as the real cloud sometimes sends). */
export function parseLoose(text: string): unknown {
  const value: unknown = JSON.parse(text);
  return typeof value === 'string' && /^[[{]/.test(value) ? (JSON.parse(value) as unknown) : value;
}

export function header(reply: CloudReply, name: string): string | undefined {
  const v = reply.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
