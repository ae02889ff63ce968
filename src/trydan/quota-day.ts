// The cloud quota is counted per day and starts again at midnight UTC. A reset time the cloud
// names is kept within that day: a RateLimit-Reset sent as an epoch time (or any nonsense)
// must not block a key for years, nor be written to disk where a restart cannot clear it.

const DAY_MS = 86_400_000;

/** The quota resets at midnight UTC unless the cloud says otherwise. */
export function nextMidnightUtc(now: number): number {
  return Math.floor(now / DAY_MS) * DAY_MS + DAY_MS;
}

/** `at` (epoch ms) kept between 0 and the next midnight UTC; what is not a number counts as that midnight. */
export function withinQuotaDay(at: number, now: number): number {
  const midnight = nextMidnightUtc(now);
  return Number.isNaN(at) ? midnight : Math.min(Math.max(at, 0), midnight);
}
