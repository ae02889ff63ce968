// A goal from a message: {"energy": 20, "by": "07:00"} (msg.goal, or the payload with
// msg.topic "goal"), with optional "limit", "minimum" and "margin"; null (or energy 0)
// clears the target.
// Each name stands for a setting of the table (settings.ts), which validates the values.

import { InvalidInput } from '../trydan/errors';
import { own } from '../trydan/own';
import { shown } from '../trydan/show';

const GOAL_NAMES: Record<string, string> = {
  energy: 'targetEnergy',
  by: 'targetTime',
  limit: 'sessionLimit',
  minimum: 'minimumEnergy',
  margin: 'goalMargin',
};

/** The settings a goal message stands for; throws InvalidInput for a shape it cannot be. */
export function goalSettings(raw: unknown, label = 'msg.goal'): Record<string, unknown> {
  if (raw === null) return { targetEnergy: null, targetTime: null };
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new InvalidInput([`${label}: ${shown(raw)} is not a goal; send e.g. {"energy": 20, "by": "07:00"}, or null to clear it`]);
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const name = own(GOAL_NAMES, key);
    if (name) out[name] = value;
    else problems.push(`${label}: ${shown(key)} is not part of a goal; expected ${Object.keys(GOAL_NAMES).join(', ')}`);
  }
  // Energy 0: no target.
  if (out.targetEnergy === 0 || out.targetEnergy === '0') Object.assign(out, { targetEnergy: null, targetTime: null });
  if (Object.keys(out).length === 0 && problems.length === 0) problems.push(`${label}: an empty goal; send e.g. {"energy": 20, "by": "07:00"}, or null to clear it`);
  if (problems.length) throw new InvalidInput(problems);
  return out;
}
