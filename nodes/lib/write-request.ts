// The three ways a message asks for a write (the v2c-write-out help tells them), as one pure function.

import { InvalidInput } from '../../src/trydan/errors';
import { findKeyword } from '../../src/trydan/keywords';
import { shown } from '../../src/trydan/show';

/**
 * What to write, from the node's keyword, msg.topic + value, or an object value. The value is
 * msg.payload unless the node's typed input takes it from elsewhere (`source` names where).
 */
export function requestFrom(keyword: string, msg: { topic?: unknown; payload?: unknown }, source = 'msg.payload'): Record<string, unknown> {
  const { topic, payload } = msg;
  if (keyword) return { [keyword]: payload };
  if (payload !== null && typeof payload === 'object' && !Array.isArray(payload)) return payload as Record<string, unknown>;
  if (typeof topic === 'string' && topic.trim() !== '') {
    if (!findKeyword(topic.trim())) throw new InvalidInput([`msg.topic ${shown(topic)} is not a writable keyword`]);
    return { [topic.trim()]: payload };
  }
  throw new InvalidInput([
    `nothing to write: send ${source} as an object like {"Intensity": 16}, or msg.topic = a keyword with ${source} = its value, or fix a keyword in the node`,
  ]);
}
