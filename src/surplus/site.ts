// Several chargers on one site: who gets how much of the surplus, and how much current each
// may draw so that all of them together stay under the main fuse. Pure: the members as they
// are now and the site's readings in, each member's allowance out.
//
// Why one allocation per site rather than each controller reading the meter on its own: every
// member's meter reading already holds the other cars' draw, so two controllers that each
// regulate the grid to zero fight over the same watts (one rises, the other sees import and
// falls, and round again). Here the site's surplus (grid export plus what all the members'
// cars draw) is split once, and each controller regulates only its own share.
//
// The limit counts the members' cars plus the site's grid import they do not account for (the
// house): current per phase counts every car's current on one phase (single-phase cars may
// all hang on the same one) and the house's import spread over the supply's phases; power
// counts both in watts. A member may rise only into room the others have already left
// (their current now, or what they were told, whichever is higher), so a change of hands
// never overlaps; what no longer fits pauses the lowest priority rather than exceed.

export const SHARINGS = ['priority', 'even'] as const;
export type Sharing = (typeof SHARINGS)[number];

/**
 * What a member wants: `pv` the surplus only; `minpv` at least its minimum; `full` its maximum
 * whatever the sun (fast mode, a goal's full-power stretch); `held` a member whose node is
 * restarting: its car still draws what it drew; `none` nothing (paused for good, off, no car).
 */
export type Demand = 'pv' | 'minpv' | 'full' | 'held' | 'none';

export interface SiteMember {
  id: string;
  /** Higher first. */
  priority: number;
  demand: Demand;
  /** The car charges now: it keeps its minimum until its own stop rules pause it. */
  charging: boolean;
  phases: 1 | 3;
  voltage: number;
  minA: number;
  maxA: number;
  /** Current per phase the car draws or was told to, whichever is higher, A. */
  ampsNow: number;
  /** The car's power now, W. */
  drawW: number;
  /**
   * The most the car takes now, W, when it draws clearly less than it is offered (a battery
   * that tapers or is full): what it leaves goes to the others. Null: what it is offered.
   */
  takesW: number | null;
}

export interface SiteLimits {
  /** Current per phase at the main fuse, A; null: none. */
  currentA: number | null;
  /** Power at the main fuse, W; null: none. */
  powerW: number | null;
  /** Phases of the supply: the house's import is spread over them. */
  supplyPhases: 1 | 3;
  voltage: number;
}

export interface SiteInput {
  sharing: Sharing;
  /** The site's surplus: what all the members' cars could draw without importing, W. */
  surplusW: number;
  /** Grid import the members' cars do not account for, W (0 while exporting). */
  houseW: number;
  limits: SiteLimits;
}

export interface Allowance {
  /** The surplus this member regulates on, W. */
  shareW: number;
  /** The highest current it may draw now, A (Infinity: no limit); below its minimum it pauses. */
  maxA: number;
}

/** A car counts as charging from the sun at this share of its minimum (the controller's SUN_COVER). */
const SUN_COVER = 0.985;

const minW = (m: SiteMember) => m.minA * m.phases * m.voltage;
const maxW = (m: SiteMember) => m.maxA * m.phases * m.voltage;
const byPriority = (a: SiteMember, b: SiteMember) => b.priority - a.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The house's import as current on each phase of the supply, A. */
export function houseAmps(houseW: number, limits: SiteLimits): number {
  return Math.max(0, houseW) / (limits.voltage * limits.supplyPhases);
}

/** Each member's allowance, by id. */
export function allocate(members: readonly SiteMember[], site: SiteInput): Map<string, Allowance> {
  const shares = shareSurplus(members, site);
  const caps = shareLimit(members, site, shares);
  const out = new Map<string, Allowance>();
  for (const m of members) out.set(m.id, { shareW: shares.get(m.id) ?? 0, maxA: nowCap(m, members, site, caps.get(m.id) ?? Infinity) });
  return out;
}

