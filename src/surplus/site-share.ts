// One site's bookkeeping for its members (site.ts splits, this keeps what the split needs):
// what each member's car draws and wants, the latest grid reading any member got, and for a
// member's grid reading the reading its controller should see, "the grid as if every other car
// drew exactly its share". Its controller then regulates its own share and nothing else, with
// all its own rules (smoothing, timers, the car's lag) intact. The node keeps one per site name
// (nodes/lib/site-registry.ts); the bench runs the same.

import { availablePower } from './available';
import type { Decision, Sample, SurplusController } from './controller';
import type { PriceSlot } from './prices';
import type { Mode, SurplusSettings } from './settings';
import { type Allowance, type Demand, type SiteLimits, type SiteMember, type Sharing, allocate, houseAmps } from './site';

/** A member whose node closed keeps its car's draw this long: a redeploy or restart takes seconds, and its car charges on meanwhile. */
export const HOLD_MS = 120_000;
/** A car that draws less than it is offered for this long takes no more (a battery that tapers or is full); longer than any car takes to start and ramp. */
export const SHORT_MS = 60_000;
/** ...and is offered no more than it took for this long, paused or not, so a full car does not take the surplus back from the others at every restart. */
export const TAKES_MS = 30 * 60_000;

/** The site as a member's report shows it. */
export interface SiteView {
  name: string;
  sharing: Sharing;
  /** Members, this one included. */
  members: number;
  /** This member's share of the surplus, W. */
  shareW: number;
  /** The most current this member may draw now, A; null: no limit. */
  maxA: number | null;
  /** The site's surplus, W, or null before the first grid reading. */
  surplusW: number | null;
  /** Current on the busiest phase: every car on one phase plus the house's import, A. */
  totalA: number;
  /** Power at the fuse: the cars plus the house's import, W. */
  totalW: number;
  limitA: number | null;
  limitW: number | null;
}

/** One grid reading, as it came to a member. */
export interface GridReading {
  gridW: number;
  /** The member's own car power measured with it, W. */
  carW?: number;
  batteryW?: number;
  soc?: number;
}

interface Entry {
  member: SiteMember;
  settings: SurplusSettings;
  /** Held for a closed node until then, epoch ms. */
  heldUntil?: number;
  /** Since when the car draws over half an amp less than it is offered, epoch ms. */
  shortSince?: number;
  /** What the car was found to take, W, and until when that holds, epoch ms. */
  takes?: { w: number; until: number };
}

/** What a member asks of the site, from its controller's latest decision. */
export function memberOf(id: string, s: SurplusSettings, d: Decision | undefined): SiteMember {
  const phases = d?.phases ?? (s.phaseSwitching ? 1 : s.phases);
  const carW = d?.surplus.carW ?? null;
  const setpoint = d?.setpoint ?? 0;
  let demand: Demand = s.mode === 'minpv' ? 'minpv' : 'pv';
  if (!d || ['off', 'noCar', 'done', 'locked'].includes(d.state)) demand = 'none';
  else if (d.full) demand = 'full';
  return {
    id,
    priority: s.sitePriority,
    demand,
    charging: d?.charging ?? false,
    phases,
    voltage: s.voltage,
    minA: s.minCurrent,
    maxA: s.maxCurrent,
    ampsNow: Math.max(setpoint, carW === null ? 0 : carW / (phases * s.voltage)),
    drawW: carW ?? setpoint * phases * s.voltage,
    takesW: null,
  };
}

export class SiteShare {
  private readonly entries = new Map<string, Entry>();
  private grid: GridReading | undefined;
  /** The grid import the cars did not account for at the latest reading, W: between readings the cars move, the house is taken as it was. */
  private houseW = 0;

  constructor(readonly name: string) {}

  get size(): number {
    return this.entries.size;
  }

  /** A member (re)joins, or has new settings; one that closed a moment ago is held until its controller decides again. */
  join(id: string, settings: SurplusSettings): void {
    const known = this.entries.get(id);
    if (known) known.settings = settings;
    else this.entries.set(id, { member: memberOf(id, settings, undefined), settings });
  }

  /** The member's controller decided: what its car draws and wants now. */
  observe(id: string, settings: SurplusSettings, d: Decision): void {
    const member = memberOf(id, settings, d);
    const before = this.entries.get(id);
    const carW = d.surplus.carW;
    const short = d.charging && carW !== null && carW < (d.setpoint - 0.5) * member.phases * member.voltage;
    const shortSince = short ? (before?.shortSince ?? d.time) : undefined;
    let takes = before?.takes;
    // Short for a while: the car takes what it draws and an amp more (room to show it would
    // take more again; an amp and a half kept 1 kW from the others on three phases, measured
    // in bench/site.bench.js); the rest of its share goes to the others. While it tapers on it
    // falls short again and what it takes follows. A car that draws into that room again (it
    // would take more), a new car, or half an hour on, is offered its share again.
    if (short && d.time - shortSince! >= SHORT_MS) takes = { w: carW + member.phases * member.voltage, until: d.time + TAKES_MS };
    else if ((takes && carW !== null && carW > takes.w - member.phases * member.voltage / 2) || member.demand === 'none' || (takes && d.time >= takes.until)) takes = undefined;
    if (takes) member.takesW = takes.w;
    this.entries.set(id, { member, settings, ...(shortSince !== undefined ? { shortSince } : {}), ...(takes ? { takes } : {}) });
  }

