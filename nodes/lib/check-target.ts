// Where the editor's Check and "Find my chargers" may send a request. They run in Node-RED
// with its network position, for whoever can open the editor, so they must not become a way
// to reach this machine's own services or other hosts' link-local ones (cloud metadata at
// 169.254.169.254): loopback, link-local, unspecified, multicast and broadcast addresses are
// refused, for IP literals and for every address a hostname resolves to. A real charger is
// never on them. Loopback is allowed only when settings.js says `v2cConfigAllowLoopback: true`
// (the simulator's tests and `npm start`). Deployed config nodes are not limited by this.

import dns from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

const neverAllowed = new BlockList();
neverAllowed.addSubnet('169.254.0.0', 16, 'ipv4'); // link-local
neverAllowed.addSubnet('fe80::', 10, 'ipv6');
neverAllowed.addSubnet('0.0.0.0', 8, 'ipv4'); // unspecified / "this network"
neverAllowed.addAddress('::', 'ipv6');
neverAllowed.addSubnet('224.0.0.0', 4, 'ipv4'); // multicast
neverAllowed.addSubnet('ff00::', 8, 'ipv6');
neverAllowed.addAddress('255.255.255.255', 'ipv4'); // broadcast

/** An IPv4 address written as IPv6 (::ffff:7f00:1) is judged as the IPv4 address it is. */
function unmapped(ip: string): string {
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(ip);
  if (hex) {
    const [hi, lo] = [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16)];
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return dotted ? dotted[1]! : ip;
}

/** Whether the editor may send a request to this IP address. Pure. */
export function mayReach(ip: string, allowLoopback: boolean): boolean {
  const address = unmapped(ip);
  const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  if (neverAllowed.check(address, family)) return false;
  return allowLoopback || !loopback.check(address, family);
}

/** A resolver that has not answered by then will not be waited for: the check is refused. */
export const LOOKUP_DEADLINE_MS = 5000;

/**
 * Whether the editor may send a request to this hostname (from a URL: IPv6 in brackets).
 * A name is resolved and every address it has must be allowed; a name that does not resolve
 * is allowed here and fails like any unreachable address; a resolver that does not answer
 * within LOOKUP_DEADLINE_MS gets a refusal, so the admin request never hangs on it.
 */
export async function mayReachHost(hostname: string, allowLoopback: boolean, deadlineMs = LOOKUP_DEADLINE_MS): Promise<boolean> {
  const name = hostname.replace(/^\[|\]$/g, '');
  if (isIP(name)) return mayReach(name, allowLoopback);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), deadlineMs);
  });
  try {
    const addresses = await Promise.race([dns.lookup(name, { all: true }).catch(() => []), late]);
    return addresses !== null && addresses.every((a) => mayReach(a.address, allowLoopback));
  } finally {
    clearTimeout(timer);
  }
}
