// Every message the soak hands a node is numbered; each must come out exactly once: on the
// node's output or as an error (done(err), which Node-RED routes to Catch). The ledger
// tells which came out how, which never did, and which twice. An error raised while a
// redeploy stops the flow cannot reach a Catch node (Node-RED has already closed them; it
// logs the error instead), so those are counted apart. Node-RED hands an error to the Catch
// nodes a moment after the node raises it (the next turn of the event loop), so an error
// raised just before a redeploy began, and not caught, is counted with the redeploy's too.

export type Outcome = 'output' | 'unverified' | 'error';

export interface OutcomeFigures {
  sent: number;
  output: number;
  unverified: number;
  errors: number;
  /** Errors a Catch node received; errors none did while the flow ran; errors raised by a flow a redeploy was stopping or had stopped (logged by Node-RED). */
  caught: number;
  uncaught: number;
  loggedWhileStopping: number;
  lost: number;
  twice: number;
  codes: Record<string, number>;
}

export class Outcomes {
  private next: number;
  private readonly seen = new Map<number, Outcome[]>();
  private readonly caughtIds = new Set<number>();
  private readonly whileStopping = new Set<number>();
  private readonly codes: Record<string, number> = {};
  /** Errors not yet caught, with when they were raised (ms). */
  private readonly raisedAt = new Map<number, number>();

  /** Ids start at `first`: ledgers of different nodes must not share ids. */
  constructor(first: number) {
    this.next = first;
  }

  /** A fresh id for a message about to be sent. */
  issue(): number {
    const id = this.next++;
    this.seen.set(id, []);
    return id;
  }

  record(id: unknown, outcome: Outcome, code?: string, flowStopping = false): void {
    if (typeof id !== 'number') return;
    const list = this.seen.get(id);
    if (!list) return;
    list.push(outcome);
    if (outcome === 'error' && flowStopping) this.whileStopping.add(id);
    else if (outcome === 'error') this.raisedAt.set(id, Date.now());
    if (outcome === 'error') this.codes[code ?? 'no code'] = (this.codes[code ?? 'no code'] ?? 0) + 1;
  }

  caught(id: unknown): void {
    if (typeof id === 'number' && this.seen.has(id)) this.caughtIds.add(id);
    if (typeof id === 'number') this.raisedAt.delete(id);
  }

  /** A redeploy begins now: errors raised within `withinMs` and not yet caught never will be. */
  redeployBegins(withinMs: number): void {
    const now = Date.now();
    for (const [id, at] of this.raisedAt) {
      if (now - at <= withinMs && !this.caughtIds.has(id)) this.whileStopping.add(id);
      if (now - at > withinMs) this.raisedAt.delete(id);
    }
  }

  get pending(): number {
    let n = 0;
    for (const list of this.seen.values()) if (list.length === 0) n++;
    return n;
  }

  figures(): OutcomeFigures {
    const f: OutcomeFigures = { sent: this.seen.size, output: 0, unverified: 0, errors: 0, caught: this.caughtIds.size, uncaught: 0, loggedWhileStopping: 0, lost: 0, twice: 0, codes: { ...this.codes } };
    for (const [id, list] of this.seen) {
      if (list.length === 0) f.lost++;
      if (list.includes('error') && !this.caughtIds.has(id)) {
        if (this.whileStopping.has(id)) f.loggedWhileStopping++;
        else f.uncaught++;
      }
      if (list.length > 1) f.twice++;
      for (const o of list) {
        if (o === 'output') f.output++;
        else if (o === 'unverified') f.unverified++;
        else f.errors++;
      }
    }
    return f;
  }
}
