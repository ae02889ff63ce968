// The config node's `host`: an IP or hostname with an optional :port, turned into an origin.
// A scheme is tolerated (people paste URLs); paths, credentials and other schemes are not.

import { InvalidInput } from './errors';

export function hostToOrigin(host: string): string {
  const text = host.trim();
  if (text === '') throw new InvalidInput(['the charger address is empty']);
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new InvalidInput([`"${text}" is not an IP address or hostname (optionally with :port)`]);
  }
  if (url.protocol !== 'http:') throw new InvalidInput([`the charger speaks plain http, not ${url.protocol.replace(':', '')}`]);
  if (url.username || url.password || (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw new InvalidInput([`"${text}" should be just an address like 192.168.1.50 or trydan.local:80`]);
  }
  return url.origin;
}
