/**
 * Time is injected so output is deterministic: `SOURCE_DATE_EPOCH` (read by the CLI) fixes it.
 */
import { UsageError } from './errors.js';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function fixedClock(date: Date): Clock {
  return { now: () => new Date(date.getTime()) };
}

/**
 * The latest SOURCE_DATE_EPOCH custody accepts: 9999-12-31T23:59:59Z, because every format it writes
 * (CycloneDX, SPDX, SARIF) spells timestamps with a four-digit year.
 */
export const MAX_SOURCE_DATE_EPOCH = 253_402_300_799;

/**
 * Read SOURCE_DATE_EPOCH (https://reproducible-builds.org/specs/source-date-epoch/): "an ASCII
 * representation of an integer with no fractional component, identical to the output format of
 * date +%s"; a malformed value "SHOULD" make the build fail, and a timestamp custody would silently
 * replace with the current time is not reproducible. Unset or empty: undefined.
 * @throws UsageError CLI_BAD_SOURCE_DATE_EPOCH (exit 2) for anything else than 0..MAX_SOURCE_DATE_EPOCH
 */
export function parseSourceDateEpoch(value: string | undefined): Date | undefined {
  if (value === undefined || value === '') return undefined;
  const shown = JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (!/^[0-9]+$/.test(value)) {
    throw new UsageError('CLI_BAD_SOURCE_DATE_EPOCH', `SOURCE_DATE_EPOCH=${shown} is not a whole number of seconds since 1970-01-01`, {
      hint: 'set it to the output of date +%s (e.g. SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)), or unset it',
    });
  }
  const seconds = Number(value);
  if (!Number.isSafeInteger(seconds) || seconds > MAX_SOURCE_DATE_EPOCH) {
    throw new UsageError('CLI_BAD_SOURCE_DATE_EPOCH', `SOURCE_DATE_EPOCH=${shown} is out of range (0 to ${MAX_SOURCE_DATE_EPOCH}, the end of year 9999)`, {
      hint: 'set it to the output of date +%s, or unset it',
    });
  }
  return new Date(seconds * 1000);
}

/**
 * Clock from a SOURCE_DATE_EPOCH value (seconds since the epoch), or the system clock. Never throws:
 * the CLI validates the variable first (parseSourceDateEpoch) so a malformed one is exit 2.
 */
export function clockFromEpoch(epoch: string | undefined): Clock {
  try {
    const d = parseSourceDateEpoch(epoch);
    return d === undefined ? systemClock : fixedClock(d);
  } catch {
    return systemClock;
  }
}
