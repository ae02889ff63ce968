// Personalised power profiles, kept by the cloud per device and identified by name plus
// updateAt (the time the client sent it; docs/charger-protocol.md, cloud). The body is whatever JSON object
// the client sent: its shape is unverified, so the simulator stores it as given.

export interface PowerProfile {
  name: string;
  updateAt: string;
  profile: Record<string, unknown>;
}

export class PowerProfiles {
  private readonly items: PowerProfile[] = [];

  list(): PowerProfile[] {
    return this.items.map(copy);
  }

  /** False when a profile with this name exists already. */
  create(name: string, updateAt: string, profile: Record<string, unknown>): boolean {
    if (this.items.some((p) => p.name === name)) return false;
    this.items.push({ name, updateAt, profile: { ...profile } });
    return true;
  }

  /** Replaces the profile named `name`, which then carries the new updateAt. False if none. */
  update(name: string, updateAt: string, profile: Record<string, unknown>): boolean {
    const item = this.items.find((p) => p.name === name);
    if (!item) return false;
    item.updateAt = updateAt;
    item.profile = { ...profile };
    return true;
  }

  /** By updateAt, and by name too when given. */
  find(updateAt: string, name?: string): PowerProfile | undefined {
    const item = this.items.find((p) => sameTime(p.updateAt, updateAt) && (name === undefined || p.name === name));
    return item && copy(item);
  }

  /** Both must match. False if none does. */
  remove(name: string, updateAt: string): boolean {
    const i = this.items.findIndex((p) => p.name === name && sameTime(p.updateAt, updateAt));
    if (i < 0) return false;
    this.items.splice(i, 1);
    return true;
  }
}

const copy = (p: PowerProfile): PowerProfile => ({ name: p.name, updateAt: p.updateAt, profile: { ...p.profile } });

/** "2023-10-27T10:00:00Z" and "2023-10-27T10:00:00.000Z" name the same profile. */
function sameTime(a: string, b: string): boolean {
  return a === b || Date.parse(a) === Date.parse(b);
}
