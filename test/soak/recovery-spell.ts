// One healthy spell after a LAN fault: when the returned charger was seen idle (no request
// at the simulator), and how long each telemetry node then took to send a reading.

import type { LanMode } from './chaos';

export interface Recovery {
  mode: LanMode;
  /** ms from the charger being back and idle to each telemetry node's next reading; null = none came. */
  latency: Record<string, number | null>;
  /** The returned charger was never once seen idle: the client still held a request 40 s later. */
  neverIdle: boolean;
}

export class RecoverySpell {
  readonly latency: Record<string, number | null>;
  private idleAt: number | undefined;
  // Apart from idleAt, which a redeploy clears to restart the latency clock: a redeploy under
  // way as the spell ends must not make a charger that was idle read as one never let go.
  private everIdle = false;

  constructor(
    readonly mode: LanMode,
    telemetryIds: readonly string[],
  ) {
    this.latency = Object.fromEntries(telemetryIds.map((id) => [id, null]));
  }

  /** The bookkeeping tick saw no request at the charger and no redeploy under way. */
  idle(now: number): void {
    if (this.idleAt === undefined) this.idleAt = now;
    this.everIdle = true;
  }

  /** A redeploy restarts the nodes: latency is measured again from the next idle moment. */
  redeploy(): void {
    this.idleAt = undefined;
  }

  reading(id: string, now: number): void {
    if (this.idleAt !== undefined && this.latency[id] === null) this.latency[id] = now - this.idleAt;
  }

  seenAll(): boolean {
    return Object.values(this.latency).every((v) => v !== null);
  }

  /** Idle for at least `ms` since the last (re)start of the latency clock. */
  idleFor(now: number, ms: number): boolean {
    return this.idleAt !== undefined && now - this.idleAt >= ms;
  }

  result(): Recovery {
    return { mode: this.mode, latency: { ...this.latency }, neverIdle: !this.everIdle };
  }
}
