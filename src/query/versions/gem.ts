/** RubyGems version ordering (Gem::Version#<=>): numeric segments > string segments; '-' means '.pre.'. */
import { compareDigits, compareStrings, invalidVersion } from './util.js';

type Seg = string | { n: string };

export function gemSegments(version: string): Seg[] {
  const v = version.trim();
  if (!/^[0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/.test(v)) throw invalidVersion('RubyGems', version);
  const s = v.replace(/-/g, '.pre.');
  const segs: Seg[] = (s.match(/[0-9]+|[a-z]+/gi) ?? []).map((p) => (/^\d/.test(p) ? { n: p.replace(/^0+(?=\d)/, '') } : p));
  // canonical_segments: drop trailing zeros of the release part and of the pre-release part.
  const firstStr = segs.findIndex((x) => typeof x === 'string');
  const release = firstStr === -1 ? segs : segs.slice(0, firstStr);
  const pre = firstStr === -1 ? [] : segs.slice(firstStr);
  const trim = (l: Seg[]): Seg[] => {
    const out = [...l];
    while (out.length > 0) {
      const last = out[out.length - 1]!;
      if (typeof last !== 'string' && last.n === '0') out.pop();
      else break;
    }
    return out;
  };
  return [...trim(release), ...trim(pre)];
}

export function compareGem(a: string, b: string): number {
  const x = gemSegments(a);
  const y = gemSegments(b);
  const n = Math.max(x.length, y.length);
  for (let i = 0; i < n; i++) {
    const l = x[i] ?? { n: '0' };
    const r = y[i] ?? { n: '0' };
    if (typeof l === 'string' && typeof r === 'string') {
      const c = compareStrings(l, r);
      if (c !== 0) return c;
    } else if (typeof l === 'string') return -1;
    else if (typeof r === 'string') return 1;
    else {
      const c = compareDigits(l.n, r.n);
      if (c !== 0) return c;
    }
  }
  return 0;
}
