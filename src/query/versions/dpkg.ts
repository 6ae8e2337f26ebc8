/** Debian version ordering (dpkg's verrevcmp): [epoch:]upstream[-revision], '~' sorts before everything. */
import { compareDigits, invalidVersion } from './util.js';

interface DebVersion {
  epoch: string;
  upstream: string;
  revision: string;
}

export function parseDebVersion(version: string): DebVersion {
  const v = version.trim();
  const colon = v.indexOf(':');
  let epoch = '0';
  let rest = v;
  if (colon !== -1) {
    epoch = v.slice(0, colon);
    rest = v.slice(colon + 1);
    if (!/^\d+$/.test(epoch)) throw invalidVersion('Debian', version);
  }
  const dash = rest.lastIndexOf('-');
  const upstream = dash === -1 ? rest : rest.slice(0, dash);
  const revision = dash === -1 ? '' : rest.slice(dash + 1);
  if (upstream === '' || !/^[0-9]/.test(upstream) || /[^A-Za-z0-9.+~:-]/.test(upstream) || /[^A-Za-z0-9.+~]/.test(revision)) {
    throw invalidVersion('Debian', version);
  }
  return { epoch, upstream, revision };
}

function order(c: string | undefined): number {
  if (c === undefined) return 0;
  if (c >= '0' && c <= '9') return 0;
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) return c.charCodeAt(0);
  if (c === '~') return -1;
  return c.charCodeAt(0) + 256;
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** dpkg's verrevcmp over one part (upstream or revision). */
export function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let firstDiff = 0;
    while ((i < a.length && !isDigit(a[i])) || (j < b.length && !isDigit(b[j]))) {
      const ac = order(i < a.length ? a[i] : undefined);
      const bc = order(j < b.length ? b[j] : undefined);
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    const si = i;
    while (isDigit(a[i])) i++;
    const sj = j;
    while (isDigit(b[j])) j++;
    firstDiff = compareDigits(a.slice(si, i) || '0', b.slice(sj, j) || '0');
    if (firstDiff !== 0) return firstDiff;
  }
  return 0;
}

export function compareDeb(a: string, b: string): number {
  const x = parseDebVersion(a);
  const y = parseDebVersion(b);
  return compareDigits(x.epoch, y.epoch) || Math.sign(verrevcmp(x.upstream, y.upstream)) || Math.sign(verrevcmp(x.revision, y.revision));
}
