// What must be written to the charger: the wanted values against what the charger is
// believed to have (its own telemetry once that can show our last write, else what we sent),
// in an order that never lets the car draw more than intended, at a bounded rate.

/** The keywords the controller writes (src/trydan/keywords.ts validates them downstream). */
export const CONTROL_KEYWORDS = ['PauseDynamic', 'Paused', 'ChargeMode', 'Intensity'] as const;
export type ControlKeyword = (typeof CONTROL_KEYWORDS)[number];
export type Command = Partial<Record<ControlKeyword, number>>;

/** What the controller knows of the charger from its telemetry. */
export interface ChargerView {
  Paused?: number;
  Intensity?: number;
  PauseDynamic?: number;
  ChargeMode?: number;
  MinIntensity?: number;
  MaxIntensity?: number;
  /** 1: the charge point is disabled (never written by the controller). */
  Locked?: number;
}

/** A reading taken this soon after a write may predate it (the write was still queued). */
export const ECHO_GRACE_MS = 10_000;
/** A value sent but not yet seen on the charger is sent again after this long, not sooner. */
export const RESEND_MS = 30_000;

// Pausing: pause first, then the rest. Resuming: current and phases first, then resume,
// so the car never starts at a stale, higher current.
const PAUSE_ORDER: readonly ControlKeyword[] = ['PauseDynamic', 'Paused', 'ChargeMode', 'Intensity'];
const RESUME_ORDER: readonly ControlKeyword[] = ['PauseDynamic', 'ChargeMode', 'Intensity', 'Paused'];

export class CommandTracker {
  private readonly sent = new Map<ControlKeyword, { value: number; at: number }>();
  private charger: ChargerView = {};
  private chargerAt = -Infinity;
  private lastWriteAt = -Infinity;

  /**
   * @param observeOnly dry run: nothing reaches the charger, so its telemetry never shows
   *   our values; compare with what we would have sent instead.
   */
  constructor(private readonly observeOnly: boolean) {}

  observe(view: ChargerView, now: number): void {
    this.charger = { ...this.charger, ...view };
    this.chargerAt = now;
  }

  /** Whether any telemetry arrived. */
  get seen(): boolean {
    return this.chargerAt > -Infinity;
  }

  get view(): Readonly<ChargerView> {
    return this.charger;
  }

  /** The value the charger has, as far as we know. */
  known(key: ControlKeyword): number | undefined {
    const sent = this.sent.get(key);
    const seen = this.charger[key];
    if (!this.observeOnly && seen !== undefined && this.chargerAt >= (sent?.at ?? -Infinity) + ECHO_GRACE_MS) return seen;
    return sent?.value ?? seen;
  }

  /** Seconds until a current change may be written, 0 = now. */
  waitSeconds(now: number, minIntervalS: number): number {
    return Math.max(0, (this.lastWriteAt + minIntervalS * 1000 - now) / 1000);
  }

  /**
   * The command that brings the charger to `want`, or null when nothing must change.
   * A change of current alone waits for the minimum write interval unless `urgent`.
   */
  plan(want: Command, now: number, minIntervalS: number, urgent: boolean): Command | null {
    const order = want.Paused === 1 ? PAUSE_ORDER : RESUME_ORDER;
    const command: Command = {};
    for (const key of order) {
      const value = want[key];
      if (value === undefined || this.known(key) === value) continue;
      const sent = this.sent.get(key);
      if (sent && sent.value === value && now - sent.at < RESEND_MS) continue;
      command[key] = value;
    }
    const keys = Object.keys(command);
    if (keys.length === 0) return null;
    if (!urgent && keys.every((k) => k === 'Intensity') && this.waitSeconds(now, minIntervalS) > 0) return null;
    return command;
  }

  /** Records a command as sent (or, in a dry run, as if sent). */
  record(command: Command, now: number): void {
    for (const [key, value] of Object.entries(command) as [ControlKeyword, number][]) this.sent.set(key, { value, at: now });
    this.lastWriteAt = now;
  }
}
