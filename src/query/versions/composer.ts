/** Packagist/Composer version ordering: PHP's version_compare() after Composer's normalisation. */
import { compareDigits, invalidVersion } from './util.js';

const SPECIAL: Record<string, number> = { dev: 0, alpha: 1, a: 1, beta: 2, b: 2, rc: 3, '#': 4, pl: 5, p: 5 };

function canonical(version: string): string[] {
  let v = version.trim().toLowerCase();
  if (v === '') throw invalidVersion('Composer', version);
  v = v.replace(/^v(?=\d)/, '').replace(/[-_+]/g, '.');
  // PHP inserts a '.' between digit and non-digit runs.
  v = v.replace(/(\d)(?=[^\d.])/g, '$1.').replace(/([^\d.])(?=\d)/g, '$1.');
  const parts = v.split('.').filter((p) => p !== '');
  if (parts.length === 0) throw invalidVersion('Composer', version);
  return parts;
}

function specialRank(s: string): number {
  return SPECIAL[s] ?? -1;
}

function cmpPart(a: string, b: string): number {
  const an = /^\d+$/.test(a);
  const bn = /^\d+$/.test(b);
  if (an && bn) return compareDigits(a, b);
  if (!an && !bn) return Math.sign(specialRank(a) - specialRank(b));
  return an ? Math.sign(specialRank('#') - specialRank(b)) : Math.sign(specialRank(a) - specialRank('#'));
}

export function compareComposer(a: string, b: string): number {
  const x = canonical(a);
  const y = canonical(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const r = cmpPart(x[i]!, y[i]!);
    if (r !== 0) return r;
  }
  if (x.length === y.length) return 0;
  // The longer one: a further number makes it greater; a further word is compared with '#'.
  if (x.length > y.length) {
    const next = x[n]!;
    return /^\d+$/.test(next) ? 1 : cmpPart(next, '#');
  }
  const next = y[n]!;
  return /^\d+$/.test(next) ? -1 : -cmpPart(next, '#');
}
