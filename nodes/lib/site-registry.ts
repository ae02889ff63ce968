// The sites of this Node-RED: v2c-surplus nodes with the same site name share one SiteShare
// (src/surplus/site-share.ts). Kept here, in the runtime, like the chargers' coordinators: a
// site lives while it has members (a closed member is held briefly, so a redeploy does not
// hand its car's current to the others while that car still charges).

import { SiteShare } from '../../src/surplus';

const sites = new Map<string, SiteShare>();

export function joinSite(name: string): SiteShare {
  let site = sites.get(name);
  if (!site) {
    site = new SiteShare(name);
    sites.set(name, site);
  }
  return site;
}

/** The member's node closed; the site goes once nobody is left, held members included. */
export function leaveSite(site: SiteShare, id: string, now: number): void {
  site.leave(id, now);
  if (site.size === 0 && sites.get(site.name) === site) sites.delete(site.name);
}
