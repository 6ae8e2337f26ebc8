/**
 * pacman's version ordering (libalpm `alpm_pkg_vercmp`): [epoch:]version[-pkgrel], the parts compared
 * with pacman's own rpmvercmp. It is not rpm's: no '~' or '^', a separator run longer than the other's
 * wins, and a trailing letter segment sorts before the end (1.0a < 1.0 < 1.0.a < 1.0.1).
 */
import { compareDigits, compareStrings, invalidVersion } from './util.js';

const isAlnum = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9]/.test(c);
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isAlpha = (c: string | undefined): boolean => c !== undefined && /[A-Za-z]/.test(c);

function alpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const si = i;
    const sj = j;
    while (i < a.length && !isAlnum(a[i])) i++;
    while (j < b.length && !isAlnum(b[j])) j++;
    if (i >= a.length || j >= b.length) break;
    if (i - si !== j - sj) return i - si < j - sj ? -1 : 1;
    const ai = i;
    const bj = j;
    const num = isDigit(a[i]);
    if (num) {
      while (isDigit(a[i])) i++;
      while (isDigit(b[j])) j++;
    } else {
      while (isAlpha(a[i])) i++;
      while (isAlpha(b[j])) j++;
    }
    // segments of different kinds: a number is newer than letters
    if (j === bj) return num ? 1 : -1;
    const res = num ? compareDigits(a.slice(ai, i), b.slice(bj, j)) : compareStrings(a.slice(ai, i), b.slice(bj, j));
    if (res !== 0) return res;
  }
  if (i >= a.length && j >= b.length) return 0;
  // what remains of one side: letters never beat the end of the other
  if ((i >= a.length && !isAlpha(b[j])) || isAlpha(a[i])) return -1;
  return 1;
}

function parseEvr(v: string): { epoch: string; version: string; release: string } {
  const t = v.trim();
  if (t === '') throw invalidVersion('pacman', v);
  const m = /^(\d+):(.*)$/.exec(t);
  const epoch = m ? m[1]! : '0';
  const rest = m ? m[2]! : t;
  const dash = rest.lastIndexOf('-');
  return dash === -1 ? { epoch, version: rest, release: '' } : { epoch, version: rest.slice(0, dash), release: rest.slice(dash + 1) };
}

export function compareAlpm(a: string, b: string): number {
  const x = parseEvr(a);
  const y = parseEvr(b);
  const e = compareDigits(x.epoch, y.epoch);
  if (e !== 0) return e;
  const v = alpmvercmp(x.version, y.version);
  if (v !== 0) return v;
  // pacman compares the pkgrel only when both versions have one
  if (x.release === '' || y.release === '') return 0;
  return alpmvercmp(x.release, y.release);
}
