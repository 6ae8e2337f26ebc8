/**
 * Alpine (apk-tools) version ordering: digits{.digits}[letter]{_suffix[N]}[~hash][-rN].
 * Pre-release suffixes (_alpha _beta _pre _rc) sort before the bare version; _cvs _svn _git _hg _p after.
 */
import { compareDigits, compareStrings, invalidVersion } from './util.js';

const enum T {
  Digit = 1,
  Letter = 2,
  Suffix = 3,
  Hash = 4,
  Revision = 5,
  End = 6,
}

interface Token {
  t: T;
  v: string;
  /** Suffix rank (negative = pre-release) and for digits whether it is the first component. */
  rank?: number;
  first?: boolean;
}

const SUFFIXES: Record<string, number> = { alpha: -4, beta: -3, pre: -2, rc: -1, cvs: 1, svn: 2, git: 3, hg: 4, p: 5 };

export function tokenizeApk(version: string): Token[] {
  const m = /^(\d+(?:\.\d+)*)([a-z]?)((?:_(?:alpha|beta|pre|rc|cvs|svn|git|hg|p)\d*)*)(~[0-9a-f]+)?(?:-r(\d+))?$/.exec(version.trim());
  if (!m) throw invalidVersion('Alpine', version);
  const tokens: Token[] = [];
  m[1]!.split('.').forEach((d, i) => tokens.push({ t: T.Digit, v: d, first: i === 0 }));
  if (m[2]) tokens.push({ t: T.Letter, v: m[2] });
  for (const s of m[3]!.split('_').slice(1)) {
    const sm = /^([a-z]+)(\d*)$/.exec(s)!;
    tokens.push({ t: T.Suffix, v: sm[2] || '0', rank: SUFFIXES[sm[1]!]! });
  }
  if (m[4]) tokens.push({ t: T.Hash, v: m[4].slice(1) });
  if (m[5] !== undefined) tokens.push({ t: T.Revision, v: m[5] });
  tokens.push({ t: T.End, v: '' });
  return tokens;
}

function cmpDigitToken(a: Token, b: Token): number {
  // apk compares later components with a leading zero as fractions (string order).
  if (!a.first && !b.first && (a.v.startsWith('0') || b.v.startsWith('0'))) return compareStrings(a.v, b.v);
  return compareDigits(a.v, b.v);
}

export function compareApk(a: string, b: string): number {
  const x = tokenizeApk(a);
  const y = tokenizeApk(b);
  for (let i = 0; ; i++) {
    const p = x[i]!;
    const q = y[i]!;
    if (p.t === q.t) {
      let r = 0;
      switch (p.t) {
        case T.Digit:
          r = cmpDigitToken(p, q);
          break;
        case T.Letter:
        case T.Hash:
          r = compareStrings(p.v, q.v);
          break;
        case T.Suffix:
          r = Math.sign(p.rank! - q.rank!) || compareDigits(p.v, q.v);
          break;
        case T.Revision:
          r = compareDigits(p.v, q.v);
          break;
        case T.End:
          return 0;
      }
      if (r !== 0) return r;
      continue;
    }
    // Different token kinds: the longer version is greater unless it continues with a pre-release suffix.
    if (p.t === T.Suffix && p.rank! < 0) return -1;
    if (q.t === T.Suffix && q.rank! < 0) return 1;
    return p.t > q.t ? -1 : 1;
  }
}
