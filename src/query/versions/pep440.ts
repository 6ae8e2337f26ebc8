/** PyPI version ordering (PEP 440): epoch, release, pre, post, dev, local. */
import { compareDigits, compareStrings, invalidVersion } from './util.js';

const PEP440 =
  /^\s*v?(?:(?:(\d+)!)?(\d+(?:\.\d+)*)(?:[-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?(\d+)?)?(?:(?:-(\d+))|(?:[-_.]?(post|rev|r)[-_.]?(\d+)?))?(?:[-_.]?(dev)[-_.]?(\d+)?)?)(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?\s*$/i;

/** Sort key parts; `null` stands for -infinity, `undefined` for +infinity. */
interface Pep440Key {
  epoch: string;
  release: string[];
  pre: [number, string] | null | undefined;
  post: string | null;
  dev: string | undefined;
  local: string[] | null;
}

const PRE_RANK: Record<string, number> = { a: 0, alpha: 0, b: 1, beta: 1, c: 2, rc: 2, pre: 2, preview: 2 };

export function parsePep440(version: string): Pep440Key {
  const m = PEP440.exec(version);
  if (!m) throw invalidVersion('PEP 440', version);
  const [, epoch, release, preL, preN, postN1, postL, postN2, devL, devN, local] = m;
  const rel = release!.split('.');
  while (rel.length > 1 && /^0+$/.test(rel[rel.length - 1]!)) rel.pop();
  const hasPost = postN1 !== undefined || postL !== undefined;
  const pre: Pep440Key['pre'] =
    preL !== undefined ? [PRE_RANK[preL.toLowerCase()]!, preN ?? '0'] : !hasPost && devL !== undefined ? null : undefined;
  return {
    epoch: epoch ?? '0',
    release: rel,
    pre,
    post: hasPost ? (postN1 ?? postN2 ?? '0') : null,
    dev: devL !== undefined ? (devN ?? '0') : undefined,
    local: local !== undefined ? local.toLowerCase().split(/[-_.]/) : null,
  };
}

export function isPep440(version: string): boolean {
  return PEP440.test(version);
}

function cmpRelease(a: string[], b: string[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const r = compareDigits(a[i] ?? '0', b[i] ?? '0');
    if (r !== 0) return r;
  }
  return 0;
}

function cmpLocal(a: string[] | null, b: string[] | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const xn = /^\d+$/.test(x);
    const yn = /^\d+$/.test(y);
    const r = xn && yn ? compareDigits(x, y) : xn ? 1 : yn ? -1 : compareStrings(x, y);
    if (r !== 0) return r;
  }
  return 0;
}

export function comparePep440(a: string, b: string): number {
  const x = parsePep440(a);
  const y = parsePep440(b);
  let r = compareDigits(x.epoch, y.epoch) || cmpRelease(x.release, y.release);
  if (r !== 0) return r;
  // pre: null (-inf) < [rank, n] < undefined (+inf)
  if (x.pre !== y.pre) {
    if (x.pre === null || y.pre === undefined) r = y.pre === null ? 0 : -1;
    else if (y.pre === null || x.pre === undefined) r = 1;
    else r = x.pre[0] - y.pre[0] || compareDigits(x.pre[1], y.pre[1]);
    if (x.pre === null && y.pre === null) r = 0;
    if (r !== 0) return Math.sign(r);
  }
  if (x.post !== y.post) {
    if (x.post === null) return -1;
    if (y.post === null) return 1;
    r = compareDigits(x.post, y.post);
    if (r !== 0) return r;
  }
  if (x.dev !== y.dev) {
    if (x.dev === undefined) return 1;
    if (y.dev === undefined) return -1;
    r = compareDigits(x.dev, y.dev);
    if (r !== 0) return r;
  }
  return cmpLocal(x.local, y.local);
}
