/** Shared helpers for the version comparators. */
import { InputError } from '../../core/errors.js';

/** Compare two strings of decimal digits of any length, numerically (no precision loss). */
export function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+/, '');
  const y = b.replace(/^0+/, '');
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

export function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/** Plain code-unit string comparison (C strcmp semantics for ASCII). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function invalidVersion(scheme: string, version: string): InputError {
  return new InputError('QUERY_INVALID_VERSION', `cannot read ${JSON.stringify(version)} as a ${scheme} version`, {
    hint: `check the version string; ${scheme} versions look like the examples in the README "Version ordering" section`,
  });
}