  /** The member's node closed: its car keeps its draw for HOLD_MS (or until the member is back), unless it drew nothing. */
  leave(id: string, now: number): void {
    const e = this.entries.get(id);
    if (!e) return;
    if (e.member.ampsNow <= 0) this.entries.delete(id);
    else this.entries.set(id, { ...e, member: { ...e.member, demand: 'held' }, heldUntil: now + HOLD_MS });
  }

  /**
   * A member's grid reading: the site's surplus split, and what that member's controller
   * should see instead of `r.gridW` (its controller adds its own car, battery and allowance
   * as it would alone, and arrives at its share).
   */
  reading(id: string, r: GridReading, now: number): { gridW: number; allowance: Allowance; view: SiteView } {
    this.grid = r;
    this.expire(now);
    const own = this.entries.get(id);
    if (own && r.carW !== undefined) own.member = { ...own.member, drawW: r.carW, ampsNow: Math.max(own.member.ampsNow, r.carW / (own.member.phases * own.member.voltage)) };
    const carsW = [...this.entries.values()].reduce((sum, e) => sum + e.member.drawW, 0);
    this.houseW = Math.max(0, r.gridW - carsW);
    const { allowance, view, othersW } = this.split(id, now);
    // S - share - others' draw: then the controller's car minus this reading is its share.
    return { gridW: r.gridW + (view.surplusW ?? 0) - allowance.shareW - othersW, allowance, view };
  }

  /** The member's allowance from the latest reading (between readings: the limit moves as the others do). */
  allowance(id: string, now: number): { allowance: Allowance; view: SiteView } {
    return this.split(id, now);
  }

  private expire(now: number): void {
    for (const [key, e] of this.entries) if (e.heldUntil !== undefined && e.heldUntil <= now) this.entries.delete(key);
  }

  private split(id: string, now: number): { allowance: Allowance; view: SiteView; othersW: number } {
    this.expire(now);
    const entries = [...this.entries.values()];
    const members = entries.map((e) => e.member);
    const self = this.entries.get(id);
    const settings = self?.settings ?? entries[0]!.settings;
    const limits = limitsOf(entries, settings.voltage);
    const top = [...entries].sort((a, b) => b.member.priority - a.member.priority)[0]!;
    const carsW = members.reduce((sum, m) => sum + m.drawW, 0);
    const othersW = carsW - (self?.member.drawW ?? 0);
    const houseW = this.houseW;
    const surplusW = this.grid ? availablePower({ gridW: this.grid.gridW, carW: carsW, batteryW: this.grid.batteryW, soc: this.grid.soc }, settings).availableW : null;
    const all = allocate(members, { sharing: top.settings.siteSharing, surplusW: surplusW ?? 0, houseW, limits });
    const allowance = all.get(id) ?? { shareW: 0, maxA: Infinity };
    const view: SiteView = {
      name: this.name,
      sharing: top.settings.siteSharing,
      members: members.length,
      shareW: allowance.shareW,
      maxA: allowance.maxA === Infinity ? null : allowance.maxA,
      surplusW,
      totalA: houseAmps(houseW, limits) + members.reduce((sum, m) => sum + m.ampsNow, 0),
      totalW: houseW + carsW,
      limitA: limits.currentA,
      limitW: limits.powerW,
    };
    return { allowance, view, othersW };
  }
}

/** The strictest limit any member sets (they should all set the same). */
function limitsOf(entries: readonly Entry[], voltage: number): SiteLimits {
  const least = (values: (number | null)[]) => {
    const set = values.filter((v): v is number => v !== null);
    return set.length ? Math.min(...set) : null;
  };
  return {
    currentA: least(entries.map((e) => e.settings.siteCurrent)),
    powerW: least(entries.map((e) => e.settings.sitePower)),
    supplyPhases: entries.some((e) => e.settings.sitePhases === 1) ? 1 : 3,
    voltage,
  };
}

/**
 * One decision of a member's controller through its site, as the node and the bench make it:
 * a grid reading becomes this member's share of it, the site's limit caps the current, and
 * the site learns what the car now draws and wants. `last`: the member's previous decision
 * (its battery readings, when this sample has none).
 */
export function decideOnSite(
  site: SiteShare,
  id: string,
  controller: SurplusController,
  sample: Sample,
  now: number,
  change: { mode?: Mode; settings?: SurplusSettings; prices?: readonly PriceSlot[] } = {},
  last?: Decision,
): { decision: Decision; view: SiteView } {
  let r: { allowance: Allowance; view: SiteView; gridW?: number };
  if (sample.gridW === undefined) r = site.allowance(id, now);
  else {
    const b = last?.surplus;
    r = site.reading(id, { gridW: sample.gridW, carW: sample.carW, batteryW: sample.batteryW ?? b?.batteryW ?? undefined, soc: sample.soc ?? b?.soc ?? undefined }, now);
    sample = { ...sample, gridW: r.gridW };
  }
  const decision = controller.update(sample, now, { ...change, siteMaxA: r.allowance.maxA });
  site.observe(id, controller.settings, decision);
  return { decision, view: r.view };
}
