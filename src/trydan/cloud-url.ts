// The cloud URL decides where the API key is sent, so it must be https, or plain http only
// on this machine (the simulator). Anything else would send the key in clear text.

import { InvalidInput } from './errors';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function checkCloudUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new InvalidInput([`the cloud URL "${text}" is not a URL like https://v2c.cloud/kong/v2c_service`]);
  }
  const loopback = LOOPBACK_HOSTS.has(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new InvalidInput([`the cloud URL must start with https:// (plain http only for a simulator on this machine), got "${text}"`]);
  }
  if (url.username || url.password || url.search || url.hash) throw new InvalidInput([`the cloud URL "${text}" should be just an address and a path`]);
  return url.origin + url.pathname.replace(/\/+$/, '');
}
