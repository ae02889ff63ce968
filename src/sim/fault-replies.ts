// Replies that hurt a client's transport rather than its parser: one that never ends, and
// one far larger than any the real device or cloud sends. Shared by the LAN and cloud
// servers. Both stop as soon as the client goes away, and neither holds the body in memory.

import type * as http from 'node:http';

/** Bytes of the `huge` reply: far beyond the 2 KB of a real /RealTimeData. */
export const HUGE_REPLY_BYTES = 16 * 1024 * 1024;
/** One byte of an endless reply goes out this often. */
export const ENDLESS_BYTE_MS = 1000;

const CHUNK = Buffer.alloc(64 * 1024, 0x20);

/**
 * 200, then `{`, then one space a second until the client hangs up or the server closes
 * (the timer sits in `timers`, which the server clears on close). `finished` runs once.
 */
export function sendEndless(res: http.ServerResponse, contentType: string, timers: Set<NodeJS.Timeout>, finished: () => void = () => {}): void {
  res.writeHead(200, { 'Content-Type': contentType });
  res.write('{');
  const timer = setInterval(() => {
    if (res.destroyed) stop();
    else res.write(' ');
  }, ENDLESS_BYTE_MS);
  timer.unref();
  timers.add(timer);
  let done = false;
  function stop(): void {
    if (done) return;
    done = true;
    clearInterval(timer);
    timers.delete(timer);
    finished();
  }
  res.once('close', stop);
}

/**
 * A well-formed JSON object of about `bytes` bytes: the real body with a long `Padding`
 * key, streamed in 64 KB chunks with backpressure. `finished` runs once, when all went out
 * or the client hung up.
 */
export function sendHuge(res: http.ServerResponse, body: string, contentType: string, bytes = HUGE_REPLY_BYTES, finished: () => void = () => {}): void {
  const open = body.trimEnd().replace(/}\s*$/, '');
  const head = `${open}${open.trim() === '{' ? '' : ','}"Padding":"`;
  const tail = '"}';
  const padding = Math.max(0, bytes - Buffer.byteLength(head) - tail.length);
  res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(head) + padding + tail.length });
  res.write(head);
  let left = padding;
  let done = false;
  const stop = (): void => {
    if (done) return;
    done = true;
    finished();
  };
  res.once('close', stop);
  const pump = (): void => {
    while (left > 0 && !res.destroyed) {
      const n = Math.min(left, CHUNK.length);
      left -= n;
      if (!res.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) {
        res.once('drain', pump);
        return;
      }
    }
    if (!res.destroyed) res.end(tail, stop);
  };
  pump();
}
