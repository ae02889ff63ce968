// Traffic logs of the simulator, bounded so one left running for days stays small.

/** Oldest records are dropped beyond this. */
export const LOG_LIMIT = 10_000;

export function pushCapped<T>(log: T[], item: T): void {
  log.push(item);
  if (log.length > LOG_LIMIT) log.splice(0, log.length - LOG_LIMIT);
}
