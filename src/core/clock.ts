/**
 * Time is injected so output is deterministic: `SOURCE_DATE_EPOCH` (read by the CLI) fixes it.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function fixedClock(date: Date): Clock {
  return { now: () => new Date(date.getTime()) };
}

/** Clock from a SOURCE_DATE_EPOCH value (seconds since the epoch), or the system clock. */
export function clockFromEpoch(epoch: string | undefined): Clock {
  if (epoch === undefined || epoch.trim() === '') return systemClock;
  const seconds = Number(epoch);
  if (!Number.isFinite(seconds) || seconds < 0) return systemClock;
  return fixedClock(new Date(seconds * 1000));
}
