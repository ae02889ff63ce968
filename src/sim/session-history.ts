// The charger's charging sessions as the cloud's statistics report them: a seeded history of
// past sessions plus the sessions the simulated car really charges. A session runs from
// plug-in to unplug (pauses inside it do not split it), so energy comes from the car's
// battery, which unlike ChargeEnergy does not reset on pause.

import type { DeviceSample } from './device-state';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export interface SessionRecord {
  id: number;
  /** Simulated epoch ms. */
  start: number;
  /** Undefined while the car is still plugged in. */
  end: number | undefined;
  energyKWh: number;
  /** kWh per local clock hour, keyed by the hour's start (epoch ms). */
  hourly: Map<number, number>;
  rfidCode: string | undefined;
  rfidName: string | undefined;
  /** Simulated epoch ms of the last change. */
  updatedAt: number;
}

interface OpenSession extends SessionRecord {
  lastTime: number;
  lastEnergyKWh: number;
}

export interface SessionHistoryOptions {
  deviceId: string;
  seed: number;
  /** Simulated epoch ms; seeded sessions end before it. */
  now: number;
  /** Past sessions to invent over the 30 days before `now`; default 12. */
  seededCount?: number;
}

export class SessionHistory {
  private readonly finished: SessionRecord[] = [];
  private open: OpenSession | undefined;
  private nextId: number;

  constructor(options: SessionHistoryOptions) {
    const random = mulberry32(options.seed ^ hashText(options.deviceId));
    this.nextId = 17_000_000 + Math.floor(random() * 900_000) * 10;
    const count = options.seededCount ?? 12;
    for (let i = 0; i < count; i++) this.finished.push(this.invent(options.now - 30 * DAY_MS + (i * 30 * DAY_MS) / count, random, options.now));
  }

  /** Finished sessions and the open one, oldest first. */
  all(): SessionRecord[] {
    return this.open ? [...this.finished, this.open] : [...this.finished];
  }

  /** Follows the device: opens a session on plug-in, adds energy, closes it on unplug. */
  observe(sample: DeviceSample): void {
    const open = this.open;
    if (!open) {
      if (!sample.carConnected) return;
      this.open = {
        id: this.nextId++,
        start: sample.time,
        end: undefined,
        energyKWh: 0,
        hourly: new Map([[hourStart(sample.time), 0]]),
        rfidCode: undefined,
        rfidName: undefined,
        updatedAt: sample.time,
        lastTime: sample.time,
        lastEnergyKWh: sample.carEnergyKWh,
      };
      return;
    }
    const kWh = Math.max(0, sample.carEnergyKWh - open.lastEnergyKWh);
    if (kWh > 0) {
      spread(open.hourly, open.lastTime, sample.time, kWh);
      open.energyKWh += kWh;
      open.updatedAt = sample.time;
    }
    open.lastTime = sample.time;
    open.lastEnergyKWh = sample.carEnergyKWh;
    if (!sample.carConnected) {
      const { id, start, energyKWh, hourly, rfidCode, rfidName } = open;
      this.finished.push({ id, start, end: sample.time, energyKWh, hourly, rfidCode, rfidName, updatedAt: sample.time });
      this.open = undefined;
    }
  }

  /** A card swiped during the session names it (statistics show rfidCode and rfidName). */
  attachCard(code: string, name: string): void {
    if (!this.open) return;
    this.open.rfidCode = code;
    this.open.rfidName = name;
  }

  /** A plausible past session: evening or late-morning start, 1 to 7 hours, 2.5 to 7 kW. */
  private invent(dayTime: number, random: () => number, before: number): SessionRecord {
    const day = new Date(dayTime);
    const evening = random() < 0.7;
    day.setHours(evening ? 17 + Math.floor(random() * 5) : 9 + Math.floor(random() * 3), Math.floor(random() * 60), Math.floor(random() * 60), 0);
    const start = Math.min(day.getTime(), before - 8 * HOUR_MS);
    const hours = 1 + random() * 6;
    const end = start + Math.round((hours * HOUR_MS) / 1000) * 1000;
    const energyKWh = Math.round(Math.min(45, hours * (2.5 + random() * 4.5)) * 10) / 10;
    const hourly = new Map<number, number>();
    spread(hourly, start, end, energyKWh);
    return { id: this.nextId++, start, end, energyKWh, hourly, rfidCode: undefined, rfidName: undefined, updatedAt: end };
  }
}

/** Adds `kWh`, delivered evenly between `from` and `to`, to the local clock hours it covers. */
export function spread(hourly: Map<number, number>, from: number, to: number, kWh: number): void {
  if (to <= from) {
    const h = hourStart(to);
    hourly.set(h, (hourly.get(h) ?? 0) + kWh);
    return;
  }
  let t = from;
  while (t < to) {
    const h = hourStart(t);
    const next = Math.min(to, h + HOUR_MS);
    hourly.set(h, (hourly.get(h) ?? 0) + (kWh * (next - t)) / (to - from));
    t = next;
  }
}

function hourStart(time: number): number {
  const d = new Date(time);
  d.setMinutes(0, 0, 0);
  return d.getTime();
}

export function hashText(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