// -- the surplus ----------------------------------------------------------------------------

/**
 * The surplus, split. What is drawn whatever the sun comes first (cars at full power or held,
 * the minimum of min+PV cars); the rest goes to the surplus takers by priority or evenly. A
 * taker that still charges but no longer fits rides on at its minimum until its own stop rules
 * pause it: meanwhile its draw is kept from the others (unless that pushes a charging one below
 * its own minimum: it would stop too, and start again once the other has gone).
 */
function shareSurplus(members: readonly SiteMember[], site: SiteInput): Map<string, number> {
  const out = new Map<string, number>();
  let pool = site.surplusW;
  const takers: SiteMember[] = [];
  for (const m of [...members].sort(byPriority)) {
    if (m.demand === 'none') out.set(m.id, 0);
    else if (m.demand === 'full' || m.demand === 'held') {
      out.set(m.id, m.drawW);
      pool -= m.drawW;
    } else {
      takers.push(m);
      if (m.demand === 'minpv') pool -= minW(m);
    }
  }
  const alone = splitPool(takers, pool, site.sharing);
  const riders = takers.filter((m) => m.charging && m.demand === 'pv' && alone.get(m.id)! < minW(m) * SUN_COVER);
  const keepers = takers.filter((m) => !riders.includes(m));
  const kept = splitPool(keepers, pool - riders.reduce((sum, r) => sum + r.drawW, 0), site.sharing);
  let left = pool;
  for (const m of keepers) {
    let share = kept.get(m.id)!;
    if (m.charging && riders.length > 0) share = Math.max(share, Math.min(minW(m), alone.get(m.id)!));
    left -= share;
    out.set(m.id, share + (m.demand === 'minpv' ? minW(m) : 0));
  }
  for (const r of riders) out.set(r.id, Math.min(Math.max(left, 0), alone.get(r.id)!));
  return out;
}

/** The pool among the takers, beyond what min+PV cars draw anyway: by priority, or evenly among those it carries. */
function splitPool(takers: readonly SiteMember[], pool: number, sharing: Sharing): Map<string, number> {
  const out = new Map<string, number>();
  // Half an amp beyond the maximum: the controller's hysteresis would keep a car at its maximum share one amp short.
  // A car that takes less than it is offered keeps at least its minimum (it still charges what it takes).
  const room = (m: SiteMember) => Math.min(maxW(m) + (m.phases * m.voltage) / 2, Math.max(m.takesW ?? Infinity, minW(m))) - (m.demand === 'minpv' ? minW(m) : 0);
  if (sharing === 'priority' || takers.length < 2) {
    // A car that is paused and cannot start on what is left passes it on to the next.
    takers.forEach((m, i) => {
      const share = pool > 0 ? Math.min(pool, room(m)) : i === 0 ? pool : 0;
      const passes = !m.charging && m.demand === 'pv' && share < minW(m) * SUN_COVER && i < takers.length - 1;
      out.set(m.id, passes ? 0 : share);
      // What it takes is gone from the pool, not the minimum it is given beyond that.
      if (!passes) pool -= Math.max(Math.min(share, m.takesW ?? share), 0);
    });
    return keepMinimum(takers, out);
  }
  // Evenly among as many as the pool carries at their minimum: charging cars are the last
  // to give way (a restart costs), then the lowest priority. A car whose minimum does not fit
  // beside those already in passes its turn to the next rather than leave the pool unused (a
  // three-phase car short of its 4140 W gives way to a single-phase car that can start).
  const order = [...takers].sort((a, b) => Number(b.charging) - Number(a.charging) || byPriority(a, b));
  let group: SiteMember[] = [];
  for (const m of order) if (floorsUse([...group, m], room) * SUN_COVER <= pool) group = [...group, m];
  if (group.length === 0) group = order.slice(0, 1);
  const split = waterFill(group, pool, room);
  for (const m of takers) out.set(m.id, split.get(m.id) ?? 0);
  return out;
}

