/** RPM version ordering: [epoch:]version[-release] compared with rpmvercmp (with '~' and '^'). */
import { compareDigits, compareStrings, invalidVersion } from './util.js';

const isAlnum = (c: string): boolean => /[A-Za-z0-9]/.test(c);
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isAlpha = (c: string | undefined): boolean => c !== undefined && /[A-Za-z]/.test(c);

export function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < a.length && !isAlnum(a[i]!) && a[i] !== '~' && a[i] !== '^') i++;
    while (j < b.length && !isAlnum(b[j]!) && b[j] !== '~' && b[j] !== '^') j++;
    if (a[i] === '~' || b[j] === '~') {
      if (a[i] !== '~') return 1;
      if (b[j] !== '~') return -1;
      i++;
      j++;
      continue;
    }
    if (a[i] === '^' || b[j] === '^') {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (a[i] !== '^') return 1;
      if (b[j] !== '^') return -1;
      i++;
      j++;
      continue;
    }
    if (!(i < a.length && j < b.length)) break;
    const si = i;
    const sj = j;
    let isNum: boolean;
    if (isDigit(a[i])) {
      while (isDigit(a[i])) i++;
      while (isDigit(b[j])) j++;
      isNum = true;
    } else {
      while (isAlpha(a[i])) i++;
      while (isAlpha(b[j])) j++;
      isNum = false;
    }
    const sa = a.slice(si, i);
    const sb = b.slice(sj, j);
    if (sb === '') return isNum ? 1 : -1;
    const res = isNum ? compareDigits(sa, sb) : compareStrings(sa, sb);
    if (res !== 0) return res;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i < a.length ? 1 : -1;
}

interface Evr {
  epoch: string;
  version: string;
  release: string;
}

export function parseEvr(evr: string): Evr {
  const v = evr.trim();
  if (v === '') throw invalidVersion('RPM', evr);
  const colon = v.indexOf(':');
  let epoch = '0';
  let rest = v;
  if (colon !== -1) {
    epoch = v.slice(0, colon) || '0';
    rest = v.slice(colon + 1);
    if (!/^\d+$/.test(epoch)) throw invalidVersion('RPM', evr);
  }
  const dash = rest.lastIndexOf('-');
  return dash === -1 ? { epoch, version: rest, release: '' } : { epoch, version: rest.slice(0, dash), release: rest.slice(dash + 1) };
}

export function compareRpm(a: string, b: string): number {
  const x = parseEvr(a);
  const y = parseEvr(b);
  const e = compareDigits(x.epoch, y.epoch);
  if (e !== 0) return e;
  const v = rpmvercmp(x.version, y.version);
  if (v !== 0) return v;
  // A missing release matches any release (rpm's behaviour when one side has none).
  if (x.release === '' || y.release === '') return 0;
  return rpmvercmp(x.release, y.release);
}
