// The cloud's HTTP face on 127.0.0.1: reads each request whole, waits the configured
// latency, lets the gateway answer it. Unlike the charger, the cloud answers requests in
// parallel. Paths under /_sim/ go to a control handler and are not cloud traffic.

import * as http from 'node:http';
import type { Socket } from 'node:net';
import type { CloudHttpRequest } from './cloud-gateway';
import type { CloudAnswer } from './cloud-replies';
import { sendEndless } from './fault-replies';
import { readBody } from './http-json';
import type { ControlHandler } from './lan-server';
import { closeServer, listenOnLoopback, trackSockets } from './loopback';

export interface CloudServerOptions {
  handle: (req: CloudHttpRequest) => CloudAnswer;
  control?: ControlHandler;
  /** 0 = a free port. */
  port?: number;
  /** Real ms before each answer. */
  latencyMs?: number;
}

export class CloudServer {
  latencyMs: number;
  private readonly handle: (req: CloudHttpRequest) => CloudAnswer;
  private readonly control: ControlHandler | undefined;
  private readonly port: number;
  private readonly server: http.Server;
  private readonly sockets: Set<Socket>;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(options: CloudServerOptions) {
    this.handle = options.handle;
    this.control = options.control;
    this.port = options.port ?? 0;
    this.latencyMs = options.latencyMs ?? 5;
    this.server = http.createServer((req, res) => this.onRequest(req, res));
    this.sockets = trackSockets(this.server);
  }

  get listening(): boolean {
    return this.server.listening;
  }

  listen(): Promise<{ host: string; port: number }> {
    return listenOnLoopback(this.server, this.port, 'cloud server');
  }

  /** Stops listening, drops pending answers and destroys every socket, keep-alive ones too. */
  close(): Promise<void> {
    return closeServer(this.server, this.sockets, this.timers);
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = req.url ?? '/';
    if (url === '/_sim' || url.startsWith('/_sim/')) {
      if (this.control) this.control(req, res);
      else send(res, { status: 404, body: '{"message":"no control API"}', contentType: 'application/json' });
      return;
    }
    readBody(req).then(
      (body) => {
        const receivedAt = Date.now();
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          let answer: CloudAnswer;
          try {
            answer = this.handle({ method: req.method ?? 'GET', url, headers: req.headers, body, receivedAt });
          } catch (err) {
            answer = { status: 500, body: JSON.stringify({ message: err instanceof Error ? err.message : String(err) }), contentType: 'application/json' };
          }
          if (answer.endless) this.sendEndless(res, answer);
          else send(res, answer);
        }, this.latencyMs);
        timer.unref();
        this.timers.add(timer);
      },
      () => send(res, { status: 413, body: '{"message":"Request body too large"}', contentType: 'application/json' }),
    );
  }

  private sendEndless(res: http.ServerResponse, answer: CloudAnswer): void {
    if (res.destroyed || res.writableEnded) return;
    for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
    sendEndless(res, answer.contentType ?? 'application/json', this.timers);
  }
}

function send(res: http.ServerResponse, answer: CloudAnswer): void {
  if (res.destroyed || res.writableEnded) return;
  const headers: Record<string, string | number> = { ...answer.headers };
  if (answer.status !== 204) {
    headers['Content-Type'] = answer.contentType ?? 'application/json';
    headers['Content-Length'] = Buffer.byteLength(answer.body);
  }
  res.writeHead(answer.status, headers);
  res.end(answer.status === 204 ? undefined : answer.body);
}