/**
 * By priority, a car already charging keeps its minimum while the surplus carries the
 * minimum of every car above it beside it: those above take what is beyond. Stopping it
 * would cost a restart and leave what the cars above draw in whole amps (a three-phase amp
 * is 690 W) partly unused; and two batteries that charge side by side leave room for the sun
 * when the first one tapers or is full. Short of that it rides on and pauses by its own rules.
 */
function keepMinimum(takers: readonly SiteMember[], shares: Map<string, number>): Map<string, number> {
  takers.forEach((low, j) => {
    const short = floorOf(low) - shares.get(low.id)!;
    if (low.demand !== 'pv' || !low.charging || short <= 0 || j === 0) return;
    const next = new Map(shares);
    let need = short;
    for (let i = j - 1; i >= 0 && need > 0; i--) {
      const high = takers[i]!;
      const w = next.get(high.id)!;
      if (high.takesW !== null || w < floorOf(high)) continue;
      const give = Math.min(need, w - floorOf(high));
      next.set(high.id, w - give);
      next.set(low.id, next.get(low.id)! + give);
      need -= give;
    }
    if (need <= 0) for (const [id, w] of next) shares.set(id, w);
  });
  return shares;
}

/** A surplus taker's least share: its minimum (a min+PV car has it outside the pool). */
const floorOf = (m: SiteMember) => (m.demand === 'minpv' ? 0 : minW(m));
/** What a share of `w` uses of the pool: a car that takes less than it is offered uses what it takes. */
const usesOf = (m: SiteMember, w: number) => Math.min(w, m.takesW ?? Infinity);
/** What the group's minimums use of the pool. */
function floorsUse(group: readonly SiteMember[], room: (m: SiteMember) => number): number {
  return group.reduce((sum, m) => sum + usesOf(m, Math.min(floorOf(m), room(m))), 0);
}

/**
 * Evenly, water-filled: one level for all, none below its minimum (a car runs at its minimum
 * or not at all, and the others share what is left above it) nor above its room (what it
 * cannot take goes to the others). A car that takes less than its minimum (a battery nearly
 * full) is offered its minimum but uses only what it takes of the pool. A pool short of the
 * minimums (a lone car, or one within SUN_COVER) is split in their proportion.
 */
function waterFill(group: readonly SiteMember[], pool: number, room: (m: SiteMember) => number): Map<string, number> {
  const at = (m: SiteMember, level: number) => Math.min(Math.max(level, Math.min(floorOf(m), room(m))), room(m));
  const used = (level: number) => group.reduce((sum, m) => sum + usesOf(m, at(m, level)), 0);
  const out = new Map<string, number>();
  const floors = floorsUse(group, room);
  if (pool <= floors) {
    for (const m of group) out.set(m.id, floors > 0 ? (pool * usesOf(m, at(m, 0))) / floors : pool / group.length);
    return out;
  }
  let lo = 0;
  let hi = Math.max(...group.map(room));
  if (used(hi) <= pool) lo = hi;
  // The level, to a hundredth of a watt.
  while (hi - lo > 0.01) {
    const mid = (lo + hi) / 2;
    if (used(mid) <= pool) lo = mid;
    else hi = mid;
  }
  for (const m of group) out.set(m.id, at(m, lo));
  return out;
}

// -- the limit ------------------------------------------------------------------------------

/** Room under the limit in each unit, and what a member's amps cost of it. */
class Room {
  amps: number;
  watts: number;
  constructor(site: SiteInput) {
    const l = site.limits;
    this.amps = l.currentA === null ? Infinity : l.currentA - houseAmps(site.houseW, l);
    this.watts = l.powerW === null ? Infinity : l.powerW - Math.max(0, site.houseW);
  }
  /** Whole amps `m` may still take. */
  fit(m: SiteMember): number {
    return Math.max(0, Math.floor(Math.min(this.amps, this.watts / (m.phases * m.voltage)) + 1e-9));
  }
  take(m: SiteMember, amps: number): void {
    this.amps -= amps;
    this.watts -= amps * m.phases * m.voltage;
  }
}

