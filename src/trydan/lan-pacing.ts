// When the charger is free for the next request (docs/charger-protocol.md: one request at a time,
// ~150 ms between them, 404 to requests that come too soon). Pure: the LAN client tells it
// what happened and asks how long to wait.
//
// - The gap counts from when the charger is plausibly free, not from when the client gave
//   up. A request that timed out after it was sent (headers or body timeout) is still being
//   worked on by the charger, which cannot be told to stop, so it is taken to be busy for
//   another half timeout: a charger answering within one and a half times the timeout (10 s
//   against 8 s) is free by then, and telemetry comes back soon after it is (the chaos soak
//   holds it to one interval plus the backoff step). A connect timeout, a refusal or a reset
//   leaves nothing running.
// - A 404 means "too soon": the gap doubles for the retry and what follows (up to
//   MAX_GAP_MS), and eases back by halves after a run of clean answers, so a charger that
//   needs 200 ms is served without being slowed for good by one busy moment.

const MAX_GAP_MS = 2000;
/** After a request timed out on the charger, it is taken to be busy for this share of a timeout more. */
const STILL_RUNNING = 0.5;
/** Clean answers in a row before a widened gap is halved. */
const EASE_AFTER = 10;

export class LanPacing {
  private freeAt = -Infinity;
  private gap: number;
  private clean = 0;

  constructor(
    private readonly baseGapMs: number,
    private readonly timeoutMs: number,
  ) {
    this.gap = baseGapMs;
  }

  /** The gap now in use (grows after 404s). */
  get gapMs(): number {
    return this.gap;
  }

  /** Milliseconds to wait before the next request may go. */
  waitMs(now: number): number {
    return Math.max(0, this.freeAt + this.gap - now);
  }

  /** The charger answered with this HTTP status. */
  answered(now: number, status: number): void {
    this.freeAt = now;
    if (status === 404) {
      this.gap = Math.min(MAX_GAP_MS, Math.max(this.gap * 2, 1));
      this.clean = 0;
    } else if (this.gap > this.baseGapMs && ++this.clean >= EASE_AFTER) {
      this.gap = Math.max(this.baseGapMs, this.gap / 2);
      this.clean = 0;
    }
  }

  /** The request failed without an answer; `code` is the error's code. */
  failed(now: number, code: string | undefined): void {
    this.freeAt = requestStillRunning(code) ? now + STILL_RUNNING * this.timeoutMs : now;
  }
}

/** Timeouts after the request was sent: the charger got it and may still be working on it. */
function requestStillRunning(code: string | undefined): boolean {
  // The deadline passed on a connection (lan-http.ts): the request was sent, or as good as.
  // CONNECT_TIMEOUT, a refusal or a reset leave nothing running on the charger.
  return code === 'REQUEST_TIMEOUT';
}