/** The current a member's share (or its demand) calls for, A. */
function wantAmps(m: SiteMember, shareW: number): number {
  const takesA = m.takesW === null ? Infinity : Math.max(m.minA, Math.ceil(m.takesW / (m.phases * m.voltage)));
  const clamp = (a: number) => Math.min(m.maxA, takesA, Math.max(m.minA, a));
  const a = Math.ceil(shareW / (m.phases * m.voltage) - 1e-9);
  switch (m.demand) {
    case 'none':
      return 0;
    case 'held':
      return m.ampsNow;
    case 'full':
      return m.maxA;
    case 'minpv':
      return clamp(a);
    case 'pv':
      return m.charging || shareW >= minW(m) * SUN_COVER ? clamp(a) : 0;
  }
}

/**
 * The limit, split: cars held by a restarting node keep what they draw; then every member in
 * order of priority gets the current its share calls for if at least its minimum fits (else
 * nothing: it pauses), or evenly (the minimum each, then an amp each in turn). What is left
 * lets them follow the sun up to their maximum, in the same order, and then goes to the cars
 * that want nothing yet.
 */
function shareLimit(members: readonly SiteMember[], site: SiteInput, shares: Map<string, number>): Map<string, number> {
  const caps = new Map<string, number>();
  const room = new Room(site);
  if (room.amps === Infinity && room.watts === Infinity) return caps;
  const order = [...members].sort((a, b) => Number(b.demand === 'held') - Number(a.demand === 'held') || byPriority(a, b));
  const want = new Map(order.map((m) => [m.id, wantAmps(m, shares.get(m.id) ?? 0)]));
  for (const m of order) {
    const w = want.get(m.id)!;
    if (m.demand === 'held') {
      caps.set(m.id, w);
      room.take(m, w);
      continue;
    }
    const first = site.sharing === 'even' ? Math.min(w, m.minA) : w;
    const a = w > 0 && room.fit(m) >= m.minA ? Math.min(first, room.fit(m)) : 0;
    caps.set(m.id, a);
    room.take(m, a);
  }
  const raise = (limitOf: (m: SiteMember) => number) => {
    const open = order.filter((m) => m.demand !== 'held' && caps.get(m.id)! > 0);
    if (site.sharing === 'priority') {
      for (const m of open) {
        const more = Math.min(limitOf(m) - caps.get(m.id)!, room.fit(m));
        if (more <= 0) continue;
        caps.set(m.id, caps.get(m.id)! + more);
        room.take(m, more);
      }
      return;
    }
    for (let moved = true; moved; ) {
      moved = false;
      for (const m of open) {
        if (caps.get(m.id)! >= limitOf(m) || room.fit(m) < 1) continue;
        caps.set(m.id, caps.get(m.id)! + 1);
        room.take(m, 1);
        moved = true;
      }
    }
  };
  raise((m) => want.get(m.id)!);
  raise((m) => m.maxA);
  // A car that wants nothing now (a paused car short of sun) may still have the room that is
  // left: its cap then says what the fuse allows, and it pauses for the fuse only when the fuse is short.
  for (const m of order) {
    if (m.demand === 'held' || m.demand === 'none' || caps.get(m.id)! > 0 || room.fit(m) < m.minA) continue;
    const a = Math.min(m.maxA, room.fit(m));
    caps.set(m.id, a);
    room.take(m, a);
  }
  return caps;
}

/** The cap, but no higher than the room the others leave now: a rise waits for a fall. */
function nowCap(m: SiteMember, members: readonly SiteMember[], site: SiteInput, cap: number): number {
  if (cap === Infinity) return cap;
  const room = new Room(site);
  for (const o of members) if (o.id !== m.id) room.take(o, o.ampsNow);
  return Math.min(cap, Math.max(Math.min(m.ampsNow, cap), room.fit(m)));
}
